#include "emulator/spice/worker/alter_batch.hpp"

#include <charconv>

#include "emulator/netlist/deck.hpp"

namespace spiceloop::worker {

AlterTexts alter_texts(const Network& net, protocol::CircuitKind kind) {
  using protocol::CircuitKind;
  const auto text = [](const std::string& element) { return "alter " + element + "="; };
  const int copies = kind == CircuitKind::Twin ? 2 : 1;
  const int n_in = static_cast<int>(net.inputs.size()), n_out = static_cast<int>(net.outputs.size());
  AlterTexts t;
  for (int c = 0; c < copies; ++c) {
    for (int j = 0; j < net.edge_count(); ++j)
      t.edges[c].push_back(net.edges[j].is_linear() ? text(spice_element(net, j, c)) : std::string());
    for (int i = 0; i < n_in; ++i) t.inputs[c].push_back(text(spice_input_source(i, c)));
  }
  for (int j = 0; j < net.edge_count(); ++j)
    t.gates.push_back(has_control_source(net.edges[j]) ? text(spice_gate_source(net, j)) : std::string());
  for (int o = 0; o < n_out; ++o) {
    switch (kind) {
      case CircuitKind::FreeNudged: t.outputs.push_back(text(spice_nudge_source(o))); break;
      case CircuitKind::Clamped: t.outputs.push_back(text(spice_clamp_source(o))); break;
      case CircuitKind::Twin:
        t.outputs.push_back(text(spice_twin_target_source(o)));
        t.twin_gains.push_back("alter " + spice_twin_gain_source(o) + " gain=");
        break;
    }
  }
  return t;
}

void AlterBatch::add(const std::string& prefix, double value) {
  char number[32];  // std::to_chars: the shortest text that reads back as the same double (at most 24 chars)
  const auto [end, ec] = std::to_chars(number, number + sizeof number, value);
  const std::size_t length = prefix.size() + static_cast<std::size_t>(end - number);
  if (!batch_.empty() && batch_.size() + 1 + length >= kBatchBytes) flush();
  if (!batch_.empty()) batch_ += ';';
  batch_ += prefix;
  batch_.append(number, end);
  ++count_;
}

void AlterBatch::flush() {
  if (batch_.empty()) return;
  engine_.command(batch_);
  batch_.clear();
}

}  // namespace spiceloop::worker
