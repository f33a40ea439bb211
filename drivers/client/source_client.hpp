// Multi-channel DC source, Keysight N6700 channel-list dialect (the source stand-in speaks it).
// Volts and amperes; channel lists go out compact and answers come back in the order asked.
// What each call sends (x formatted with 17 significant digits):
//   set_volts({1,2,3}, x)          VOLT x,(@1:3)
//   set_volts({1,2,3}, {a,b,a})    :VOLT a,(@1,3);:VOLT b,(@2)        one message
//   volts({1,2})                   VOLT? (@1,2)
//   set_current_limit({1}, x)      CURR x,(@1)                 current_limits: CURR? (@1)
//   output({1,2}, true)            OUTP ON,(@1,2)              outputs: OUTP? (@1,2)
//   measure_volts({1,2})           MEAS:VOLT? (@1,2)           measure_amps: MEAS:CURR? (@1,2)
//   channel_count()                SYST:CHAN?                  reset(): *RST
// While checked() (the default) every setting is sent as `<units>;:SYST:ERR?` and a refused one
// throws ClientError(Instrument) with the instrument's code; unchecked settings cost no round trip.
#pragma once

#include <string_view>
#include <vector>

#include "drivers/client/driver_support.hpp"
#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

class SourceClient {
 public:
  explicit SourceClient(ScpiClient client) : client_(std::move(client)) {}
  explicit SourceClient(std::string_view visa_address, ClientOptions options = {})
      : client_(visa_address, options) {}

  ScpiClient& scpi() { return client_; }
  bool checked() const { return checked_; }
  void set_checked(bool checked) { checked_ = checked; }

  void set_volts(const Channels& channels, double volts);
  void set_volts(const Channels& channels, const std::vector<double>& volts);  // one per channel
  std::vector<double> volts(const Channels& channels);                        // the setpoints
  void set_current_limit(const Channels& channels, double amps);
  std::vector<double> current_limits(const Channels& channels);
  void output(const Channels& channels, bool on);
  std::vector<bool> outputs(const Channels& channels);
  std::vector<double> measure_volts(const Channels& channels);
  std::vector<double> measure_amps(const Channels& channels);  // into the load, as the N6700 reports
  int channel_count();
  void reset();

 private:
  void send(const std::string& message);
  std::vector<double> numbers(const std::string& query, std::size_t count);

  ScpiClient client_;
  bool checked_ = true;
};

}  // namespace spiceloop::client
