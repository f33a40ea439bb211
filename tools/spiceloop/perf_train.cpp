// spiceloop perf train: CL steps per second on the 16-edge lab network, the 4 x 4 transistor
// lattice (learning gate voltages) and crossbars, on both backends, with the ngspice/ideal ratio
// and each step's cost against its two bare solves. On the ideal backend also: the step against
// one pass that reads and writes each edge's step data once (the memory-speed bound of a step),
// and resident memory after the steps and after as many again (a step that allocates would show
// as growth). --ideal-only skips ngspice. With --devices: on the ideal backend, the same
// crossbars with memristor edges of each pulse model against ideal resistors, side by side (issue 17's
// budget: a device update costs at most 1.5x the resistor's).
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <tuple>

#include <nlohmann/json.hpp>

#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/core/random.hpp"
#include "emulator/learning/rules/plain_pass.hpp"
#include "emulator/learning/rules/update.hpp"
#include "emulator/network/load.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tools/spiceloop/bundled.hpp"
#include "tools/spiceloop/perf.hpp"

namespace spiceloop::cli {

namespace {

std::vector<PerfCase> cases(const PerfArgs& a) {
  std::vector<PerfCase> out{{"lab16 (16 edges)", load_network_file(bundled_file("netlists/lab16.json").string())},
                            {"clln4x4 (32 NMOS)", load_network_file(bundled_file("netlists/clln4x4.json").string())}};
  for (int n : a.sizes) out.push_back(crossbar_case(n));
  return out;
}

// Allostery by CL, one sample per step: the lab's clocked update.
TrainConfig config_for(const Network& net) {
  nlohmann::json doc = {{"network", network_to_json(net)},
                        {"task", {{"kind", "allostery"}}},
                        {"rule", {{"kind", "cl"}, {"eta", 0.5}, {"convention", "code"}}},
                        {"alpha", 1e-7},
                        {"epochs", 1000000000},
                        {"seed", 1}};
  if (!net.is_linear() && net.edges.front().kind == ElementKind::Transistor) {
    doc["update"] = {{"parameter", "gate_voltage"}};
    doc["alpha"] = 1e-3;  // volts per V^2: gates move by about a millivolt per step
  }
  return parse_train_config(doc, ".", "perf");
}

struct Measured {
  Timing step, two_solves, other;
  long rss_kib = 0, rss_growth_kib = 0;
};

// This process's resident set now (kiB, from /proc), and at its peak.
long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "VmRSS:") return status >> value ? value : -1;
    status.ignore(4096, '\n');
  }
  return value;
}

long peak_resident_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The least a step over these edges can cost: read each edge's conductance, bounds and endpoint
// voltages and write its new conductance, once, with arithmetic too light to hide behind.
class EdgeDataPass {
 public:
  explicit EdgeDataPass(const Network& net)
      : k_(net.conductances()), k_next_(k_.size()), lo_(k_.size(), 0.0), hi_(k_.size(), 1.0),
        v_(net.node_count(), 0.5), a_(k_.size()), b_(k_.size()) {
    for (std::size_t j = 0; j < k_.size(); ++j) a_[j] = net.edges[j].a, b_[j] = net.edges[j].b;
  }
  void operator()() {
    const double step = (++call_ % 2) ? 1e-12 : -1e-12;
    for (std::size_t j = 0; j < k_.size(); ++j)
      k_next_[j] = std::clamp(k_[j] + step * (v_[a_[j]] - v_[b_[j]]), lo_[j], hi_[j]);
    k_.swap(k_next_);
  }

 private:
  std::vector<double> k_, k_next_, lo_, hi_, v_;
  std::vector<int> a_, b_;
  int call_ = 0;
};

