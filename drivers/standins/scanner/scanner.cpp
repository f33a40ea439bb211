#include "drivers/standins/scanner/scanner.hpp"
#include "drivers/standins/guarded.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <thread>
#include <utility>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/convert.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::standins {

namespace {

constexpr int kMaxCount = 50000;  // TRIG:COUN and R? limits of the 34970A
constexpr double kOverloadVolts = 9.9e37;
// AUTO answers CONF? with this range: CONF? must not measure to learn which range autoranging took.
constexpr double kAutoReportVolts = 10.0;
constexpr std::array<double, 5> kRangesVolts{0.1, 1.0, 10.0, 100.0, 300.0};

// The 34970A's integration times and the resolution each gives, as a fraction of the range.
struct Integration {
  double nplc;
  double resolution_per_range;
};
constexpr std::array<Integration, 8> kIntegration{{{0.02, 1e-4}, {0.2, 1e-5}, {1, 3e-6}, {2, 2.2e-6},
                                                   {10, 1e-6}, {20, 8e-7}, {100, 3e-7}, {200, 2.2e-7}}};

bool is_word(const scpi::Param& p, std::string_view pattern) {
  return p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches(pattern, p.text);
}

// The smallest range that holds `volts`; AUTO and DEF give nullopt (autoranging).
std::optional<double> range_of(const scpi::Param& p) {
  if (is_word(p, "AUTO") || is_word(p, "DEFault")) return std::nullopt;
  const double volts = scpi::to_number(p, {.unit = "V", .min = 0.0, .max = kRangesVolts.back()});
  for (double r : kRangesVolts)
    if (volts <= r * (1 + 1e-12)) return r;
  return kRangesVolts.back();
}

// The fastest integration that reaches the resolution asked for on this range.
double nplc_for_resolution(const scpi::Param& p, double range_volts) {
  if (p.kind == scpi::Param::Kind::Character) {
    switch (scpi::to_choice(p, {"MINimum", "MAXimum", "DEFault"})) {
      case 0: return kIntegration.back().nplc;   // the finest resolution
      case 1: return kIntegration.front().nplc;  // the coarsest
      default: return 1.0;
    }
  }
  const double volts = scpi::to_number(p, {.unit = "V", .min = 0.0});
  for (const Integration& i : kIntegration)
    if (i.resolution_per_range * range_volts <= volts * (1 + 1e-9)) return i.nplc;
  throw scpi::Error(scpi::err::data_out_of_range,
                    "resolution finer than " + scpi::nr3(kIntegration.back().resolution_per_range * range_volts, 3) +
                        " V on the " + scpi::nr3(range_volts, 3) + " V range");
}

// NPLC values between the 34970A's steps round up to the next step.
double nplc_step(double nplc) {
  for (const Integration& i : kIntegration)
    if (nplc <= i.nplc * (1 + 1e-9)) return i.nplc;
  return kIntegration.back().nplc;
}

double resolution_volts(double nplc, double range_volts) {
  for (const Integration& i : kIntegration)
    if (i.nplc == nplc) return i.resolution_per_range * range_volts;
  return kIntegration.front().resolution_per_range * range_volts;
}

const scpi::CommandOptions kNone{};
const scpi::CommandOptions kOne{.min_params = 1, .max_params = 1};
const scpi::CommandOptions kOptionalOne{.min_params = 0, .max_params = 1};
const scpi::CommandOptions kConfigure{.min_params = 1, .max_params = 3};  // [range[,res],](@list)

}  // namespace

Scanner::Scanner(Bench& bench, ScannerOptions options) : bench_(bench), options_(std::move(options)) {
  for (const ScannerChannel& c : bench_.config().scanner) setup_[c.channel] = {};
  scpi::add_common_commands(tree_, status_, {"spiceloop", "34970A-emulated", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }, .trigger = [this] { trigger(); }});
  scpi::add_format_commands(tree_, format_);
  register_commands();
  reset();
}

void Scanner::reset() {
  for (auto& [channel, setup] : setup_) setup = {};
  scan_.clear();
  source_ = TriggerSource::Immediate;
  trigger_count_ = 1;
  sweeps_left_ = 0;
  channel_tags_ = false;
  memory_.clear();
  format_ = {};
}

void Scanner::check_installed(std::span<const int> channels) const {
  for (int ch : channels)
    if (!setup_.contains(ch))
      throw scpi::Error(scpi::err::data_out_of_range, "channel " + std::to_string(ch) + " not installed");
}

// The channels of parameter i, or the scan list without one (the 34970A's optional ch_list).
std::vector<int> Scanner::listed_or_scan(const scpi::Call& c, std::size_t i) const {
  std::vector<int> channels = c.has(i) ? c.channels(i) : scan_;
  check_installed(channels);
  if (channels.empty()) throw scpi::Error(scpi::err::settings_conflict, "empty scan list");
  return channels;
}

