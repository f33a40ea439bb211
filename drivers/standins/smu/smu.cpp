#include "drivers/standins/smu/smu.hpp"
#include "drivers/standins/guarded.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/convert.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "emulator/core/error.hpp"
#include "emulator/network/validate.hpp"

namespace spiceloop::standins {

namespace {

// The 2400's own device error for a measurement with the output off (its manual, table B-1).
constexpr int kOutputOff = 803;
constexpr double kNotMeasured = 9.91e37;  // what the 2400 sends for an element it did not measure
constexpr int kMaxReadings = 2500;        // the 2400's sample buffer

constexpr std::array<double, 4> kVoltRanges{0.21, 2.1, 21.0, 210.0};
constexpr std::array<double, 7> kAmpRanges{1.05e-6, 1.05e-5, 1.05e-4, 1.05e-3, 1.05e-2, 1.05e-1, 1.05};
constexpr std::array<double, 8> kOhmRanges{21.0, 210.0, 2.1e3, 2.1e4, 2.1e5, 2.1e6, 2.1e7, 2.1e8};

namespace fn {
constexpr unsigned volts = 1, amps = 2, ohms = 4;
}
namespace element {
constexpr unsigned volts = 1, amps = 2, ohms = 4, time = 8, status = 16;
}
namespace status_bit {
constexpr double front = 1 << 2, compliance = 1 << 3, v_meas = 1 << 11, i_meas = 1 << 12, r_meas = 1 << 13,
                 v_source = 1 << 14, i_source = 1 << 15, remote_sense = 1 << 22;
}

constexpr std::array<std::string_view, 5> kElementWords{"VOLTage", "CURRent", "RESistance", "TIME", "STATus"};
constexpr std::array<std::string_view, 2> kTriggerSources{"IMMediate", "TLINk"};
constexpr std::array<std::string_view, 8> kArmSources{"IMMediate", "TIMer", "MANual", "BUS",
                                                      "TLINk", "NSTest", "PSTest", "BSTest"};

// Every SMU command: the 2400 numbers its one source, sense and output `1`.
constexpr scpi::CommandOptions opts(std::size_t min_params = 0, std::size_t max_params = 0) {
  return {.min_params = min_params, .max_params = max_params, .suffix_max = 1};
}

bool is_word(const scpi::Param& p, std::string_view pattern) {
  return p.kind == scpi::Param::Kind::Character && scpi::mnemonic_matches(pattern, p.text);
}

// A magnitude (compliance, range) up to `top`: the 2400 takes either sign and keeps |n|, so MIN is
// the smallest magnitude rather than -top.
double magnitude(const scpi::Call& c, std::size_t i, std::string_view unit, double top, double min_magnitude,
                 double def) {
  if (is_word(c.param(i), "MINimum")) return min_magnitude;
  return std::abs(c.number(i, {.unit = unit, .min = -top, .max = top, .def = def}));
}

std::string choice_word(std::span<const std::string_view> words, std::size_t i) { return scpi::short_form(words[i]); }

std::size_t choose(const scpi::Call& c, std::size_t i, std::span<const std::string_view> words) {
  const scpi::Param& p = c.param(i);
  if (p.kind != scpi::Param::Kind::Character) throw scpi::Error(scpi::err::data_type);
  for (std::size_t k = 0; k < words.size(); ++k)
    if (scpi::mnemonic_matches(words[k], p.text)) return k;
  throw scpi::Error(scpi::err::invalid_character_data);
}

// A sense function named as the 2400 writes it ('VOLT', "CURR:DC", 'RES'); PyMeasure also sends
// it unquoted (`:SENS:FUNC RES`), which is accepted.
unsigned function_bit(const scpi::Param& p) {
  if (p.kind != scpi::Param::Kind::String && p.kind != scpi::Param::Kind::Character)
    throw scpi::Error(scpi::err::data_type);
  std::string_view text = p.text;
  std::string_view tail;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    tail = text.substr(colon + 1);
    text = text.substr(0, colon);
  }
  const bool dc = tail.empty() || scpi::mnemonic_matches("DC", tail);
  if (dc && scpi::mnemonic_matches("VOLTage", text)) return fn::volts;
  if (dc && scpi::mnemonic_matches("CURRent", text)) return fn::amps;
  if (tail.empty() && scpi::mnemonic_matches("RESistance", text)) return fn::ohms;
  throw scpi::Error(scpi::err::illegal_parameter_value, "unknown function; use VOLT[:DC], CURR[:DC] or RES");
}

std::string function_list(unsigned functions) {
  std::string out;
  constexpr std::array<std::pair<unsigned, const char*>, 3> names{{{fn::volts, "VOLT:DC"}, {fn::amps, "CURR:DC"}, {fn::ohms, "RES"}}};
  for (const auto& [bit, name] : names)
    if (functions & bit) {
      if (!out.empty()) out += ',';
      out += scpi::quoted(name);
    }
  return out.empty() ? "\"\"" : out;
}

}  // namespace