// With `other`, the steps alternate with it call by call (paired_medians), its median in m.other.
Measured measure(Simulator& sim, const Network& net, double budget, const std::function<void()>& other = {}) {
  Trainer trainer(config_for(net), net, sim);
  Measured m;
  if (other)
    std::tie(m.step, m.other) = paired_medians([&] { trainer.step(); }, other, budget, 3, 100000);
  else
    m.step = time_median([&] { trainer.step(); }, budget, 3, 100000);
  m.rss_kib = resident_kib();
  time_median([&] { trainer.step(); }, budget, 3, 100000);
  m.rss_growth_kib = resident_kib() - m.rss_kib;
  // The bare cost a step cannot avoid: new conductances, the free solve, the clamped solve.
  const Network& now = trainer.network();
  std::vector<double> k = now.conductances();
  Drive clamp;
  clamp.phase = Phase::Clamped;
  int call = 0;
  m.two_solves = time_median([&] {
    for (size_t j = 0; j < k.size(); ++j)
      if (now.edges[j].trainable) k[j] *= (++call % 2) ? 1.001 : 1.0 / 1.001;
    sim.set_conductances(k);
    const State f = sim.solve(Drive{});
    clamp.clamp_volts.clear();
    for (int o : now.outputs) clamp.clamp_volts.push_back(0.9 * f.node_volts[o]);
    sim.solve(clamp);
  }, budget, 3, 100000);
  return m;
}

// The pattern of SPICE-based learning tools that write a deck per phase: each phase loads the
// whole deck with the present conductances and runs a fresh op (no circuit kept between phases).
class ReloadPerPhase {
 public:
  explicit ReloadPerPhase(const Network& net) : sim_(fresh_op()), now_(net), k_(net.conductances()) {
    clamp_.phase = Phase::Clamped;
  }
  void operator()() {
    for (size_t j = 0; j < k_.size(); ++j)
      if (now_.edges[j].trainable) k_[j] *= (++call_ % 2) ? 1.001 : 1.0 / 1.001;
    now_.set_conductances(k_);
    sim_.load(now_);
    const State f = sim_.solve(Drive{});
    clamp_.clamp_volts.clear();
    for (int o : now_.outputs) clamp_.clamp_volts.push_back(0.9 * f.node_volts[o]);
    sim_.load(now_);
    sim_.solve(clamp_);
  }

 private:
  static SolverOptions fresh_op() {
    SolverOptions o;
    o.reuse_ordering = false;
    return o;
  }
  NgspiceSimulator sim_;
  Network now_;
  std::vector<double> k_;
  Drive clamp_;
  int call_ = 0;
};

struct PerfTrainArgs : PerfArgs {
  bool ideal_only = false;
  bool portable_pass = false;
};

nlohmann::json side_json(const Measured& m) {
  return nlohmann::json{{"step_median_s", m.step.median_seconds},
                        {"steps_per_s", 1.0 / m.step.median_seconds},
                        {"two_solves_median_s", m.two_solves.median_seconds},
                        {"step_over_two_solves", m.step.median_seconds / m.two_solves.median_seconds}};
}

