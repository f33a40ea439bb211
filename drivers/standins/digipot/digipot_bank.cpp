#include "drivers/standins/digipot/digipot_bank.hpp"
#include "drivers/standins/guarded.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

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

DigipotBank::DigipotBank(Bench& bench, DigipotOptions options) : options_(std::move(options)), board_(bench) {
  scpi::add_common_commands(tree_, status_, {"spiceloop", "DPOT-BANK-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { guarded([this] { reset(); }); }});
  register_commands();
}

std::string DigipotBank::channel_list() const { return scpi::channel_list(board_.channels()); }

void DigipotBank::register_commands() {
  // The channels of parameter i (every installed channel when absent), each checked.
  auto channels_of = [this](const scpi::Call& c, std::size_t i) {
    if (!c.has(i)) return board_.channels();
    std::vector<int> list = c.channels(i);
    for (int ch : list)
      if (!board_.has_channel(ch))
        throw scpi::Error(scpi::err::data_out_of_range,
                          "channel " + std::to_string(ch) + " not installed " + channel_list());
    return list;
  };

  // MIN/MAX/DEF resolve per channel, since devices of one bank may differ in taps.
  auto code_for = [this](const scpi::Param& p, int ch) {
    const int top = board_.max_code(ch);
    double v = 0;
    if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("MINimum", p.text))
      v = 0;
    else if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("MAXimum", p.text))
      v = top;
    else if (p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches("DEFault", p.text))
      v = board_.taps(ch) / 2;
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
      for (std::size_t k = 0; k < list.size(); ++k) board_.set_code(list[k], codes[k]);
    });
  }, kSet);
  tree_.add("DPOT:CODE?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr1(board_.code(ch)));
  }, kQuery);

  tree_.add("DPOT:STEP", [this, channels_of](scpi::Call& c) {
    const int dir = c.choice(0, {"UP", "DOWN"}) == 0 ? 1 : -1;
    const double n = std::round(c.number(1));
    if (n < 0 || n > DigipotBoard::kMaxSteps)
      throw scpi::Error(scpi::err::data_out_of_range, "step count outside 0.." + std::to_string(DigipotBoard::kMaxSteps));
    const std::vector<int> list = channels_of(c, 2);
    guarded([&] {
      for (int ch : list) board_.step(ch, dir * static_cast<int>(n));
    });
  }, {.min_params = 3, .max_params = 3});

  tree_.add("DPOT:RESistance?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr3(board_.nominal_ohms(ch)));
  }, kQuery);
  tree_.add("DPOT:TAPS?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0)) c.respond(scpi::nr1(board_.taps(ch)));
  }, kQuery);

  tree_.add("SYSTem:CHANnel[:COUNt]?", [this](scpi::Call& c) {
    c.respond(scpi::nr1(static_cast<std::int64_t>(board_.channels().size())));
  });
  tree_.add("SYSTem:CHANnel:LIST?", [this](scpi::Call& c) { c.respond(channel_list()); });
}

}  // namespace spiceloop::standins