Smu::Smu(Bench& bench, SmuOptions options) : bench_(bench), options_(std::move(options)) {
  if (!bench_.has_smu()) throw std::invalid_argument("smu: the bench file has no \"smu\" node");
  options_.max_volts = std::min(options_.max_volts, network_limits::kMaxAbsVolts);
  scpi::add_common_commands(tree_, status_,
                            {"KEITHLEY INSTRUMENTS INC.", "MODEL 2400", options_.serial, options_.firmware},
                            {.reset = [this] { reset(); }});
  scpi::add_format_commands(tree_, format_);
  register_commands();
  reset();
}

void Smu::reset() {
  s_ = Settings{};
  format_ = {};
  buffer_.clear();
  buffer_valid_ = false;
  epoch_ = std::chrono::steady_clock::now();
  bench_.set_smu_output(false);
  bench_.set_smu_source(source());
}

SmuSource Smu::source() const {
  return {.function = s_.mode == Mode::Volts ? SmuSource::Function::Volts : SmuSource::Function::Amps,
          .volts = s_.source_volts,
          .amps = s_.source_amps,
          .compliance_amps = s_.limit_amps,
          .compliance_volts = s_.limit_volts,
          .max_volts = options_.max_volts};
}

// The bench regulates the SMU at every solve (emulator/bench/smu.hpp); solving now makes a
// failure the answer to the command that caused it.
void Smu::regulate() {
  bench_.set_smu_source(source());
  if (bench_.smu_output()) bench_.truth();
}

bool Smu::in_compliance() { return bench_.smu_in_compliance(); }

void Smu::regulate_or_throw() { guarded([this] { regulate(); }); }

void Smu::take_readings() {
  if (!bench_.smu_output() && !s_.auto_off)
    throw scpi::Error(kOutputOff, "Not permitted with OUTPUT off");
  const std::size_t count = static_cast<std::size_t>(s_.trigger_count) * static_cast<std::size_t>(s_.arm_count);
  const int node = bench_.smu_node();
  const Realism& k = bench_.realism();
  std::vector<double> readings;
  try {
    bench_.set_smu_output(true);
    regulate_or_throw();
    const bool tripped = guarded([&] { return in_compliance(); });
    for (std::size_t n = 0; n < count; ++n) {
      if (k.integration_latency && k.line_hz > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(s_.nplc / k.line_hz));
      const double volts = guarded([&] { return bench_.measure_node_volts(node); });
      const double amps = guarded([&] { return bench_.smu_current(); });
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count();
      double word = (s_.mode == Mode::Volts ? status_bit::v_source : status_bit::i_source);
      if (s_.front) word += status_bit::front;
      if (tripped) word += status_bit::compliance;
      if (s_.functions & fn::volts) word += status_bit::v_meas;
      if (s_.functions & fn::amps) word += status_bit::i_meas;
      if (s_.functions & fn::ohms) word += status_bit::r_meas;
      if (s_.remote_sense) word += status_bit::remote_sense;
      const double ohms = (s_.functions & fn::ohms) && amps != 0.0 ? volts / amps : kNotMeasured;
      const std::array<double, 5> all{volts, amps, ohms, seconds, word};
      for (std::size_t e = 0; e < all.size(); ++e)
        if (s_.elements & (1u << e)) readings.push_back(all[e]);
    }
  } catch (...) {
    if (s_.auto_off) bench_.set_smu_output(false);
    throw;
  }
  // Auto output-off: the output turns off after each source-measure cycle.
  if (s_.auto_off) bench_.set_smu_output(false);
  buffer_ = std::move(readings);
  buffer_valid_ = true;
}

std::string Smu::fetch() const {
  if (!buffer_valid_) throw scpi::Error(scpi::err::data_stale, "no readings; send INIT or READ?");
  return scpi::format_readings(buffer_, format_);
}

