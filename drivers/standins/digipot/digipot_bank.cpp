#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/guarded.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::standins {

namespace {

constexpr scpi::CommandOptions kSet{.min_params = 2, .max_params = 2};
constexpr scpi::CommandOptions kQuery{.min_params = 0, .max_params = 1};

// A rounded code as text for an error detail ("-3", "200"; NR3 when too large for an integer).
std::string whole_number(double v) {
  if (std::abs(v) >= 1e15) return scpi::nr3(v);
  return std::to_string(static_cast<long long>(v));
}

}  // namespace

DigipotBank::DigipotBank(Bench& bench, DigipotOptions options) : bench_(bench), options_(std::move(options)) {
  for (const DigipotChannel& c : bench_.config().digipots) channels_.push_back(c.channel);
  std::sort(channels_.begin(), channels_.end());
  for (int ch : channels_) belief_.push_back(bench_.digipot_code(ch));
  seen_ = belief_;
  scpi::add_common_commands(tree_, status_, {"spiceloop", "DPOT-BANK-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { guarded([this] { reset(); }); }});
  register_commands();
}

bool DigipotBank::has_channel(int channel) const {
  return std::binary_search(channels_.begin(), channels_.end(), channel);
}

std::size_t DigipotBank::index(int channel) const {
  const auto it = std::lower_bound(channels_.begin(), channels_.end(), channel);
  if (it == channels_.end() || *it != channel)
    throw std::out_of_range("digipot bank: no channel " + std::to_string(channel));
  return static_cast<std::size_t>(it - channels_.begin());
}

const Edge& DigipotBank::edge(int channel) const {
  index(channel);
  return bench_.network().edges[static_cast<std::size_t>(bench_.find_digipot_channel(channel)->edge)];
}

int DigipotBank::taps(int channel) const { return edge(channel).taps; }

// Wipers moved by someone else on the bench (the self-learning network's clock, the control port)
// move the belief with them: the board only loses track through its own missed or double pulses.
void DigipotBank::follow(std::size_t i) const {
  const int truth = bench_.digipot_code(channels_[i]);
  if (truth == seen_[i]) return;
  const int top = taps(channels_[i]) - 1;
  belief_[i] = std::clamp(belief_[i] + (truth - seen_[i]), 0, top);
  seen_[i] = truth;
}

int DigipotBank::code(int channel) const {
  const std::size_t i = index(channel);
  follow(i);
  return belief_[i];
}

double DigipotBank::nominal_ohms(int channel) const { return digipot_ohms(edge(channel), code(channel)); }

void DigipotBank::set_code(int channel, int code) {
  const std::size_t i = index(channel);
  follow(i);
  if (code < 0 || code > max_code(channel))
    throw std::invalid_argument("digipot bank: code " + std::to_string(code) + " outside 0.." +
                                std::to_string(max_code(channel)));
  // An up/down device has no "load code": the board pulses from where it believes the wiper is.
  step(channel, code - belief_[i]);
}

void DigipotBank::step(int channel, int steps) {
  const std::size_t i = index(channel);
  follow(i);
  const int top = max_code(channel);
  belief_[i] = static_cast<int>(std::clamp<long long>(static_cast<long long>(belief_[i]) + steps, 0, top));
  if (steps == 0) return;
  bench_.step_digipot(channel, steps);
  seen_[i] = bench_.digipot_code(channel);
}

void DigipotBank::reset() {
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    const int mid = taps(channels_[i]) / 2;
    bench_.set_digipot_code(channels_[i], mid);
    belief_[i] = seen_[i] = mid;
  }
}

std::string DigipotBank::channel_list() const {
  std::string out = "(@";
  for (std::size_t i = 0; i < channels_.size();) {
    std::size_t j = i;
    while (j + 1 < channels_.size() && channels_[j + 1] == channels_[j] + 1) ++j;
    if (i > 0) out += ',';
    out += std::to_string(channels_[i]);
    if (j > i) out += ':' + std::to_string(channels_[j]);
    i = j + 1;
  }
  return out + ")";
}

void DigipotBank::register_commands() {
  // The channels of parameter i (every installed channel when absent), each checked.
  auto channels_of = [this](const scpi::Call& c, std::size_t i) {
    if (!c.has(i)) return channels_;
    std::vector<int> list = c.channels(i);
    for (int ch : list)
      if (!has_channel(ch))
        throw scpi::Error(scpi::err::data_out_of_range,
                          "channel " + std::to_string(ch) + " not installed " + channel_list());
    return list;
  };

  // MIN/MAX/DEF resolve per channel, since devices of one bank may differ in taps.
  auto code_for = [this](const scpi::Param& p, int ch) {
    const int top = max_code(ch);
    double v = 0;
    if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("MINimum", p.text))
      v = 0;
    else if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("MAXimum", p.text))
      v = top;
    else if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("DEFault", p.text))
      v = taps(ch) / 2;
    else
      v = std::round(scpi::to_number(p));  // -104 for other words, -138 for a unit, -222 for 1e999
    if (v < 0 || v > top)
      throw scpi::Error(scpi::err::data_out_of_range, "code " + whole_number(v) + " outside 0.." +
                                                          std::to_string(top) + " of channel " + std::to_string(ch));
    return static_cast<int>(v);
  };

  tree_.add("DPOT:CODE", [this, channels_of, code_for](scpi::Call& c) {
    const std::vector<int> list = channels_of(c, 1);
    std::vector<int> codes;
    for (int ch : list) codes.push_back(code_for(c.param(0), ch));
    guarded([&] {
      for (std::size_t k = 0; k < list.size(); ++k) set_code(list[k], codes[k]);
    });
  }, kSet);
  tree_.add("DPOT:CODE?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr1(code(ch)));
  }, kQuery);

  tree_.add("DPOT:STEP", [this, channels_of](scpi::Call& c) {
    const int dir = c.choice(0, {"UP", "DOWN"}) == 0 ? 1 : -1;
    const double n = std::round(c.number(1));
    if (n < 0 || n > kMaxSteps)
      throw scpi::Error(scpi::err::data_out_of_range, "step count outside 0.." + std::to_string(kMaxSteps));
    const std::vector<int> list = channels_of(c, 2);
    guarded([&] {
      for (int ch : list) step(ch, dir * static_cast<int>(n));
    });
  }, {.min_params = 3, .max_params = 3});

  tree_.add("DPOT:RESistance?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr3(nominal_ohms(ch)));
  }, kQuery);
  tree_.add("DPOT:TAPS?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr1(taps(ch)));
  }, kQuery);

  tree_.add("SYSTem:CHANnel[:COUNt]?", [this](scpi::Call& c) {
    c.respond(scpi::nr1(static_cast<std::int64_t>(channels_.size())));
  });
  tree_.add("SYSTem:CHANnel:LIST?", [this](scpi::Call& c) { c.respond(channel_list()); });
}

}  // namespace spiceloop::standins
