// The small demo instrument the server tests serve, and the line client they talk to it with.
#pragma once

#include <string>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "drivers/scpi/status.hpp"
#include "tests/common/line_client.hpp"

namespace server_test {

namespace scpi = spiceloop::scpi;
using namespace std::chrono_literals;
using Client = spiceloop::test::LineClient;
using spiceloop::test::drain_errors;

struct DemoInstrument {
  scpi::Status status;
  scpi::CommandTree tree;
  double volts = 0;

  DemoInstrument() {
    scpi::add_common_commands(tree, status, {"Spiceloop", "SERVER-DEMO", "0001", "0.1"},
                              {.reset = [this] { volts = 0; }});
    const scpi::NumberSpec v{.unit = "V", .min = 0, .max = 20, .def = 0};
    tree.add("[SOURce:]VOLTage[:LEVel]", [this, v](scpi::Call& c) { volts = c.number(0, v); },
             {.min_params = 1, .max_params = 1});
    tree.add("[SOURce:]VOLTage[:LEVel]?", [this](scpi::Call& c) { c.respond(scpi::nr3(volts)); });
  }
};

inline const std::string idn = "Spiceloop,SERVER-DEMO,0001,0.1";

}  // namespace server_test