void Smu::enable_function(unsigned bit) {
  s_.functions = s_.concurrent ? (s_.functions | bit) : bit;
}

void Smu::register_commands() {
  register_source();
  register_sense();
  register_trigger();
  register_system();
}

namespace {

// RANGe[:UPPer] <n> picks the smallest of the 2400's ranges that holds |n| and turns autorange
// off; RANGe:AUTO <b>. Stored and answered: the emulator measures without range errors.
template <std::size_t N>
void add_range(scpi::CommandTree& tree, const std::string& prefix, auto& range, const std::array<double, N>& ranges,
               std::string_view unit) {
  tree.add(prefix + ":RANGe[:UPPer]", [&range, &ranges, unit](scpi::Call& c) {
    const double wanted = magnitude(c, 0, unit, ranges.back(), ranges.front(), ranges.back());
    range.value = *std::find_if(ranges.begin(), ranges.end(), [&](double r) { return r >= wanted * (1 - 1e-12); });
    range.autorange = false;
  }, opts(1, 1));
  tree.add(prefix + ":RANGe[:UPPer]?", [&range](scpi::Call& c) { c.respond(scpi::nr3(range.value)); }, opts());
  tree.add(prefix + ":RANGe:AUTO", [&range](scpi::Call& c) { range.autorange = c.boolean(0); }, opts(1, 1));
  tree.add(prefix + ":RANGe:AUTO?", [&range](scpi::Call& c) { c.respond(scpi::boolean(range.autorange)); }, opts());
}

void add_bool(scpi::CommandTree& tree, const std::string& pattern, bool& value) {
  tree.add(pattern, [&value](scpi::Call& c) { value = c.boolean(0); }, opts(1, 1));
  tree.add(pattern + "?", [&value](scpi::Call& c) { c.respond(scpi::boolean(value)); }, opts());
}

void add_number(scpi::CommandTree& tree, const std::string& pattern, double& value, scpi::NumberSpec spec) {
  tree.add(pattern, [&value, spec](scpi::Call& c) { value = c.number(0, spec); }, opts(1, 1));
  tree.add(pattern + "?", [&value](scpi::Call& c) { c.respond(scpi::nr3(value)); }, opts());
}

}  // namespace

