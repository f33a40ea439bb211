// spiceloop generate KIND [--set key=value ...]: a generated network as JSON. The keys are the
// generator spec's (netlists/README.md), so this command never falls out of step with them.
#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

struct GenerateArgs {
  std::string kind;
  std::vector<std::string> sets;
  std::string output;
};

nlohmann::json spec_from(const GenerateArgs& a) {
  nlohmann::json spec = {{"generator", a.kind}};
  for (const std::string& kv : a.sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("cli.set", "--set " + kv, "expected key=value, e.g. --set rows=8");
    const std::string key = kv.substr(0, eq), text = kv.substr(eq + 1);
    // A value is JSON when it parses as JSON (numbers, true, [1,2], {...}); a comma-separated list
    // of JSON values is an array (layers=4,8,3); anything else is a string.
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded() && text.find(',') != std::string::npos)
      value = nlohmann::json::parse("[" + text + "]", nullptr, false);
    spec[key] = value.is_discarded() ? nlohmann::json(text) : value;
  }
  return spec;
}

}  // namespace

void add_generate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate", "Write a generated network (crossbar, lattice, random, layered) as JSON");
  cmd->add_option("kind", args->kind, "crossbar | lattice | random | layered")
      ->required()
      ->check(CLI::IsMember({"crossbar", "lattice", "random", "layered"}));
  cmd->add_option("--set", args->sets,
                  "Generator key=value (e.g. rows=8 columns=8 wire_ohms=1 seed=3, layers=4,8,3); see netlists/README.md");
  cmd->add_option("-o,--output", args->output, "Write here instead of stdout");
  cmd->callback([args] {
    print_or_write(network_to_text(generate_network(spec_from(*args), "--set")), args->output, "network");
  });
}

}  // namespace spiceloop::cli
