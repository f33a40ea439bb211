// Pulse generator on a memristive crossbar, SCPI side: the [SOURce:]PULSe subsystem of a pulse
// SMU (Keysight B2900 shape) with a switch matrix's channel list (drivers/standins/README.md,
// "Pulser"). A pulse's sign is its direction (+ potentiates, - depresses). What each call sends:
//   pulse({1,2,3}, {+3,-1,+3})     one message, channels that share a value grouped:
//                                  :PULS:AMPL 1,(@1,3);:PULS:AMPL -1,(@2);:PULS:COUN 3,(@1,3);
//                                  :PULS:COUN 1,(@2);:INIT (@1,2,3)     (0 counts left out; all 0: nothing)
//   set_amplitude({1,2}, -1.5)      PULS:AMPL -1.5,(@1,2)
//   set_count({1,2}, 4)             PULS:COUN 4,(@1,2)
//   fire({2,1})                     INIT (@2,1)
//   amplitudes({1,2}) / counts(..)  PULS:AMPL? (@1,2) / PULS:COUN? (@1,2)
// Settings are checked as in SourceClient (`;:SYST:ERR?` in the same message) while checked().
#pragma once

#include <string_view>
#include <vector>

#include "drivers/client/driver_support.hpp"
#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

class PulserClient {
 public:
  explicit PulserClient(ScpiClient client) : client_(std::move(client)) {}
  explicit PulserClient(std::string_view visa_address, ClientOptions options = {}) : client_(visa_address, options) {}

  ScpiClient& scpi() { return client_; }
  bool checked() const { return checked_; }
  void set_checked(bool checked) { checked_ = checked; }

  // counts[i] pulses (sign = direction) on channels[i], at amplitude +/-volts, in one message.
  void pulse(const Channels& channels, const std::vector<int>& counts, double volts = 1.0);
  void set_amplitude(const Channels& channels, double volts);
  void set_count(const Channels& channels, int count);
  void fire(const Channels& channels);
  std::vector<double> amplitudes(const Channels& channels);
  std::vector<int> counts(const Channels& channels);

 private:
  void send(const std::string& message);

  ScpiClient client_;
  bool checked_ = true;
};

}  // namespace spiceloop::client
