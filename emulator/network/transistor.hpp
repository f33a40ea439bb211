// The transistor edge's device law: an n-channel MOSFET with its body at 0 V and its gate held at
// gate_volts by an ideal source (so no gate current), exactly ngspice's level-1 (Shichman-Hodges)
// model with GAMMA = 0 (no body effect), W = L, LD = 0, no junction currents, at TNOM.
//
// The terminal at the lower voltage is the source (the device is symmetric, as ngspice's mode
// flag makes it), so with V_s = min(V_a, V_b), v_ds = |V_a - V_b| and overdrive v_ov = V_G - V_T - V_s:
//   cutoff      v_ov <= 0:       I_ds = 0
//   saturation  v_ov <= v_ds:    I_ds = K/2 v_ov^2 (1 + lambda v_ds)
//   ohmic       otherwise:       I_ds = K v_ds (v_ov - v_ds/2) (1 + lambda v_ds)
// and the edge current a -> b is sign(V_a - V_b) I_ds. In the ohmic region this is the lab's
// I = K (V_G - V_T - (V_a + V_b)/2)(V_a - V_b) times (1 + lambda |V_a - V_b|) (Dillavou et al.,
// PNAS 2024). Units: volts, amperes, K in A/V^2, lambda in 1/V.
#pragma once

#include "emulator/network/network.hpp"

namespace spiceloop {

// The current of a transistor edge and its partial derivatives at one operating point.
struct TransistorPoint {
  double amps = 0.0;          // a -> b
  double d_volts_a = 0.0;     // dI/dV_a (S)
  double d_volts_b = 0.0;     // dI/dV_b (S)
  double d_gate_volts = 0.0;  // dI/dV_G (S)
};

TransistorPoint transistor_point(const Edge& e, double volts_a, double volts_b);

// I / (V_a - V_b) (S): the edge's effective conductance; its small-signal limit when V_a = V_b.
double transistor_effective_siemens(const Edge& e, double volts_a, double volts_b);

}  // namespace spiceloop
