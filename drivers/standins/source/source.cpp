#include "drivers/standins/source/source.hpp"
#include "drivers/standins/guarded.hpp"

#include <string>
#include <vector>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::standins {

namespace {

constexpr scpi::CommandOptions kSet{.min_params = 1, .max_params = 2};
constexpr scpi::CommandOptions kQuery{.min_params = 0, .max_params = 1};

// STATus:OPERation bits of an N6700 output (its programming guide, "Operation Status Group").
constexpr int kOperCV = 1;   // bit 0: constant voltage
constexpr int kOperCC = 2;   // bit 1: constant current
constexpr int kOperOff = 4;  // bit 2: output programmed off

// The channels of parameter i (channel 1 when absent), each checked against the bench.
std::vector<int> channels_of(const scpi::Call& c, std::size_t i, const Bench& bench) {
  std::vector<int> channels{1};
  if (c.has(i)) channels = c.channels(i);
  for (int ch : channels)
    if (!bench.has_source_channel(ch))
      throw scpi::Error(scpi::err::data_out_of_range,
                        "channel " + std::to_string(ch) + " not installed (1.." +
                            std::to_string(bench.source_channel_count()) + ")");
  return channels;
}

}  // namespace

Source::Source(Bench& bench, SourceOptions options)
    : bench_(bench), options_(std::move(options)) {
  set_limits(options_.max_amps);
  scpi::add_common_commands(tree_, status_, {"spiceloop", "N6700-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }});
  register_commands();
}

void Source::reset() {
  bench_.reset_sources();
  set_limits(options_.max_amps);
}

void Source::set_limits(double amps) {
  for (int ch = 1; ch <= bench_.source_channel_count(); ++ch) bench_.set_source_current_limit(ch, amps);
}

void Source::register_commands() {
  const scpi::NumberSpec volts{.unit = "V", .min = -options_.max_volts, .max = options_.max_volts, .def = 0.0};
  const scpi::NumberSpec amps{.unit = "A", .min = 0.0, .max = options_.max_amps, .def = options_.max_amps};

  tree_.add("[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]", [this, volts](scpi::Call& c) {
    const double v = c.number(0, volts);
    for (int ch : channels_of(c, 1, bench_)) bench_.set_source_volts(ch, v);
  }, kSet);
  tree_.add("[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_)) c.respond(scpi::nr3(bench_.source_volts(ch)));
  }, kQuery);

  tree_.add("[SOURce:]CURRent[:LEVel][:IMMediate][:AMPLitude]", [this, amps](scpi::Call& c) {
    const double a = c.number(0, amps);
    for (int ch : channels_of(c, 1, bench_)) bench_.set_source_current_limit(ch, a);
  }, kSet);
  tree_.add("[SOURce:]CURRent[:LEVel][:IMMediate][:AMPLitude]?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_)) c.respond(scpi::nr3(current_limit_amps(ch)));
  }, kQuery);

  tree_.add("OUTPut[:STATe]", [this](scpi::Call& c) {
    const bool on = c.boolean(0);
    for (int ch : channels_of(c, 1, bench_)) bench_.set_output(ch, on);
  }, kSet);
  tree_.add("OUTPut[:STATe]?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_)) c.respond(scpi::boolean(bench_.output(ch)));
  }, kQuery);

  tree_.add("MEASure[:SCALar]:VOLTage[:DC]?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_))
      c.respond(scpi::nr3(guarded([&] { return bench_.measure_node_volts(bench_.source_node(ch)); })));
  }, kQuery);
  tree_.add("MEASure[:SCALar]:CURRent[:DC]?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_))
      c.respond(scpi::nr3(guarded([&] { return bench_.source_current(ch); })));
  }, kQuery);

  // The N6700's operation condition register: CV bit 0, CC bit 1, OFF bit 2 (its other bits, the
  // trigger and CP/CR states, have nothing here to report).
  tree_.add("STATus:OPERation:CONDition?", [this](scpi::Call& c) {
    for (int ch : channels_of(c, 0, bench_)) {
      int bits = kOperOff;
      if (bench_.output(ch)) bits = guarded([&] { return bench_.source_in_compliance(ch); }) ? kOperCC : kOperCV;
      c.respond(scpi::nr1(bits));
    }
  }, kQuery);

  tree_.add("SYSTem:CHANnel[:COUNt]?", [this](scpi::Call& c) { c.respond(scpi::nr1(bench_.source_channel_count())); });
}

}  // namespace spiceloop::standins