void run(const PerfTrainArgs& a) {
  use_avx512_plain_pass(!a.portable_pass);
  nlohmann::json all = nlohmann::json::array();
  if (!a.json)
    fmt::print("{:<20} {:>6} | {:>12} {:>10} {:>9} {:>9} {:>9} | {:>12} {:>10} {:>9} {:>9} | {:>8}\n", "case", "edges",
               "ideal step/s", "step us", "step/2sol", "step/pass", "RSS+ kiB", "ngspice st/s", "step us", "step/2sol",
               "reload/st", "ng/ideal");
  const std::vector<PerfCase> all_cases = cases(a);
  WorkProgress progress(ProgressMode::Auto, "perf train", static_cast<std::int64_t>(all_cases.size()), "cases");
  std::int64_t done = 0;
  for (const PerfCase& c : all_cases) {
    progress.update(done, 0, "measuring " + c.name);
    IdealSimulator ideal;
    EdgeDataPass edge_pass(c.net);
    const Measured mi = measure(ideal, c.net, a.budget_seconds, std::ref(edge_pass));
    const Timing& pass = mi.other;
    nlohmann::json row = {{"case", c.name}, {"edges", c.net.edge_count()}, {"ideal", side_json(mi)}};
    row["ideal"]["edge_data_pass_median_s"] = pass.median_seconds;
    row["ideal"]["step_over_edge_data_pass"] = mi.step.median_seconds / pass.median_seconds;
    row["ideal"]["resident_kib"] = mi.rss_kib;
    row["ideal"]["resident_growth_kib"] = mi.rss_growth_kib;
    std::optional<Measured> mn;
    Timing reload;
    if (!a.ideal_only) {
      NgspiceSimulator ng;
      // Not alternated like the ideal side: a ngspice step's alters run in its workers after it
      // returns (until the next solve), so they would be timed in the reload pattern instead.
      mn = measure(ng, c.net, a.budget_seconds);
      ReloadPerPhase reload_pattern(c.net);
      reload = time_median(std::ref(reload_pattern), a.budget_seconds, 3, 100000);
      row["ngspice"] = side_json(*mn);
      row["ngspice"]["reload_per_phase_median_s"] = reload.median_seconds;
      row["ngspice"]["reload_per_phase_over_step"] = reload.median_seconds / mn->step.median_seconds;
      row["ratio_ngspice_over_ideal"] = mn->step.median_seconds / mi.step.median_seconds;
    }
    progress.update(++done);
    if (a.json) {
      all.push_back(row);
      continue;
    }
    fmt::print("{:<20} {:>6} | {:>12.0f} {:>10.1f} {:>9.2f} {:>9.2f} {:>9} |", c.name, c.net.edge_count(),
               1.0 / mi.step.median_seconds, mi.step.median_seconds * 1e6,
               mi.step.median_seconds / mi.two_solves.median_seconds, mi.step.median_seconds / pass.median_seconds,
               mi.rss_growth_kib);
    if (mn)
      fmt::print(" {:>12.0f} {:>10.1f} {:>9.2f} {:>9.2f} | {:>8.0f}\n", 1.0 / mn->step.median_seconds,
                 mn->step.median_seconds * 1e6, mn->step.median_seconds / mn->two_solves.median_seconds,
                 reload.median_seconds / mn->step.median_seconds, mn->step.median_seconds / mi.step.median_seconds);
    else
      fmt::print("\n");
    std::fflush(stdout);
  }
  progress.finish();
  if (a.json) {
    fmt::print("{}\n", nlohmann::json{{"cases", all},
                                      {"peak_resident_kib", peak_resident_kib()},
                                      {"step_pass_build", plain_pass_build()}}
                              .dump(2));
    return;
  }
  fmt::print("CL allostery, batch 1; medians; step/2sol = a step against new conductances + free + clamped solve;\n"
             "step/pass = against one pass reading and writing each edge's step data once (the memory bound: 40\n"
             "bytes an edge), timed alternately with the steps; the step's fused pass ran its {} build;\n"
             "RSS+ = resident growth over a second run of as many steps; peak resident {} kiB (this process);\n"
             "reload/st = ngspice's reload-the-deck-per-phase pattern (load + fresh op per phase) over its step\n",
             plain_pass_build(), peak_resident_kib());
}

// --devices: every trainable edge of a crossbar made a memristor of `model` with every device effect
// on (the bundled memristor experiment's: asymmetry 0.1, 20 % step noise, 10 % spread, 2 % stuck,
// drift), a linear read so that the solves are the resistor's, and a step of 1/1000 of the range.
Network as_memristors(Network net, PulseModel model) {
  for (Edge& e : net.edges) {
    if (!e.trainable) continue;
    e.kind = ElementKind::Memristor;
    e.min_siemens = 1e-6;
    e.max_siemens = 1e-4;
    MemristorParams& p = e.memristor;
    p = MemristorParams{};
    p.model = model;
    p.step_siemens = (e.max_siemens - e.min_siemens) / 1000.0;
    p.up_down = 0.1;
    p.step_noise = 0.2;
    p.spread = 0.1;
    p.gamma = 2.0;
    p.stuck_on_rate = p.stuck_off_rate = 0.01;
    p.drift_nu = 0.02;
  }
  return net;
}

