#include <cstdio>
#include <string>
#include <vector>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"
#include "emulator/core/suggest.hpp"
#include "tools/spiceloop/commands.hpp"

namespace {

// CLI11 answers a misspelt command with "The following arguments were not expected"; name the
// command that was probably meant instead. Empty when the first word is not a command's place.
std::string unknown_command_message(CLI::App& app, int argc, char** argv) {
  if (!app.get_subcommands().empty()) return "";
  std::string word;
  for (int i = 1; i < argc && word.empty(); ++i)
    if (argv[i][0] != '-') word = argv[i];
  if (word.empty()) return "";
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  const std::string best = spiceloop::closest_match(word, names);
  const spiceloop::InputError e("cli.unknown_command", word,
                                "not a spiceloop command; " +
                                    (best.empty() ? std::string("the commands are listed by `spiceloop --help`")
                                                  : "did you mean `spiceloop " + best + "`?"));
  return e.what();
}

}  // namespace

namespace spiceloop::cli {

int print_error(const std::exception& e, const std::string& label) {
  std::fprintf(stderr, "%s: %s\n", label.c_str(), e.what());
  if (auto* sim = dynamic_cast<const spiceloop::SimulationError*>(&e))
    for (const auto& line : sim->simulator_lines()) std::fprintf(stderr, "  ngspice: %s\n", line.c_str());
  return dynamic_cast<const spiceloop::Error*>(&e) ? 2 : 3;
}

}  // namespace spiceloop::cli

int main(int argc, char** argv) {
  CLI::App app{"spiceloop: a SPICE-coupled emulator for physical learning machines"};
  app.require_subcommand(0, 1);
  bool quiet = false, verbose = false;
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr");
  app.add_flag("-v,--verbose", verbose, "Debug messages on stderr");
  spiceloop::cli::add_solve(app);
  spiceloop::cli::add_netlist(app);
  spiceloop::cli::add_generate(app);
  spiceloop::cli::add_train(app);
  spiceloop::cli::add_perf(app);
  spiceloop::cli::add_sweep(app);
  spiceloop::cli::add_serve(app);
  spiceloop::cli::add_board(app);
  spiceloop::cli::add_panel(app);
  spiceloop::cli::add_device_curves(app);
  spiceloop::cli::add_transient(app);
  spiceloop::cli::add_renamed_commands(app);
  app.parse_complete_callback([&] {
    if (quiet) spiceloop::log::set_level(spiceloop::log::Level::Warn);
    if (verbose) spiceloop::log::set_level(spiceloop::log::Level::Debug);
  });
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::fputs(app.help().c_str(), stdout);
    }
  } catch (const CLI::ExtrasError& e) {
    if (const std::string message = unknown_command_message(app, argc, argv); !message.empty()) {
      std::fprintf(stderr, "error: %s\n", message.c_str());
      return 2;
    }
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    return spiceloop::cli::print_error(e);
  }
  return 0;
}
