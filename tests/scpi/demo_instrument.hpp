// A small fake DC source on the SCPI library, the way a stand-in registers commands; the tests
// drive it through a Session exactly as a socket would.
#pragma once
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "drivers/scpi/session.hpp"
#include "drivers/scpi/status.hpp"

namespace demo {

namespace scpi = spiceloop::scpi;

inline constexpr int channel_count = 4;

struct DemoSource {
  std::array<double, channel_count + 1> volts{};
  std::array<bool, channel_count + 1> output{};
  double amps = 0;
  double protection_volts = 20;
  double hertz = 0;
  double ohms = 0;
  long count = 0;
  int mode = 0;
  bool measured = false;
  int resets = 0;
  int triggers = 0;
  std::string text;
  std::string upload;
  scpi::DataFormat format;
  scpi::Status status;
  scpi::CommandTree tree;
  scpi::Session session{tree, status};

  static void check_channels(const std::vector<int>& channels) {
    for (int c : channels)
      if (c < 1 || c > channel_count) throw scpi::Error(scpi::err::hardware_missing);
  }

  DemoSource() {
    scpi::add_common_commands(tree, status, {"Spiceloop", "DEMO-1", "0001", "0.1"},
                              {.reset = [this] { ++resets; volts = {}; output = {}; format = {}; },
                               .wait_pending = {},
                               .self_test = {},
                               .trigger = [this] { ++triggers; }});
    scpi::add_format_commands(tree, format);
    const scpi::NumberSpec volt{.unit = "V", .min = 0, .max = 20, .def = 0};
    tree.add("[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]", [this, volt](scpi::Call& c) {
      const double v = c.number(0, volt);
      std::vector<int> channels{1};
      if (c.has(1)) channels = c.channels(1);
      check_channels(channels);
      for (int ch : channels) volts[ch] = v;
    }, {.min_params = 1, .max_params = 2});
    tree.add("[SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude]?", [this, volt](scpi::Call& c) {
      if (c.has(0) && c.param(0).kind == scpi::Param::Kind::Character) {
        c.respond(scpi::nr3(c.number(0, volt)));
        return;
      }
      std::vector<int> channels{1};
      if (c.has(0)) channels = c.channels(0);
      check_channels(channels);
      for (int ch : channels) c.respond(scpi::nr3(volts[ch]));
    }, {.max_params = 1});
    tree.add("[SOURce:]VOLTage:PROTection[:LEVel]", [this](scpi::Call& c) {
      const double v = c.number(0, {.unit = "V", .min = 0, .max = 22});
      if (v < volts[1]) throw scpi::Error(scpi::err::settings_conflict);
      protection_volts = v;
    }, {.min_params = 1, .max_params = 1});
    tree.add("[SOURce:]CURRent[:LEVel]", [this](scpi::Call& c) { amps = c.number(0, {.unit = "A", .min = 0, .max = 1}); },
             {.min_params = 1, .max_params = 1});
    tree.add("[SOURce:]CURRent[:LEVel]?", [this](scpi::Call& c) { c.respond(scpi::nr3(amps)); });
    tree.add("OUTPut#[:STATe]", [this](scpi::Call& c) { output[c.suffix()] = c.boolean(0); },
             {.min_params = 1, .max_params = 1, .suffix_max = channel_count});
    tree.add("OUTPut#[:STATe]?", [this](scpi::Call& c) { c.respond(scpi::boolean(output[c.suffix()])); },
             {.suffix_max = channel_count});
    tree.add("MEASure[:SCALar]:VOLTage[:DC]?", [this](scpi::Call& c) {
      const std::vector<int> channels = c.channels(0);
      check_channels(channels);
      std::vector<double> readings;
      for (int ch : channels) readings.push_back(output[ch] ? volts[ch] : 0.0);
      measured = true;
      c.respond(scpi::format_readings(readings, format));
    }, {.min_params = 1, .max_params = 1});
    tree.add("FETCh?", [this](scpi::Call& c) {
      if (!measured) throw scpi::Error(scpi::err::data_stale);
      c.respond(scpi::nr3(volts[1]));
    });
    tree.add("FREQuency", [this](scpi::Call& c) { hertz = c.number(0, {.unit = "HZ"}); }, {.min_params = 1, .max_params = 1});
    tree.add("FREQuency?", [this](scpi::Call& c) { c.respond(scpi::nr3(hertz)); });
    tree.add("RESistance", [this](scpi::Call& c) { ohms = c.number(0, {.unit = "OHM"}); }, {.min_params = 1, .max_params = 1});
    tree.add("RESistance?", [this](scpi::Call& c) { c.respond(scpi::nr3(ohms)); });
    tree.add("COUNt", [this](scpi::Call& c) { count = static_cast<long>(c.integer(0, 1, 1000, 1)); },
             {.min_params = 1, .max_params = 1});
    tree.add("COUNt?", [this](scpi::Call& c) { c.respond(scpi::nr1(count)); });
    tree.add("MODE", [this](scpi::Call& c) { mode = static_cast<int>(c.choice(0, {"FIXed", "LIST", "STEP"})); },
             {.min_params = 1, .max_params = 1});
    tree.add("MODE?", [this](scpi::Call& c) {
      static constexpr std::array<const char*, 3> names{"FIX", "LIST", "STEP"};
      c.respond(names[static_cast<std::size_t>(mode)]);
    });
    tree.add("DISPlay:TEXT", [this](scpi::Call& c) { text = c.string(0); }, {.min_params = 1, .max_params = 1});
    tree.add("DISPlay:TEXT?", [this](scpi::Call& c) { c.respond(scpi::quoted(text)); });
    tree.add("DATA:UPLoad", [this](scpi::Call& c) { upload = c.block(0); }, {.min_params = 1, .max_params = 1});
    tree.add("DATA:UPLoad?", [this](scpi::Call& c) { c.respond(scpi::nr1(static_cast<long>(upload.size()))); });
    tree.add("DATA:ECHO?", [this](scpi::Call& c) { c.respond(scpi::definite_block(upload)); });
    tree.add("CHANnel:LIST?", [](scpi::Call& c) {
      std::string s;
      for (int ch : c.channels(0)) {
        if (!s.empty()) s += ',';
        s += std::to_string(ch);
      }
      c.respond(s);
    }, {.min_params = 1, .max_params = 1});
    tree.add("FAIL", [](scpi::Call&) { throw std::runtime_error("a handler bug"); });
  }

  // One program message in, its answer out (empty when it answers nothing).
  std::string send(std::string_view message) {
    session.feed(std::string(message) + "\n");
    return session.take_output();
  }
  // The next SYST:ERR? reply without its terminator.
  std::string next_error() {
    std::string r = send("SYST:ERR?");
    if (!r.empty() && r.back() == '\n') r.pop_back();
    return r;
  }
};

}  // namespace demo
