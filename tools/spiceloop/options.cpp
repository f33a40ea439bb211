// Options and output shared by subcommands: the backend choice, the phase and its values, and
// printing or writing a file.
#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"
#include "tools/spiceloop/commands.hpp"

namespace spiceloop::cli {

void add_backend_options(CLI::App& cmd, BackendChoice& choice) {
  cmd.add_option("--backend", choice.backend, "Simulator: ngspice (circuit level) or ideal (Eigen, exact)")
      ->check(CLI::IsMember({"ngspice", "ideal"}))
      ->capture_default_str();
  cmd.add_option("--reltol", choice.tolerances.reltol, "ngspice reltol")->capture_default_str();
  cmd.add_option("--abstol", choice.tolerances.abstol_amps, "ngspice abstol (A)")->capture_default_str();
  cmd.add_option("--vntol", choice.tolerances.vntol_volts, "ngspice vntol (V)")->capture_default_str();
  cmd.add_option("--gmin", choice.tolerances.gmin_siemens, "ngspice gmin (S)")->capture_default_str();
}

void add_phase_options(CLI::App& cmd, PhaseChoice& choice) {
  cmd.add_option("--phase", choice.phase, "free | clamped | nudged | twin")
      ->check(CLI::IsMember({"free", "clamped", "nudged", "twin"}))
      ->capture_default_str();
  cmd.add_option("--values", choice.values,
                 "One per output: clamp volts (clamped), injected amps (nudged), targets (twin)")
      ->delimiter(',');
  cmd.add_option("--eta", choice.eta, "Twin clamp factor in (0, 1]")->capture_default_str();
}

// The values end up as numbers ngspice reads literally (nan, inf and 1e300 included): only what a
// network could carry is accepted. Volts as the network format bounds its inputs; amps as those
// volts drive through the largest conductance it allows.
void check_values(const PhaseChoice& a) {
  namespace nl = network_limits;
  const bool amps = a.phase == "nudged";
  const double limit = amps ? nl::kMaxAbsVolts * nl::kMaxSiemens : nl::kMaxAbsVolts;
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!(std::isfinite(a.values[i]) && std::abs(a.values[i]) <= limit))
      throw InputError("cli.values", fmt::format("--values[{}]", i),
                       fmt::format("{:g} is not a usable {}: give a finite value within +-{:g} {}", a.values[i],
                                   amps ? "current" : "voltage", limit, amps ? "A" : "V"));
  if (a.phase == "twin" && !(a.eta > 0.0 && a.eta <= 1.0))
    throw InputError("cli.eta", "--eta", fmt::format("the twin clamp factor must lie in (0, 1], got {:g}", a.eta));
}

Drive drive_for(const Network& net, const PhaseChoice& a) {
  check_values(a);
  Drive d;
  const size_t n_out = net.outputs.size();
  auto need_values = [&](const char* what) {
    if (a.values.size() != n_out)
      throw InputError("cli.values", "--values",
                       fmt::format("the {} phase needs {} {} (one per output), got {}", a.phase, n_out, what,
                                   a.values.size()));
    return a.values;
  };
  if (a.phase == "free") {
    d.phase = Phase::Free;
  } else if (a.phase == "clamped") {
    d.phase = Phase::Clamped;
    d.clamp_volts = need_values("clamp voltages");
  } else if (a.phase == "nudged") {
    d.phase = Phase::Nudged;
    d.nudge_amps = need_values("nudge currents (A, into the output)");
  } else {
    d.phase = Phase::Twin;
    d.twin_targets = need_values("target voltages");
    d.twin_eta = a.eta;
  }
  return d;
}

void print_or_write(const std::string& text, const std::filesystem::path& path, const std::string& what) {
  if (path.empty()) {
    fmt::print("{}", text);
    return;
  }
  std::ofstream out(path);
  out << text;
  if (!out) throw InputError("cli.write", path.string(), "cannot write the " + what + " file");
}

}  // namespace spiceloop::cli
