#include "emulator/dynamics/ode_noise.hpp"

#include <chrono>
#include <cmath>

#include "emulator/core/random.hpp"
#include "emulator/dynamics/noise.hpp"
#include "emulator/learning/rules/rule.hpp"
#include "emulator/solver/nodal_system.hpp"

namespace spiceloop {

Trajectory run_on_ideal_noisy(const Machine& m) {
  Trajectory t;
  t.backend = "ideal";
  const auto started = std::chrono::steady_clock::now();
  const Network& net = m.net;
  const int edges = net.edge_count();
  const double eta = m.config.rule.nudge, c = m.config.rule.factor();
  const double amps = noise_amps_per_root_siemens(m.spec);
  Rng rng = Rng::stream(m.spec.noise_seed, RandomStream::Noise);
  NodalSystem free_system(net, held_nodes(net, false)), clamped_system(net, held_nodes(net, true));
  std::vector<double> siemens = net.conductances();
  std::vector<double> xi_free(edges), xi_clamped(edges), signal(edges);
  std::vector<double> free_volts(net.node_count()), clamped_volts(net.node_count());
  State free, clamped;
  free.edge_volts.resize(edges);
  clamped.edge_volts.resize(edges);

  t.rows.push_back(start_row(m));
  std::vector<double> p = t.rows.back().parameters;
  // The twin at p for the sample's inputs and targets, with noise currents across the edges (a -> b).
  auto solve = [&](const Sample& s, bool noisy) {
    for (size_t i = 0; i < m.learned.size(); ++i) siemens[m.learned[i]] = p[i];
    free_system.set_edge_siemens(siemens);
    clamped_system.set_edge_siemens(siemens);
    if (noisy)
      for (int j = 0; j < edges; ++j) {
        const double sigma = amps * std::sqrt(std::abs(siemens[j]));
        xi_free[j] = sigma * rng.gaussian();
        xi_clamped[j] = sigma * rng.gaussian();
      }
    std::fill(free_volts.begin(), free_volts.end(), 0.0);
    for (size_t i = 0; i < net.inputs.size(); ++i) free_volts[net.inputs[i].node] = s.input_volts[i];
    clamped_volts = free_volts;
    free_system.solve(free_volts, {}, noisy ? std::span<const double>(xi_free) : std::span<const double>());
    for (size_t o = 0; o < net.outputs.size(); ++o)
      clamped_volts[net.outputs[o]] = (1 - eta) * free_volts[net.outputs[o]] + eta * s.targets[o];
    clamped_system.solve(clamped_volts, {}, noisy ? std::span<const double>(xi_clamped) : std::span<const double>());
    for (int j = 0; j < edges; ++j) {
      free.edge_volts[j] = free_volts[net.edges[j].a] - free_volts[net.edges[j].b];
      clamped.edge_volts[j] = clamped_volts[net.edges[j].a] - clamped_volts[net.edges[j].b];
    }
  };

  const double length = 2 * m.spec.edge_seconds + m.spec.window_seconds;
  const auto steps = static_cast<std::int64_t>(std::ceil(length / m.spec.noise_seconds - 1e-9));
  const double dt = length / static_cast<double>(steps);
  for (std::int64_t period = 0; period < m.periods; ++period) {
    const Sample& s = m.data.train[m.sample_of(period)];
    const double open = m.window_open(period);
    solve(s, false);
    std::vector<double> free_out;
    for (int o : net.outputs) free_out.push_back(free_volts[o]);
    for (std::int64_t k = 0; k < steps; ++k) {
      const double w = m.window_at(open + (static_cast<double>(k) + 0.5) * dt) * m.rate * dt;
      solve(s, true);
      std::fill(signal.begin(), signal.end(), 0.0);
      cl::accumulate(eta, c, net, free, clamped, 1.0, signal);
      for (size_t i = 0; i < p.size(); ++i) p[i] += w * signal[m.learned[i]];
    }
    t.rows.push_back(trajectory_row(m, period, p, free_out));
  }
  t.timepoints = steps * m.periods;
  t.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return t;
}

}  // namespace spiceloop