void Scanner::require_idle() const {
  if (armed()) throw scpi::Error(scpi::err::settings_conflict, "scan waiting for *TRG; send ABOR first");
}

Scanner::ChannelSetup Scanner::requested_setup(const scpi::Call& c, std::size_t list_index) const {
  ChannelSetup s;
  if (list_index >= 1) s.range_volts = range_of(c.param(0));
  if (list_index >= 2) s.nplc = nplc_for_resolution(c.param(1), s.range_volts.value_or(kAutoReportVolts));
  return s;
}

void Scanner::configure(const std::vector<int>& channels, const ChannelSetup& setup) {
  for (int ch : channels) setup_[ch] = setup;
  scan_ = channels;
}

// A scan clears the reading memory, as on the 34970A, so FETC? answers the latest scan only.
void Scanner::initiate() {
  // A second INIT while a scan waits for its triggers is ignored, as on the 34970A.
  if (armed()) throw scpi::Error(scpi::err::init_ignored, "scan waiting for *TRG; send ABOR first");
  if (scan_.empty()) throw scpi::Error(scpi::err::settings_conflict, "empty scan list");
  memory_.clear();
  if (source_ == TriggerSource::Bus) {
    sweeps_left_ = trigger_count_;
    return;
  }
  // EXT and TIM triggers have no meaning on an emulated table: they fire at once, like IMM.
  for (int i = 0; i < trigger_count_; ++i) store(sweep());
}

void Scanner::trigger() {
  if (!armed()) throw scpi::Error(scpi::err::trigger_ignored);
  store(sweep());
  --sweeps_left_;
}

std::vector<Scanner::Reading> Scanner::sweep() {
  std::vector<Reading> out;
  out.reserve(scan_.size());
  for (int ch : scan_) {
    const ChannelSetup& s = setup_.at(ch);
    integrate(s.nplc);
    double volts = guarded([&] { return bench_.measure_scanner_volts(ch); });
    if (s.range_volts && std::abs(volts) > 1.2 * *s.range_volts) volts = std::copysign(kOverloadVolts, volts);
    out.push_back({volts, ch});
  }
  return out;
}

void Scanner::store(const std::vector<Reading>& readings) {
  for (const Reading& r : readings) {
    if (memory_.size() >= options_.memory_readings) memory_.pop_front();
    memory_.push_back(r);
  }
}

// Integration time as latency (Realism::integration_latency): NPLC power-line cycles per reading.
void Scanner::integrate(double nplc) const {
  const Realism& k = bench_.realism();
  if (k.integration_latency && k.line_hz > 0) std::this_thread::sleep_for(std::chrono::duration<double>(nplc / k.line_hz));
}

std::string Scanner::ascii(std::span<const Reading> readings) const {
  std::string out;
  out.reserve(readings.size() * (channel_tags_ ? 20 : 16));
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (i) out += ',';
    out += scpi::nr3(readings[i].volts);
    if (channel_tags_) out += ',' + std::to_string(readings[i].channel);
  }
  return out;
}

// MEAS? READ? FETC?: ASCII (with channel tags when asked) or one REAL,64 block of the readings alone.
std::string Scanner::answer(std::span<const Reading> readings) const {
  if (!format_.binary) return ascii(readings);
  std::vector<double> volts;
  volts.reserve(readings.size());
  for (const Reading& r : readings) volts.push_back(r.volts);
  return scpi::format_readings(volts, format_);
}

