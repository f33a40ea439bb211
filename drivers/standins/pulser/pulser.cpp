#include "drivers/standins/pulser/pulser.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "drivers/standins/guarded.hpp"

namespace spiceloop::standins {

namespace {

constexpr scpi::CommandOptions kSet{.min_params = 2, .max_params = 2};
constexpr scpi::CommandOptions kQuery{.min_params = 0, .max_params = 1};

}  // namespace

Pulser::Pulser(Bench& bench, PulserOptions options) : options_(std::move(options)), array_(bench) {
  scpi::add_common_commands(tree_, status_, {"spiceloop", "PULSER-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }});
  reset();
  register_commands();
}

void Pulser::reset() {
  amplitude_.assign(array_.channels().size(), 1.0);
  count_.assign(array_.channels().size(), 1);
}

std::string Pulser::channel_list() const { return scpi::channel_list(array_.channels()); }

std::size_t Pulser::slot(int channel) const {
  const std::vector<int>& all = array_.channels();
  return static_cast<std::size_t>(std::lower_bound(all.begin(), all.end(), channel) - all.begin());
}

void Pulser::register_commands() {
  // The channels of parameter i (every installed channel when absent and allowed), each checked.
  auto channels_of = [this](const scpi::Call& c, std::size_t i, bool all_when_absent) {
    if (!c.has(i)) {
      if (all_when_absent) return array_.channels();
      throw scpi::Error(scpi::err::missing_parameter, "a channel list (@...) is required");
    }
    std::vector<int> list = c.channels(i);
    for (int ch : list)
      if (!array_.has_channel(ch))
        throw scpi::Error(scpi::err::data_out_of_range, "channel " + std::to_string(ch) + " not installed " + channel_list());
    return list;
  };

  tree_.add("[SOURce:]PULSe:AMPLitude", [this, channels_of](scpi::Call& c) {
    const double v = c.number(0, {.unit = "V"});
    if (v == 0.0 || std::abs(v) > options_.max_volts)
      throw scpi::Error(scpi::err::data_out_of_range,
                        "amplitude " + scpi::nr3(v) + " V; a pulse needs 0 < |V| <= " + scpi::nr3(options_.max_volts) +
                            " V, its sign is the direction (+ up, - down)");
    for (int ch : channels_of(c, 1, false)) amplitude_[slot(ch)] = v;
  }, kSet);
  tree_.add("[SOURce:]PULSe:AMPLitude?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0, true)) c.respond(scpi::nr3(amplitude_[slot(ch)]));
  }, kQuery);

  tree_.add("[SOURce:]PULSe:COUNt", [this, channels_of](scpi::Call& c) {
    const int top = array_.max_count();
    const scpi::Param& p = c.param(0);
    const double v = p.kind == scpi::Param::Kind::Character  // MIN, MAX, DEF
                         ? scpi::to_number(p, {.unit = "", .min = 1.0, .max = static_cast<double>(top), .def = 1.0})
                         : c.number(0);
    if (v != std::floor(v) || v < 1 || v > top)
      throw scpi::Error(scpi::err::data_out_of_range,
                        "count " + scpi::nr3(v) + " outside 1.." + std::to_string(top) + " (this pulser's maximum)");
    for (int ch : channels_of(c, 1, false)) count_[slot(ch)] = static_cast<int>(v);
  }, kSet);
  tree_.add("[SOURce:]PULSe:COUNt?", [this, channels_of](scpi::Call& c) {
    for (int ch : channels_of(c, 0, true)) c.respond(scpi::nr1(count_[slot(ch)]));
  }, kQuery);

  tree_.add("INITiate[:IMMediate]", [this, channels_of](scpi::Call& c) {
    const std::vector<int> list = channels_of(c, 0, false);
    guarded([&] {
      for (int ch : list) {
        const std::size_t i = slot(ch);
        array_.pulse(ch, amplitude_[i] > 0 ? count_[i] : -count_[i]);
      }
    });
  }, {.min_params = 0, .max_params = 1});

  tree_.add("MEMRistor:PRESet", [this](scpi::Call&) { guarded([this] { array_.preset(); }); });

  tree_.add("SYSTem:CHANnel[:COUNt]?", [this](scpi::Call& c) {
    c.respond(scpi::nr1(static_cast<std::int64_t>(array_.channels().size())));
  });
  tree_.add("SYSTem:CHANnel:LIST?", [this](scpi::Call& c) { c.respond(channel_list()); });
}

}  // namespace spiceloop::standins
