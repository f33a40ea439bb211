// The fused step pass's vector loop for Updater::plain() (step_pass.hpp): eight edges at a time,
// edge j in lane j mod 8, every operation the scalar code's own (rule.hpp, update.hpp,
// invariants.hpp) in the same order per lane, so the result does not depend on the instruction set
// it runs on. Non-trainable edges take masked lanes that add exact zeros.
// Two builds of the loop, chosen at run time: AVX-512 intrinsics where the CPU has them, and a
// portable one (the scalar arithmetic in loops over the eight lanes, compiled for AVX2 and the
// baseline). The AVX-512 build reads endpoint voltages by one of three loads per block of eight
// edges (block_node_kinds): a gather in general, a broadcast when the eight share a node, a plain
// load when their nodes are consecutive (the crossbars' and dense layers' edge order): gathers were
// half of the pass on a 256 x 256 crossbar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "emulator/learning/rules/invariants.hpp"

namespace spiceloop {

// How a block of eight edges reaches one endpoint's node voltages.
enum class BlockNodes : unsigned char { Gather = 0, Same = 1, Consecutive = 2 };

// Per block of eight edges (whole blocks only), both endpoints' BlockNodes: a's in bits 0-1, b's
// in bits 2-3.
std::vector<unsigned char> block_node_kinds(std::span<const int> a, std::span<const int> b);

// Everything the vector loop reads and writes, as flat arrays.
struct PlainArgs {
  std::size_t edges = 0, samples = 0, nodes = 0;
  const int* a = nullptr;
  const int* b = nullptr;
  const unsigned char* kinds = nullptr;  // block_node_kinds(a, b)
  const unsigned char* trains = nullptr;
  const double* k = nullptr;
  const double* lo = nullptr;  // uniform_bounds: lo[0] and hi[0] hold for every edge
  const double* hi = nullptr;
  bool uniform_bounds = false;
  const double* rates = nullptr;  // null: every rate is 1
  const double* free = nullptr;
  const double* nudged = nullptr;
  const double* identity = nullptr;  // null: no identity power
  bool centered = false;
  double scale = 0.0, alpha = 0.0;
  double* k_next = nullptr;
  double* signal = nullptr;
  double* dk = nullptr;
  double* power = nullptr;  // samples x kLanes identity power lanes, zeroed by the caller
};

struct PlainResult {
  double kg[kLanes] = {}, kdk[kLanes] = {}, kk[kLanes] = {}, gg[kLanes] = {};
  InvariantLanes::Raw after{};
  bool signal_finite = true, conductances_finite = true, special = false;
};

// The whole blocks of eight edges (p.edges / 8 of them); the caller does the rest edge by edge.
void plain_pass(const PlainArgs& p, PlainResult& r);

// Which build plain_pass runs here ("avx512" or "portable"), for benchmarks and tests.
const char* plain_pass_build();
// Tests: force the portable build (false) even where AVX-512 exists, to compare the two.
void use_avx512_plain_pass(bool use);

}  // namespace spiceloop
