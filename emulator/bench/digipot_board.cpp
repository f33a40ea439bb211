#include "emulator/bench/digipot_board.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "emulator/network/network.hpp"

namespace spiceloop {

int pulsed_code(int code, int pulses, int taps, const Realism& k, const std::function<double()>& uniform) {
  const int dir = pulses < 0 ? -1 : 1;
  for (int i = 0; i < std::abs(pulses); ++i) {
    int moved = 1;
    if (k.digipot_miss_probability > 0 || k.digipot_double_probability > 0) {
      const double u = uniform();
      if (u < k.digipot_miss_probability)
        moved = 0;
      else if (u < k.digipot_miss_probability + k.digipot_double_probability)
        moved = 2;
    }
    code = std::clamp(code + dir * moved, 0, taps - 1);
  }
  return code;
}

DigipotBoard::DigipotBoard(Bench& bench) : bench_(bench) {
  for (const DigipotChannel& c : bench_.config().digipots) channels_.push_back(c.channel);
  std::sort(channels_.begin(), channels_.end());
  for (int ch : channels_) belief_.push_back(bench_.digipot_code(ch));
  seen_ = belief_;
}

bool DigipotBoard::has_channel(int channel) const {
  return std::binary_search(channels_.begin(), channels_.end(), channel);
}

std::size_t DigipotBoard::index(int channel) const {
  const auto it = std::lower_bound(channels_.begin(), channels_.end(), channel);
  if (it == channels_.end() || *it != channel)
    throw std::out_of_range("digipot board: no channel " + std::to_string(channel));
  return static_cast<std::size_t>(it - channels_.begin());
}

const Edge& DigipotBoard::edge(int channel) const {
  index(channel);
  return bench_.network().edges[static_cast<std::size_t>(bench_.find_digipot_channel(channel)->edge)];
}

int DigipotBoard::taps(int channel) const { return edge(channel).taps; }

void DigipotBoard::follow(std::size_t i) const {
  const int truth = bench_.digipot_code(channels_[i]);
  if (truth == seen_[i]) return;
  const int top = taps(channels_[i]) - 1;
  belief_[i] = std::clamp(belief_[i] + (truth - seen_[i]), 0, top);
  seen_[i] = truth;
}

int DigipotBoard::code(int channel) const {
  const std::size_t i = index(channel);
  follow(i);
  return belief_[i];
}

double DigipotBoard::nominal_ohms(int channel) const { return digipot_ohms(edge(channel), code(channel)); }

void DigipotBoard::set_code(int channel, int code) {
  const std::size_t i = index(channel);
  follow(i);
  if (code < 0 || code > max_code(channel))
    throw std::invalid_argument("digipot board: code " + std::to_string(code) + " outside 0.." +
                                std::to_string(max_code(channel)));
  // An up/down device has no "load code": the board pulses from where it believes the wiper is.
  step(channel, code - belief_[i]);
}

void DigipotBoard::step(int channel, int steps) {
  const std::size_t i = index(channel);
  follow(i);
  const int top = max_code(channel);
  belief_[i] = static_cast<int>(std::clamp<long long>(static_cast<long long>(belief_[i]) + steps, 0, top));
  if (steps == 0) return;
  bench_.step_digipot(channel, steps);
  seen_[i] = bench_.digipot_code(channel);
}

void DigipotBoard::reset() {
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    const int mid = taps(channels_[i]) / 2;
    bench_.set_digipot_code(channels_[i], mid);
    belief_[i] = seen_[i] = mid;
  }
}

}  // namespace spiceloop
