// Bank of digital potentiometers behind a microcontroller, SCPI side (INSTRUMENTS.md, "Digipot
// bank"). Codes are integers 0..taps; resistance in ohms (R = R_AB * code / N + R_wiper on the
// real parts, with their tolerance). What each call sends:
//   set_code({1,2,3}, 128)             DPOT:CODE 128,(@1:3)
//   set_codes({1,2,3}, {10,20,10})     :DPOT:CODE 10,(@1,3);:DPOT:CODE 20,(@2)     one message
//   codes({3,1})                       DPOT:CODE? (@3,1)
//   step(2, +5) / step({2,4}, -3)      DPOT:STEP UP,5,(@2) / DPOT:STEP DOWN,3,(@2,4)   (0: nothing)
//   resistance_ohms({1,2})             DPOT:RES? (@1,2)
// The line protocol (`SET ch code`, ...) the boards also speak is not spoken here.
// Settings are checked as in SourceClient (`;:SYST:ERR?` in the same message) while checked().
#pragma once

#include <string_view>
#include <vector>

#include "drivers/client/driver_support.hpp"
#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

class DigipotClient {
 public:
  explicit DigipotClient(ScpiClient client) : client_(std::move(client)) {}
  explicit DigipotClient(std::string_view visa_address, ClientOptions options = {})
      : client_(visa_address, options) {}

  ScpiClient& scpi() { return client_; }
  bool checked() const { return checked_; }
  void set_checked(bool checked) { checked_ = checked; }

  void set_code(const Channels& channels, int code);
  void set_codes(const Channels& channels, const std::vector<int>& codes);  // one per channel
  std::vector<int> codes(const Channels& channels);
  void step(int channel, int steps) { step(Channels{channel}, steps); }  // + up, - down
  void step(const Channels& channels, int steps);
  std::vector<double> resistance_ohms(const Channels& channels);

 private:
  void send(const std::string& message);

  ScpiClient client_;
  bool checked_ = true;
};

}  // namespace spiceloop::client
