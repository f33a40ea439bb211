// Old spellings of renamed commands and options. "bench" now means only the emulated lab table
// (`serve BENCH.json`); the benchmarks are `perf`, the instruments' addresses file `--instruments`.
// Each old spelling is refused, naming the new one, rather than silently meaning something else.
#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& old_spelling, const std::string& new_spelling) {
  throw InputError("cli.renamed", where, fmt::format("`{}` is now `{}`", old_spelling, new_spelling));
}

}  // namespace

void add_renamed_commands(CLI::App& app) {
  // Hidden (group ""), and swallowing whatever follows, so `bench solve --sizes 8` gets the message.
  auto* bench = app.add_subcommand("bench", "")->group("")->prefix_command()->allow_extras();
  bench->callback([] { refuse("bench", "spiceloop bench", "spiceloop perf"); });
}

void add_renamed_option(CLI::App& cmd, const std::string& old_option, const std::string& new_option, bool takes_value) {
  const std::string command = "spiceloop " + cmd.get_name();
  const auto fail = [=] { refuse(old_option, command + " " + old_option, command + " " + new_option); };
  if (takes_value)
    cmd.add_option_function<std::string>(old_option, [fail](const std::string&) { fail(); })->group("");
  else
    cmd.add_flag_function(old_option, [fail](std::int64_t) { fail(); })->group("");
}

}  // namespace spiceloop::cli
