// What a solve returns, and the physics shared by every backend to fill it in from node voltages.
// Sign conventions: edge_amps[j] flows from edge a to edge b; source_amps[i] is the current input
// source i delivers INTO its node; output_amps[o] is the current the clamp (Clamped) or the
// injected source (Nudged) delivers into output o, 0 in the Free phase.
#pragma once

#include <span>
#include <vector>

#include "emulator/network/network.hpp"

namespace spiceloop {

struct State {
  std::vector<double> node_volts;   // per node; node_volts[0] = 0
  std::vector<double> edge_volts;   // dV_j = V_a - V_b
  std::vector<double> edge_amps;    // a -> b
  std::vector<double> source_amps;  // per input
  std::vector<double> output_amps;  // per output
  double power_watts = 0.0;         // sum_j I_j dV_j (= sum k dV^2 for linear edges)
  double kcl_residual = 0.0;        // max |sum of currents| at a floating node / max |edge current|
};

struct TwinState {
  State free;
  State clamped;
};

// Node voltages of several solves: row i holds drive i's node_volts (node 0 = ground = 0 V). The
// storage is kept between uses, so a loop that solves every step allocates once.
class NodeVoltages {
 public:
  void resize(std::size_t rows, std::size_t nodes) {
    rows_ = rows;
    nodes_ = nodes;
    if (values_.size() < rows * nodes) values_.resize(rows * nodes);
  }
  std::size_t rows() const { return rows_; }
  std::size_t nodes() const { return nodes_; }
  std::span<double> row(std::size_t i) { return {values_.data() + i * nodes_, nodes_}; }
  std::span<const double> row(std::size_t i) const { return {values_.data() + i * nodes_, nodes_}; }
  std::span<double> all() { return {values_.data(), rows_ * nodes_}; }

 private:
  std::size_t rows_ = 0, nodes_ = 0;
  std::vector<double> values_;
};

// The current a -> b of one edge at its end voltages (diodes by their exponential law,
// transistors by emulator/network/transistor.hpp).
double edge_current(const Edge& e, double volts_a, double volts_b);

// Fills every field from node voltages. Currents at held nodes (inputs, clamped outputs) come
// from KCL; held[] marks nodes whose source current is not constrained to zero.
State make_state(const Network& net, std::vector<double> node_volts,
                 const std::vector<double>& nudge_amps = {}, bool outputs_held = false);

}  // namespace spiceloop
