#include "emulator/network/transistor.hpp"

namespace spiceloop {

TransistorPoint transistor_point(const Edge& e, double va, double vb) {
  const bool forward = va >= vb;  // the source is the lower terminal
  const double vs = forward ? vb : va;
  const double vds = forward ? va - vb : vb - va;
  const double vov = e.gate_volts - e.threshold_volts - vs;
  const double k = e.k_amps_per_volt2, lambda = e.lambda_per_volt;
  TransistorPoint p;
  if (vov <= 0.0) return p;
  const double clm = 1.0 + lambda * vds;  // channel-length modulation, in both regions as ngspice has it
  double ids, d_vds, d_vov;
  if (vov <= vds) {
    ids = 0.5 * k * vov * vov * clm;
    d_vov = k * vov * clm;
    d_vds = 0.5 * lambda * k * vov * vov;
  } else {
    ids = k * vds * (vov - 0.5 * vds) * clm;
    d_vov = k * vds * clm;
    d_vds = k * (vov - vds) * clm + lambda * k * vds * (vov - 0.5 * vds);
  }
  // V_s enters v_ov with a minus sign; v_ds = V_d - V_s.
  if (forward) {
    p.amps = ids;
    p.d_volts_a = d_vds;
    p.d_volts_b = -d_vds - d_vov;
    p.d_gate_volts = d_vov;
  } else {
    p.amps = -ids;
    p.d_volts_a = d_vds + d_vov;
    p.d_volts_b = -d_vds;
    p.d_gate_volts = -d_vov;
  }
  return p;
}

double transistor_effective_siemens(const Edge& e, double va, double vb) {
  const TransistorPoint p = transistor_point(e, va, vb);
  if (va != vb) return p.amps / (va - vb);
  return p.d_volts_a;  // the limit of I / dV as dV -> 0
}

}  // namespace spiceloop
