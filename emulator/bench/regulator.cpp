#include "emulator/bench/regulator.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {

// A current counts as leaving its window only beyond rounding, so an output sitting exactly at its
// limit stays in CV; a CC current counts as reached at kReachedRel, or at kCloseRel once Newton
// stops gaining (a simulator such as ngspice only converges to its own tolerances).
constexpr double kOverRel = 1e-9;
constexpr double kReachedRel = 1e-13;
constexpr double kCloseRel = 1e-9;
constexpr double kTinyAmps = 1e-18;
constexpr double kCloseAmps = 1e-15;  // SolverOptions::abstol_amps
constexpr double kStepVolts = 1e-4;   // finite-difference step, relative to max(1 V, |V|)
constexpr int kMaxIterations = 20;
constexpr int kMaxHalvings = 8;

bool in_cc(Regulation m) { return m == Regulation::CCHigh || m == Regulation::CCLow; }
bool held(Regulation m) { return m == Regulation::HeldLow || m == Regulation::HeldHigh; }

// How far past a window edge a current must lie to move the output: rounding for a supply's limit,
// any miss a solve can show for a current source (its window is one point).
double beyond(const RegulatedOutput& o, double edge_amps) {
  return (o.min_amps == o.max_amps ? kReachedRel : kOverRel) * std::abs(edge_amps) + kTinyAmps;
}

std::string names(std::span<const RegulatedOutput> outputs, const std::vector<std::size_t>& which) {
  std::string out;
  for (std::size_t k : which) out += (out.empty() ? "" : ", ") + outputs[k].name;
  return out;
}

[[noreturn]] void fail(std::span<const RegulatedOutput> outputs, const std::vector<std::size_t>& which,
                       const std::string& what) {
  throw SimulationError("bench.compliance_not_converged", names(outputs, which),
                        what + "; check the current limits against the network (a limit the load cannot "
                               "reach within the output's voltage range has no CC voltage)");
}

[[noreturn]] void not_converged(std::span<const RegulatedOutput> outputs, const std::vector<std::size_t>& which) {
  fail(outputs, which, fmt::format("the constant-current voltages did not converge in {} iterations", kMaxIterations));
}

}  // namespace

