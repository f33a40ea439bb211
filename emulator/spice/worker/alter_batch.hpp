// The alter commands of one circuit: each element's "alter <name>=" text, built once per load from
// deck.hpp's names, and a batch that appends std::to_chars numbers to them and joins them with ';'
// into commands under 1000 bytes (1024 would corrupt ngspice's memory, DESIGN.md).
//
// The form is the cheapest measured (emulator/spice/README.md): no spaces around '=' (ngspice lexes
// two words instead of four; the same number text, so the same stored double), many per call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/spice/protocol.hpp"
#include "emulator/spice/worker/engine.hpp"

namespace spiceloop::worker {

// "alter <element>=" for every element a solve of one circuit kind may alter.
struct AlterTexts {
  std::vector<std::string> edges[2];   // per copy (the twin's clamped copy is 1): resistors
  std::vector<std::string> gates;      // per edge: its gate (control) source, "" if none
  std::vector<std::string> inputs[2];  // per copy, per input
  std::vector<std::string> outputs;    // per output: nudge, clamp or twin target source
  std::vector<std::string> twin_gains;  // per output: "alter eclampN gain="
};
AlterTexts alter_texts(const Network& net, protocol::CircuitKind kind);

class AlterBatch {
 public:
  explicit AlterBatch(Engine& engine) : engine_(engine) {}
  void add(const std::string& prefix, double value);
  void flush();
  std::uint32_t count() const { return count_; }

 private:
  static constexpr std::size_t kBatchBytes = 1000;
  Engine& engine_;
  std::string batch_;
  std::uint32_t count_ = 0;
};

}  // namespace spiceloop::worker
