// spiceloop perf solve: ngspice load, op, update-every-conductance + op (and + a stepped
// timepoint, which keeps the matrix ordering), and the Eigen solve, on
// crossbars (with and without wire resistance) and a random 1000-edge network; medians and the
// ngspice/Eigen ratios, all measured in one run. Also registers `perf train` and `perf scpi`.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/perf.hpp"

namespace spiceloop::cli {

namespace {

struct PerfSolveArgs : PerfArgs {
  bool no_random = false;
};

std::vector<PerfCase> cases(const PerfSolveArgs& a) {
  std::vector<PerfCase> out;
  for (int n : a.sizes)
    for (double wire : {0.0, 1.0}) out.push_back(crossbar_case(n, wire));
  if (!a.no_random) {
    RandomGraphOptions r;
    r.nodes = 300;
    r.edges = 1000;
    r.input_count = 4;
    r.output_count = 4;
    r.edge.low = 1e-5;
    r.edge.high = 1e-4;
    r.seed = 1;
    out.push_back({"random 300 nodes 1000 edges", make_random_graph(r)});
  }
  return out;
}

// Every trainable conductance scaled by a factor that alternates between calls, so each update
// really changes every value.
std::vector<double> perturbed(const Network& net, int call) {
  std::vector<double> k = net.conductances();
  const double f = call % 2 ? 1.01 : 0.99;
  for (size_t j = 0; j < k.size(); ++j)
    if (net.edges[j].trainable) k[j] *= f;
  return k;
}

// Input values that differ per call, so no backend can answer from a cache.
Drive drive_for(const Network& net, int call) {
  Drive d;
  for (const Input& in : net.inputs) d.input_volts.push_back(in.volts * (1.0 + 1e-3 * (call % 7)));
  return d;
}

struct Row {
  std::string name;
  int nodes = 0, edges = 0;
  Timing ng_load, ng_op, ng_update_op, ng_update_step, ideal_load, ideal_solve, ideal_update_solve;
  std::string ng_error;  // ngspice could not solve this case (e.g. its worker timed out)
};

Row measure(const PerfCase& c, double budget) {
  Row r;
  r.name = c.name;
  r.nodes = c.net.node_count();
  r.edges = c.net.edge_count();
  SolverOptions op_only;
  op_only.reuse_ordering = false;  // a fresh .op per solve: re-orders the matrix every time
  NgspiceSimulator ng(op_only), stepper;
  IdealSimulator ideal;
  int call = 0;
  // Every conductance altered, then one solve, at inputs that differ per call.
  const auto update_and_solve = [&](Simulator& sim) {
    return time_median([&] {
      ++call;
      sim.set_conductances(perturbed(c.net, call));
      sim.solve(drive_for(c.net, call));
    }, budget);
  };
  // The worker starts on the first solve: start it on a tiny network so startup is not counted.
  {
    CrossbarOptions tiny;
    tiny.rows = tiny.columns = 1;
    ng.load(make_crossbar(tiny));
    ng.solve(Drive{});
  }
  try {
    // load: the deck loaded into ngspice plus its first op (ngspice loads lazily at the first solve).
    r.ng_load = time_median([&] { ng.load(c.net); ng.solve(drive_for(c.net, ++call)); }, budget, 3, 20);
    r.ng_op = time_median([&] { ng.solve(drive_for(c.net, ++call)); }, budget);
    r.ng_update_op = update_and_solve(ng);
    stepper.load(c.net);
    stepper.solve(drive_for(c.net, ++call));
    r.ng_update_step = update_and_solve(stepper);
  } catch (const SimulationError& e) {
    // Reported in the row, so the other cases and the Eigen figures still come out.
    r.ng_error = e.id();
  }
  r.ideal_load = time_median([&] { ideal.load(c.net); ideal.solve(drive_for(c.net, ++call)); }, budget, 3, 20);
  r.ideal_solve = time_median([&] { ideal.solve(drive_for(c.net, ++call)); }, budget);
  r.ideal_update_solve = update_and_solve(ideal);
  return r;
}

nlohmann::json row_json(const Row& r) {
  auto t = [](const Timing& x) { return nlohmann::json{{"median_s", x.median_seconds}, {"reps", x.repetitions}}; };
  if (!r.ng_error.empty())
    return {{"case", r.name}, {"nodes", r.nodes}, {"edges", r.edges}, {"ngspice", {{"error", r.ng_error}}},
            {"ideal", {{"load_first_solve", t(r.ideal_load)}, {"solve", t(r.ideal_solve)},
                       {"update_all_solve", t(r.ideal_update_solve)}}}};
  return {{"case", r.name},
          {"nodes", r.nodes},
          {"edges", r.edges},
          {"ngspice", {{"load_first_op", t(r.ng_load)}, {"op", t(r.ng_op)}, {"update_all_op", t(r.ng_update_op)},
                       {"update_all_step", t(r.ng_update_step)}}},
          {"ideal", {{"load_first_solve", t(r.ideal_load)}, {"solve", t(r.ideal_solve)}, {"update_all_solve", t(r.ideal_update_solve)}}},
          {"ratio_ngspice_over_ideal", {{"solve", r.ng_op.median_seconds / r.ideal_solve.median_seconds},
                                        {"update_solve", r.ng_update_step.median_seconds / r.ideal_update_solve.median_seconds}}},
          {"speedup_step_over_op", r.ng_update_op.median_seconds / r.ng_update_step.median_seconds}};
}

void run_perf_solve(const PerfSolveArgs& a) {
  nlohmann::json all = nlohmann::json::array();
  if (!a.json)
    fmt::print("{:<28} {:>6} {:>6} | {:>9} {:>9} {:>10} {:>10} {:>6} | {:>9} {:>9} {:>10} | {:>7} {:>7}\n", "case",
               "nodes", "edges", "ng load", "ng op", "ng upd+op", "ng upd+stp", "op/stp", "eig load", "eig solve",
               "eig upd+sol", "op/eig", "stp/eig");
  const std::vector<PerfCase> all_cases = cases(a);
  WorkProgress progress(ProgressMode::Auto, "perf solve", static_cast<std::int64_t>(all_cases.size()), "cases");
  std::int64_t done = 0;
  for (const PerfCase& c : all_cases) {
    progress.update(done, 0, "measuring " + c.name);
    const Row r = measure(c, a.budget_seconds);
    progress.update(++done);
    if (a.json) {
      all.push_back(row_json(r));
      continue;
    }
    if (!r.ng_error.empty()) {
      fmt::print("{:<28} {:>6} {:>6} | ngspice failed: {:<40} | {:>9.4f} {:>9.4f} {:>10.4f} |\n", r.name, r.nodes,
                 r.edges, r.ng_error, r.ideal_load.median_seconds * 1e3, r.ideal_solve.median_seconds * 1e3,
                 r.ideal_update_solve.median_seconds * 1e3);
      continue;
    }
    auto ms = [](const Timing& t) { return fmt::format("{:.4f}", t.median_seconds * 1e3); };
    fmt::print("{:<28} {:>6} {:>6} | {:>9} {:>9} {:>10} {:>10} {:>6.1f} | {:>9} {:>9} {:>10} | {:>7.0f} {:>7.0f}\n",
               r.name, r.nodes, r.edges, ms(r.ng_load), ms(r.ng_op), ms(r.ng_update_op), ms(r.ng_update_step),
               r.ng_update_op.median_seconds / r.ng_update_step.median_seconds, ms(r.ideal_load), ms(r.ideal_solve),
               ms(r.ideal_update_solve), r.ng_op.median_seconds / r.ideal_solve.median_seconds,
               r.ng_update_step.median_seconds / r.ideal_update_solve.median_seconds);
    std::fflush(stdout);
  }
  progress.finish();
  if (a.json)
    fmt::print("{}\n", all.dump(2));
  else
    fmt::print("times in ms, medians from one run. ng op / upd+op: a fresh .op per solve (re-orders the matrix);\n"
               "upd+stp: every conductance altered, then one timepoint of a halted transient (keeps the ordering);\n"
               "op/stp = upd+op over upd+stp; op/eig, stp/eig: ngspice over Eigen\n");
}

}  // namespace

void add_perf(CLI::App& app) {
  auto* perf = app.add_subcommand("perf", "Benchmarks that print figures (medians, ratios from one run)");
  perf->require_subcommand(1);
  auto args = std::make_shared<PerfSolveArgs>();
  auto* solve = perf->add_subcommand("solve", "ngspice vs Eigen: load, op, update-all + op");
  add_perf_options(*solve, *args);
  solve->add_flag("--no-random", args->no_random, "Skip the random 1000-edge network");
  solve->callback([args] { run_perf_solve(*args); });
  add_perf_train(*perf);
  add_perf_scpi(*perf);
}

}  // namespace spiceloop::cli