void Scanner::register_commands() {
  // The channel list is the last parameter; a range and a resolution may come before it.
  tree_.add("MEASure:VOLTage[:DC]?", [this](scpi::Call& c) {
    const std::size_t list = c.count() - 1;
    const std::vector<int> channels = c.channels(list);
    check_installed(channels);
    const ChannelSetup setup = requested_setup(c, list);
    require_idle();
    if (channels.empty()) throw scpi::Error(scpi::err::settings_conflict, "empty scan list");
    configure(channels, setup);
    memory_.clear();
    store(sweep());
    c.respond(answer(memory()));
  }, kConfigure);

  tree_.add("CONFigure:VOLTage[:DC]", [this](scpi::Call& c) {
    const std::size_t list = c.count() - 1;
    const std::vector<int> channels = c.channels(list);
    check_installed(channels);
    const ChannelSetup setup = requested_setup(c, list);
    require_idle();
    configure(channels, setup);
  }, kConfigure);

  tree_.add("CONFigure?", [this](scpi::Call& c) {
    const std::vector<int> channels = listed_or_scan(c, 0);
    for (int ch : channels) {
      const ChannelSetup& s = setup_.at(ch);
      const double range = s.range_volts.value_or(kAutoReportVolts);
      c.respond(scpi::quoted("VOLT " + scpi::nr3(range) + "," + scpi::nr3(resolution_volts(s.nplc, range))));
    }
  }, kOptionalOne);

  tree_.add("ROUTe:SCAN", [this](scpi::Call& c) {
    const std::vector<int> channels = c.channels(0);
    check_installed(channels);
    require_idle();
    scan_ = channels;
  }, kOne);
  tree_.add("ROUTe:SCAN?", [this](scpi::Call& c) {
    std::string list = "(@";
    for (std::size_t i = 0; i < scan_.size(); ++i) list += (i ? "," : "") + std::to_string(scan_[i]);
    c.respond(scpi::definite_block(list + ")"));
  }, kNone);
  tree_.add("ROUTe:SCAN:SIZE?", [this](scpi::Call& c) { c.respond(scpi::nr1(static_cast<std::int64_t>(scan_.size()))); }, kNone);

  tree_.add("INITiate[:IMMediate]", [this](scpi::Call&) { initiate(); }, kNone);
  tree_.add("ABORt", [this](scpi::Call&) { sweeps_left_ = 0; }, kNone);
  tree_.add("FETCh?", [this](scpi::Call& c) {
    if (armed())
      throw scpi::Error(scpi::err::data_stale, "scan waiting for *TRG (" + std::to_string(sweeps_left_) + " sweeps left)");
    if (memory_.empty()) throw scpi::Error(scpi::err::data_stale, "no readings in memory");
    c.respond(answer(memory()));
  }, kNone);
  tree_.add("READ?", [this](scpi::Call& c) {
    // As the 34970A: no *TRG can arrive while READ? waits, so it is a deadlock.
    if (source_ == TriggerSource::Bus)
      throw scpi::Error(scpi::err::trigger_deadlock, "READ? with TRIG:SOUR BUS; use INIT, *TRG, FETC?");
    initiate();
    c.respond(answer(memory()));
  }, kNone);
  tree_.add("R?", [this](scpi::Call& c) {
    std::size_t n = memory_.size();
    if (c.has(0)) n = std::min(n, static_cast<std::size_t>(c.integer(0, 1, kMaxCount)));
    std::vector<Reading> taken(memory_.begin(), memory_.begin() + static_cast<std::ptrdiff_t>(n));
    memory_.erase(memory_.begin(), memory_.begin() + static_cast<std::ptrdiff_t>(n));
    c.respond(scpi::definite_block(ascii(taken)));
  }, kOptionalOne);

  tree_.add("TRIGger:SOURce", [this](scpi::Call& c) {
    const auto choice = c.choice(0, {"IMMediate", "BUS", "EXTernal", "TIMer"});
    require_idle();
    source_ = static_cast<TriggerSource>(choice);
  }, kOne);
  tree_.add("TRIGger:SOURce?", [this](scpi::Call& c) {
    static constexpr std::array<const char*, 4> kNames{"IMM", "BUS", "EXT", "TIM"};
    c.respond(kNames[static_cast<std::size_t>(source_)]);
  }, kNone);
  tree_.add("TRIGger:COUNt", [this](scpi::Call& c) {
    const auto count = static_cast<int>(c.integer(0, 1, kMaxCount, 1));
    require_idle();
    trigger_count_ = count;
  }, kOne);
  tree_.add("TRIGger:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(trigger_count_)); }, kNone);

  // Without a list, NPLC applies to (and answers for) the channels of the scan list.
  tree_.add("[SENSe:]VOLTage[:DC]:NPLCycles", [this](scpi::Call& c) {
    const double nplc = nplc_step(c.number(0, {.unit = "", .min = 0.02, .max = 200.0, .def = 1.0}));
    const std::vector<int> channels = listed_or_scan(c, 1);
    require_idle();
    for (int ch : channels) setup_[ch].nplc = nplc;
  }, {.min_params = 1, .max_params = 2});
  tree_.add("[SENSe:]VOLTage[:DC]:NPLCycles?", [this](scpi::Call& c) {
    for (int ch : listed_or_scan(c, 0)) c.respond(scpi::nr3(setup_.at(ch).nplc));
  }, kOptionalOne);

  tree_.add("FORMat:READing:CHANnel", [this](scpi::Call& c) { channel_tags_ = c.boolean(0); }, kOne);
  tree_.add("FORMat:READing:CHANnel?", [this](scpi::Call& c) { c.respond(scpi::boolean(channel_tags_)); }, kNone);
}

}  // namespace spiceloop::standins
