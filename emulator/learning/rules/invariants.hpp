// The quantities a parameterisation conserves under gradient flow (DOMAIN.md section 3), summed
// over the trainable linear edges (fixed edges only add constants).
//
// Summation order (every sum here and in the fused step pass, step_pass.hpp): edge j goes to lane
// j mod 8, each lane sums in edge order, and the lanes combine as ((0+1)+(2+3))+((4+5)+(6+7)).
// Eight independent lanes let the step's one pass over the edges run in vector registers, with
// the same result on every instruction set; it differs from a plain left-to-right sum only in the
// last bits. sum ln k is ln 2 times the sum of
// the edges' binary exponents plus the log of each lane's product of mantissas (renormalised
// before it can overflow): one log per lane instead of one per edge, and more accurate than a
// sum of rounded logs. Conductances that are not positive normal numbers add std::log(k).
#pragma once

#include <bit>
#include <cstdint>
#include <span>

#include "emulator/network/network.hpp"
#include "emulator/sim/state.hpp"

namespace spiceloop {

struct Invariants {
  double sum_k2 = 0.0;        // Q = sum k^2 (siemens^2): conserved when learning conductance
  double sum_r2 = 0.0;        // sum R^2 (ohms^2): learning resistance
  double sum_ln_k = 0.0;      // sum ln(k / 1 S): learning log-conductance
  double sum_k2_over_rate = 0.0;  // sum k^2 / s_j: learning conductance with per-edge rates s_j
  // Trainable transistors: sum (V_G - V_T)^2 (V^2), the gate overdrives' candidate for the
  // conserved quantity (a transistor's conductance at zero drop is K (V_G - V_T)).
  double sum_overdrive2 = 0.0;
};

inline constexpr std::size_t kLanes = 8;

// Eight lanes of running sums, combined in the fixed order above.
struct LaneSum {
  double lane[kLanes] = {};
  void add(std::size_t j, double x) { lane[j % kLanes] += x; }
  double total() const {
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
  }
};

// The invariants of one set of element values, edge by edge (trainable linear edges by add(),
// trainable transistors by add_transistor()).
class InvariantLanes {
 public:
  void add(std::size_t j, double k, double rate) {
    const std::size_t l = j % kLanes;
    const double k2 = k * k;
    k2_.lane[l] += k2;
    r2_.lane[l] += 1.0 / k2;
    k2_over_rate_.lane[l] += k2 / rate;
    add_log(l, k);
  }
  // add() with rate 1, whose k^2 / s_j is k^2 itself: the lanes then equal sum_k2's.
  void add_unit_rate(std::size_t j, double k) {
    const std::size_t l = j % kLanes;
    const double k2 = k * k;
    k2_.lane[l] += k2;
    r2_.lane[l] += 1.0 / k2;
    add_log(l, k);
  }
  // A trainable transistor at gate voltage v: (v - threshold)^2, summed in edge order.
  void add_transistor(double gate_volts, double threshold_volts) {
    overdrive2_ += (gate_volts - threshold_volts) * (gate_volts - threshold_volts);
  }
  Invariants result(bool unit_rates) const;

  // The lanes as the fused pass's vector loop leaves them (its own copy of add()'s arithmetic).
  struct Raw {
    double k2[kLanes], r2[kLanes], k2_over_rate[kLanes], mantissa[kLanes];
    std::int64_t exponent[kLanes];
  };
  static InvariantLanes from(const Raw& raw);

 private:
  void add_log(std::size_t l, double k) {
    const auto bits = std::bit_cast<std::uint64_t>(k);
    const auto biased = static_cast<std::int64_t>(bits >> 52);  // sign bit included: k < 0 is special
    if (biased >= 1 && biased <= 2046) {
      exponent_[l] += biased - 1023;
      mantissa_[l] *= std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
      if (mantissa_[l] > 0x1p960) renormalise(l);
    } else {
      special_.lane[l] += special_log(k);
    }
  }
  void renormalise(std::size_t l);
  static double special_log(double k);

  LaneSum k2_, r2_, k2_over_rate_, special_;
  double mantissa_[kLanes] = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};  // each in [1, 2^961)
  std::int64_t exponent_[kLanes] = {};
  double overdrive2_ = 0.0;
};

Invariants measure_invariants(const Network& net, std::span<const double> rate_factors);
// The same with conductances siemens[j] in place of the edges' own.
Invariants measure_invariants(const Network& net, std::span<const double> siemens, std::span<const double> rate_factors);

// The other candidate, which depends on the state: sum over trainable transistors of their
// effective conductance I / dV at that state (node voltages), squared (S^2).
double sum_effective_siemens2(const Network& net, std::span<const double> node_volts);

// p . dp over trainable edges with a value (siemens^2; volts^2 for transistor gates), in the lane
// order above.
double dot_trainable(const Network& net, std::span<const double> k, std::span<const double> dk);

}  // namespace spiceloop