Regulated regulate(Drive drive, std::span<const RegulatedOutput> outputs,
                   const std::function<State(const Drive&)>& solve) {
  for (const RegulatedOutput& o : outputs) drive.input_volts.at(o.input) = o.setpoint_volts;
  Regulated r{std::move(drive), {}, std::vector<Regulation>(outputs.size(), Regulation::CV)};
  Drive& d = r.drive;
  State& s = r.state;
  std::vector<Regulation>& mode = r.modes;
  s = solve(d);

  std::vector<std::size_t> candidates;  // outputs whose window can move them off the setpoint
  for (std::size_t k = 0; k < outputs.size(); ++k)
    if (outputs[k].limited()) candidates.push_back(k);
  if (candidates.empty()) return r;

  auto amps = [&](const State& st, std::size_t k) { return st.source_amps.at(outputs[k].input); };
  auto target = [&](std::size_t k) { return mode[k] == Regulation::CCHigh ? outputs[k].max_amps : outputs[k].min_amps; };
  auto volts = [&](Drive& dr, std::size_t k) -> double& { return dr.input_volts[outputs[k].input]; };
  // Worst CC miss, relative to the target; reached / close when every CC output meets the tolerance.
  struct Miss {
    double worst = 0.0;
    bool reached = true, close = true;
  };
  auto miss = [&](const State& st, const std::vector<std::size_t>& cc) {
    Miss m;
    for (std::size_t k : cc) {
      const double scale = std::abs(target(k));
      const double e = std::abs(amps(st, k) - target(k));
      m.worst = std::max(m.worst, e / (scale + kCloseAmps));
      m.reached = m.reached && e <= kReachedRel * scale + kTinyAmps;
      m.close = m.close && e <= kCloseRel * scale + kCloseAmps;
    }
    return m;
  };

  double previous = std::numeric_limits<double>::infinity();
  bool dropped = false;  // an output left CC in the last step
  for (int iteration = 0;; ++iteration) {
    // Outputs at a fixed voltage (CV at the setpoint, held at a window edge) whose current says
    // they belong elsewhere move; from a setpoint that is also the window edge, straight to held.
    bool added = false;
    for (std::size_t k : candidates) {
      const RegulatedOutput& o = outputs[k];
      const double i = amps(s, k);
      Regulation next = mode[k];
      if (mode[k] == Regulation::CV && i > o.max_amps + beyond(o, o.max_amps))
        next = o.setpoint_volts > o.min_volts ? Regulation::CCHigh : Regulation::HeldLow;
      else if (mode[k] == Regulation::CV && i < o.min_amps - beyond(o, o.min_amps))
        next = o.setpoint_volts < o.max_volts ? Regulation::CCLow : Regulation::HeldHigh;
      else if (mode[k] == Regulation::HeldLow && i < o.max_amps - beyond(o, o.max_amps))
        next = Regulation::CCHigh;
      else if (mode[k] == Regulation::HeldHigh && i > o.min_amps + beyond(o, o.min_amps))
        next = Regulation::CCLow;
      added = added || next != mode[k];
      mode[k] = next;
    }
    std::vector<std::size_t> cc;
    for (std::size_t k : candidates)
      if (in_cc(mode[k])) cc.push_back(k);
    if (cc.empty()) break;
    const Miss now = miss(s, cc);
    if (!added && (now.reached || (now.close && now.worst > 0.5 * previous))) break;
    if (iteration == kMaxIterations) not_converged(outputs, cc);
    previous = added || dropped ? std::numeric_limits<double>::infinity() : now.worst;

    // Newton on the CC voltages: J = dI_cc / dV_cc by forward differences, stepping each voltage
    // away from its setpoint (the side its CC voltage lies on).
    const auto n = static_cast<Eigen::Index>(cc.size());
    Eigen::MatrixXd jac(n, n);
    Eigen::VectorXd rhs(n);
    for (Eigen::Index row = 0; row < n; ++row) rhs(row) = target(cc[row]) - amps(s, cc[row]);
    for (Eigen::Index col = 0; col < n; ++col) {
      const std::size_t k = cc[col];
      Drive probe = d;
      double& v = volts(probe, k);
      double h = (mode[k] == Regulation::CCHigh ? -kStepVolts : kStepVolts) * std::max(1.0, std::abs(v));
      if (std::abs(v + h) > network_limits::kMaxAbsVolts) h = -h;  // a probe the simulator accepts
      v += h;
      const State q = solve(probe);
      for (Eigen::Index row = 0; row < n; ++row) jac(row, col) = (amps(q, cc[row]) - amps(s, cc[row])) / h;
    }
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(jac);
    const auto pivots = lu.matrixLU().diagonal();
    if (!pivots.allFinite() || (pivots.array() == 0.0).any()) not_converged(outputs, cc);
    const Eigen::VectorXd step = lu.solve(rhs);
    if (!step.allFinite()) not_converged(outputs, cc);

    // Each CC voltage stays between its setpoint and its window edge; one the step takes to either
    // leaves CC (the active set changes, so that step is taken whole). Otherwise the step is halved
    // while it makes the worst miss larger (diodes; for resistors the whole step is exact).
    Drive trial;
    State next;
    for (int halving = 0;; ++halving) {
      const double t = std::ldexp(1.0, -halving);
      trial = d;
      bool hit = false;
      for (Eigen::Index j = 0; j < n; ++j) {
        const RegulatedOutput& o = outputs[cc[j]];
        const bool high = mode[cc[j]] == Regulation::CCHigh;
        const double lo = high ? o.min_volts : o.setpoint_volts;
        const double hi = high ? o.setpoint_volts : o.max_volts;
        double& v = volts(trial, cc[j]);
        v = std::clamp(v + t * step(j), lo, hi);
        hit = hit || v == lo || v == hi;
      }
      next = solve(trial);
      if (hit || halving == kMaxHalvings || miss(next, cc).worst <= now.worst) break;
    }
    d = std::move(trial);
    s = std::move(next);
    dropped = false;
    for (std::size_t k : cc) {
      const RegulatedOutput& o = outputs[k];
      const double v = volts(d, k);
      const double edge = mode[k] == Regulation::CCHigh ? o.min_volts : o.max_volts;
      if (v == edge && edge != o.setpoint_volts)
        mode[k] = mode[k] == Regulation::CCHigh ? Regulation::HeldLow : Regulation::HeldHigh, dropped = true;
      else if (v == o.setpoint_volts)
        mode[k] = Regulation::CV, dropped = true;
    }
  }

  std::vector<std::size_t> stuck;  // held where holding is no operating point
  for (std::size_t k : candidates)
    if (held(mode[k]) && !outputs[k].holds_at_window) stuck.push_back(k);
  if (!stuck.empty()) fail(outputs, stuck, "no voltage within the output's range delivers its limit");
  return r;
}

}  // namespace spiceloop