// The update alone: Updater::apply with a fixed signal whose pulse counts are uniform in -31..31
// (|n| about 15.5 on average: a hard case for pulses; the resistor's cost does not depend on it).
Timing measure_update(const Network& start, double budget) {
  const UpdateSpec spec;
  Updater updater(spec, start, 1);
  Network net = start;
  updater.place_devices(net);
  Rng signal_rng(7);
  std::vector<double> signal(net.edges.size());
  const double alpha = 1e-7, step = 1e-7;  // signal in pulses of step_siemens
  for (double& g : signal) g = (2.0 * signal_rng.uniform01() - 1.0) * spec.max_pulses * step / alpha;
  Rng noise(9);
  int call = 0;
  // The sign of the signal flips each call so the conductances wander about their start.
  std::vector<double> flipped = signal;
  for (double& g : flipped) g = -g;
  return time_median([&] { updater.apply(net, (++call % 2) ? signal : flipped, alpha, noise); }, budget, 3,
                     1000000);
}

void run_devices(const PerfArgs& a) {
  nlohmann::json all = nlohmann::json::array();
  if (!a.json)
    fmt::print("{:<22} {:<14} | {:>10} {:>10} | {:>10} {:>10}\n", "case", "edges", "step us", "/resistor",
               "update us", "/resistor");
  const PulseModel models[] = {PulseModel::ConstantStep, PulseModel::SoftBounds, PulseModel::PowerStep};
  for (int n : a.sizes) {
    const PerfCase c = crossbar_case(n, 1.0);
    std::vector<std::pair<std::string, Network>> variants{{"resistor", c.net}};
    for (PulseModel m : models) variants.emplace_back(pulse_model_name(m), as_memristors(c.net, m));
    double step0 = 0.0, update0 = 0.0;
    for (const auto& [name, net] : variants) {
      IdealSimulator ideal;
      const Measured m = measure(ideal, net, a.budget_seconds);
      const Timing u = measure_update(net, a.budget_seconds);
      if (name == "resistor") step0 = m.step.median_seconds, update0 = u.median_seconds;
      const double rs = m.step.median_seconds / step0, ru = u.median_seconds / update0;
      if (a.json) {
        all.push_back({{"case", c.name}, {"edges", net.edge_count()}, {"edge", name},
                       {"step_median_s", m.step.median_seconds}, {"step_over_resistor", rs},
                       {"update_median_s", u.median_seconds}, {"update_over_resistor", ru}});
        continue;
      }
      fmt::print("{:<22} {:<14} | {:>10.1f} {:>10.2f} | {:>10.1f} {:>10.2f}\n", c.name, name,
                 m.step.median_seconds * 1e6, rs, u.median_seconds * 1e6, ru);
      std::fflush(stdout);
    }
  }
  if (a.json)
    fmt::print("{}\n", all.dump(2));
  else
    fmt::print("ideal backend, medians. step: a CL allostery step (batch 1, alpha 1e-7, memristors with every device\n"
               "effect on, linear read). update: Updater::apply alone, |pulses| uniform in 0..31 per edge\n");
}

}  // namespace

void add_perf_train(CLI::App& perf) {
  auto args = std::make_shared<PerfTrainArgs>();
  auto devices = std::make_shared<bool>(false);
  auto* cmd = perf.add_subcommand("train", "CL steps per second on both backends, and a step against its two solves");
  add_perf_options(*cmd, *args);
  cmd->add_flag("--ideal-only", args->ideal_only, "Skip ngspice (for large crossbars)");
  cmd->add_flag("--portable-pass", args->portable_pass,
                "Run the fused step pass's portable build even where AVX-512 exists (what other CPUs get)");
  cmd->add_flag("--devices", *devices,
                "Instead: on the ideal backend, memristor crossbars of each pulse model against ideal resistors "
                "(crossbars with 1 Ohm wires)");
  cmd->callback([args, devices] { *devices ? run_devices(*args) : run(*args); });
}

}  // namespace spiceloop::cli