void Smu::register_source() {
  const scpi::NumberSpec volts{.unit = "V", .min = -options_.max_volts, .max = options_.max_volts, .def = 0.0};
  const scpi::NumberSpec amps{.unit = "A", .min = -options_.max_amps, .max = options_.max_amps, .def = 0.0};
  static constexpr std::array<std::string_view, 2> modes{"VOLTage", "CURRent"};

  tree_.add("SOURce#:FUNCtion[:MODE]", [this](scpi::Call& c) {
    s_.mode = choose(c, 0, modes) == 0 ? Mode::Volts : Mode::Amps;
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("SOURce#:FUNCtion[:MODE]?", [this](scpi::Call& c) {
    c.respond(s_.mode == Mode::Volts ? "VOLT" : "CURR");
  }, opts());

  tree_.add("SOURce#:VOLTage[:LEVel][:IMMediate][:AMPLitude]", [this, volts](scpi::Call& c) {
    s_.source_volts = c.number(0, volts);
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("SOURce#:VOLTage[:LEVel][:IMMediate][:AMPLitude]?", [this](scpi::Call& c) {
    c.respond(scpi::nr3(s_.source_volts));
  }, opts());
  tree_.add("SOURce#:CURRent[:LEVel][:IMMediate][:AMPLitude]", [this, amps](scpi::Call& c) {
    s_.source_amps = c.number(0, amps);
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("SOURce#:CURRent[:LEVel][:IMMediate][:AMPLitude]?", [this](scpi::Call& c) {
    c.respond(scpi::nr3(s_.source_amps));
  }, opts());

  add_range(tree_, "SOURce#:VOLTage", s_.source_volts_range, kVoltRanges, "V");
  add_range(tree_, "SOURce#:CURRent", s_.source_amps_range, kAmpRanges, "A");

  for (const char* quantity : {"SOURce#:VOLTage:MODE", "SOURce#:CURRent:MODE"}) {
    tree_.add(quantity, [](scpi::Call& c) {
      static constexpr std::array<std::string_view, 3> words{"FIXed", "SWEep", "LIST"};
      if (choose(c, 0, words) != 0)
        throw scpi::Error(scpi::err::settings_conflict, "sweeps and lists are not emulated; use FIXed");
    }, opts(1, 1));
    tree_.add(std::string(quantity) + "?", [](scpi::Call& c) { c.respond("FIX"); }, opts());
  }

  tree_.add("SOURce#:CLEar[:IMMediate]", [this](scpi::Call&) { bench_.set_smu_output(false); }, opts());
  add_bool(tree_, "SOURce#:CLEar:AUTO", s_.auto_off);
  add_number(tree_, "SOURce#:DELay", s_.source_delay, {.unit = "S", .min = 0.0, .max = 9999.998, .def = 0.0});
  add_bool(tree_, "SOURce#:DELay:AUTO", s_.source_delay_auto);

  tree_.add("OUTPut#[:STATe]", [this](scpi::Call& c) {
    bench_.set_smu_output(c.boolean(0));
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("OUTPut#[:STATe]?", [this](scpi::Call& c) { c.respond(scpi::boolean(bench_.smu_output())); }, opts());
}

void Smu::register_sense() {
  tree_.add("[SENSe#:]CURRent[:DC]:PROTection[:LEVel]", [this](scpi::Call& c) {
    s_.limit_amps = magnitude(c, 0, "A", options_.max_amps, 0.0, 105e-6);
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("[SENSe#:]CURRent[:DC]:PROTection[:LEVel]?", [this](scpi::Call& c) {
    c.respond(scpi::nr3(s_.limit_amps));
  }, opts());
  tree_.add("[SENSe#:]VOLTage[:DC]:PROTection[:LEVel]", [this](scpi::Call& c) {
    s_.limit_volts = magnitude(c, 0, "V", options_.max_volts, 0.0, 21.0);
    regulate_or_throw();
  }, opts(1, 1));
  tree_.add("[SENSe#:]VOLTage[:DC]:PROTection[:LEVel]?", [this](scpi::Call& c) {
    c.respond(scpi::nr3(s_.limit_volts));
  }, opts());
  // TRIPped? reports the limit of the present source mode holding the output now.
  tree_.add("[SENSe#:]CURRent[:DC]:PROTection:TRIPped?", [this](scpi::Call& c) {
    c.respond(scpi::boolean(s_.mode == Mode::Volts && guarded([this] { return in_compliance(); })));
  }, opts());
  tree_.add("[SENSe#:]VOLTage[:DC]:PROTection:TRIPped?", [this](scpi::Call& c) {
    c.respond(scpi::boolean(s_.mode == Mode::Amps && guarded([this] { return in_compliance(); })));
  }, opts());

  add_range(tree_, "[SENSe#:]VOLTage[:DC]", s_.sense_volts_range, kVoltRanges, "V");
  add_range(tree_, "[SENSe#:]CURRent[:DC]", s_.sense_amps_range, kAmpRanges, "A");
  add_range(tree_, "[SENSe#:]RESistance", s_.sense_ohms_range, kOhmRanges, "OHM");
  for (const char* p : {"[SENSe#:]VOLTage[:DC]:NPLCycles", "[SENSe#:]CURRent[:DC]:NPLCycles", "[SENSe#:]RESistance:NPLCycles"})
    add_number(tree_, p, s_.nplc, {.unit = "", .min = 0.01, .max = 10.0, .def = 1.0});

  tree_.add("[SENSe#:]RESistance:MODE", [this](scpi::Call& c) {
    static constexpr std::array<std::string_view, 2> words{"MANual", "AUTO"};
    s_.ohms_auto = choose(c, 0, words) == 1;
  }, opts(1, 1));
  tree_.add("[SENSe#:]RESistance:MODE?", [this](scpi::Call& c) { c.respond(s_.ohms_auto ? "AUTO" : "MAN"); }, opts());

  // Every name is checked before any function changes.
  tree_.add("[SENSe#:]FUNCtion[:ON]", [this](scpi::Call& c) {
    std::vector<unsigned> bits;
    for (std::size_t i = 0; i < c.count(); ++i) bits.push_back(function_bit(c.param(i)));
    if (!s_.concurrent && bits.size() > 1)
      throw scpi::Error(scpi::err::settings_conflict, "one function at a time with FUNC:CONC OFF");
    for (unsigned b : bits) enable_function(b);
  }, opts(1, 3));
  tree_.add("[SENSe#:]FUNCtion[:ON]?", [this](scpi::Call& c) { c.respond(function_list(s_.functions)); }, opts());
  tree_.add("[SENSe#:]FUNCtion:OFF", [this](scpi::Call& c) {
    unsigned off = 0;
    for (std::size_t i = 0; i < c.count(); ++i) off |= function_bit(c.param(i));
    s_.functions &= ~off;
  }, opts(1, 3));
  tree_.add("[SENSe#:]FUNCtion:OFF?", [this](scpi::Call& c) {
    c.respond(function_list(~s_.functions & (fn::volts | fn::amps | fn::ohms)));
  }, opts());
  tree_.add("[SENSe#:]FUNCtion[:ON]:ALL", [this](scpi::Call&) {
    if (!s_.concurrent) throw scpi::Error(scpi::err::settings_conflict, "FUNC:ON:ALL needs FUNC:CONC ON");
    s_.functions = fn::volts | fn::amps | fn::ohms;
  }, opts());
  tree_.add("[SENSe#:]FUNCtion:OFF:ALL", [this](scpi::Call&) { s_.functions = 0; }, opts());
  // Concurrent OFF keeps one function: current if it is on, else voltage, else resistance.
  tree_.add("[SENSe#:]FUNCtion:CONCurrent", [this](scpi::Call& c) {
    s_.concurrent = c.boolean(0);
    if (!s_.concurrent)
      for (unsigned b : {fn::amps, fn::volts, fn::ohms})
        if (s_.functions & b) {
          s_.functions = b;
          break;
        }
  }, opts(1, 1));
  tree_.add("[SENSe#:]FUNCtion:CONCurrent?", [this](scpi::Call& c) { c.respond(scpi::boolean(s_.concurrent)); }, opts());

  add_bool(tree_, "[SENSe#:]AVERage[:STATe]", s_.averaging);
  tree_.add("[SENSe#:]AVERage:COUNt", [this](scpi::Call& c) {
    s_.average_count = static_cast<int>(c.integer(0, 1, 100, 10));
  }, opts(1, 1));
  tree_.add("[SENSe#:]AVERage:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(s_.average_count)); }, opts());

  // Elements answer in the 2400's fixed order whatever order they were named in.
  tree_.add("FORMat:ELEMents[:SENSe#]", [this](scpi::Call& c) {
    unsigned elements = 0;
    for (std::size_t i = 0; i < c.count(); ++i) elements |= 1u << choose(c, i, kElementWords);
    s_.elements = elements;
  }, opts(1, 5));
  tree_.add("FORMat:ELEMents[:SENSe#]?", [this](scpi::Call& c) {
    std::string out;
    for (std::size_t e = 0; e < kElementWords.size(); ++e)
      if (s_.elements & (1u << e)) {
        if (!out.empty()) out += ',';
        out += choice_word(kElementWords, e);
      }
    c.respond(out);
  }, opts());
}

void Smu::register_trigger() {
  tree_.add("INITiate[:IMMediate]", [this](scpi::Call&) { take_readings(); }, opts());
  tree_.add("ABORt", [](scpi::Call&) {}, opts());
  tree_.add("FETCh?", [this](scpi::Call& c) { c.respond(fetch()); }, opts());
  tree_.add("READ?", [this](scpi::Call& c) {
    take_readings();
    c.respond(fetch());
  }, opts());

  struct Function {
    const char* suffix;
    unsigned bit;
  };
  for (const Function f : {Function{"", 0}, Function{":VOLTage[:DC]", fn::volts}, Function{":CURRent[:DC]", fn::amps},
                           Function{":RESistance", fn::ohms}}) {
    const std::string suffix = f.suffix;
    const unsigned bit = f.bit;
    tree_.add("CONFigure" + suffix, [this, bit](scpi::Call&) {
      if (bit) enable_function(bit);
    }, opts());
    // MEASure? turns the output on (and it stays on unless auto output-off is enabled).
    tree_.add("MEASure" + suffix + "?", [this, bit](scpi::Call& c) {
      if (bit) enable_function(bit);
      bench_.set_smu_output(true);
      take_readings();
      c.respond(fetch());
    }, opts());
  }
  tree_.add("CONFigure?", [this](scpi::Call& c) { c.respond(function_list(s_.functions)); }, opts());

  tree_.add("TRIGger[:SEQuence#]:COUNt", [this](scpi::Call& c) {
    const int n = static_cast<int>(c.integer(0, 1, kMaxReadings, 1));
    if (n * s_.arm_count > kMaxReadings)
      throw scpi::Error(scpi::err::settings_conflict, "TRIG:COUN x ARM:COUN exceeds 2500 readings");
    s_.trigger_count = n;
  }, opts(1, 1));
  tree_.add("TRIGger[:SEQuence#]:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(s_.trigger_count)); }, opts());
  tree_.add("ARM[:SEQuence#][:LAYer#]:COUNt", [this](scpi::Call& c) {
    const int n = static_cast<int>(c.integer(0, 1, kMaxReadings, 1));
    if (n * s_.trigger_count > kMaxReadings)
      throw scpi::Error(scpi::err::settings_conflict, "TRIG:COUN x ARM:COUN exceeds 2500 readings");
    s_.arm_count = n;
  }, opts(1, 1));
  tree_.add("ARM[:SEQuence#][:LAYer#]:COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(s_.arm_count)); }, opts());
  add_number(tree_, "TRIGger[:SEQuence#]:DELay", s_.trigger_delay, {.unit = "S", .min = 0.0, .max = 999.9999, .def = 0.0});
  add_number(tree_, "ARM[:SEQuence#][:LAYer#]:TIMer", s_.arm_timer, {.unit = "S", .min = 0.001, .max = 99999.99, .def = 0.1});
  tree_.add("TRIGger[:SEQuence#]:SOURce", [this](scpi::Call& c) { s_.trigger_source = choose(c, 0, kTriggerSources); }, opts(1, 1));
  tree_.add("TRIGger[:SEQuence#]:SOURce?", [this](scpi::Call& c) {
    c.respond(choice_word(kTriggerSources, s_.trigger_source));
  }, opts());
  tree_.add("ARM[:SEQuence#][:LAYer#]:SOURce", [this](scpi::Call& c) { s_.arm_source = choose(c, 0, kArmSources); }, opts(1, 1));
  tree_.add("ARM[:SEQuence#][:LAYer#]:SOURce?", [this](scpi::Call& c) {
    c.respond(choice_word(kArmSources, s_.arm_source));
  }, opts());
  tree_.add("TRIGger:CLEar", [](scpi::Call&) {}, opts());
}

void Smu::register_system() {
  tree_.add("ROUTe:TERMinals", [this](scpi::Call& c) {
    static constexpr std::array<std::string_view, 2> words{"FRONt", "REAR"};
    s_.front = choose(c, 0, words) == 0;
  }, opts(1, 1));
  tree_.add("ROUTe:TERMinals?", [this](scpi::Call& c) { c.respond(s_.front ? "FRON" : "REAR"); }, opts());
  add_bool(tree_, "SYSTem:RSENse", s_.remote_sense);
  tree_.add("SYSTem:AZERo[:STATe]", [this](scpi::Call& c) {
    if (!is_word(c.param(0), "ONCE")) s_.autozero = c.boolean(0);
  }, opts(1, 1));
  tree_.add("SYSTem:AZERo[:STATe]?", [this](scpi::Call& c) { c.respond(scpi::boolean(s_.autozero)); }, opts());
  tree_.add("SYSTem:BEEPer[:IMMediate]", [](scpi::Call& c) {
    c.number(0, {.unit = "HZ", .min = 65.0, .max = 2e6});
    c.number(1, {.unit = "S", .min = 0.0, .max = 7.9});
  }, opts(2, 2));
  add_bool(tree_, "SYSTem:BEEPer:STATe", s_.beeper);
  tree_.add("SYSTem:TIME:RESet", [this](scpi::Call&) { epoch_ = std::chrono::steady_clock::now(); }, opts());
  tree_.add("SYSTem:TIME?", [this](scpi::Call& c) {
    c.respond(scpi::nr3(std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_).count()));
  }, opts());
  tree_.add("SYSTem:PRESet", [this](scpi::Call&) { reset(); }, opts());
  for (const char* p : {"SYSTem:REMote", "SYSTem:LOCal", "SYSTem:RWLock"}) tree_.add(p, [](scpi::Call&) {}, opts());

  tree_.add("STATus:PRESet", [](scpi::Call&) {}, opts());
  tree_.add("STATus:QUEue:CLEar", [this](scpi::Call&) { status_.errors().clear(); }, opts());
  tree_.add("STATus:QUEue[:NEXT]?", [this](scpi::Call& c) { c.respond(status_.errors().pop_formatted()); }, opts());
}

}  // namespace spiceloop::standins
