// Multiplexed DMM / data-acquisition unit, Keysight 34970A / DAQ970A dialect (channels 101..).
// Readings come back as REAL,64 blocks by default, which carry every bit of each double (ASCII NR3
// carries 9 digits); ScanFormat::Ascii asks for comma-separated NR3 instead, for gear without
// binary transfer. Since the data format is instrument state that other connections may change,
// every reading query sets it in the same message. What each call sends:
//   configure_volts_dc({101,102,103,110})   CONF:VOLT:DC (@101:103,110);:ROUT:SCAN (@101:103,110)
//   set_nplc({101}, 10)                      SENS:VOLT:DC:NPLC 10,(@101)
//   scan_size()                              ROUT:SCAN:SIZE?
//   scan_list()                              ROUT:SCAN?   (answered as a block: #214(@101,102,103))
//   read()          Real64: FORM:DATA REAL,64;:FORM:BORD NORM;:READ?     Ascii: FORM:DATA ASC;:READ?
//   initiate() / fetch()                     INIT / (format units);:FETC?   (INIT and ABOR are settings)
//   measure_volts({101,110})                 (format units);:MEAS:VOLT:DC? (@101,110)
//   abort()                                  ABOR
// Settings are checked as in SourceClient (`;:SYST:ERR?` in the same message) while checked().
#pragma once

#include <string_view>
#include <vector>

#include "drivers/client/driver_support.hpp"
#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

enum class ScanFormat { Real64, Ascii };

class ScannerClient {
 public:
  explicit ScannerClient(ScpiClient client, ScanFormat format = ScanFormat::Real64)
      : client_(std::move(client)), format_(format) {}
  explicit ScannerClient(std::string_view visa_address, ClientOptions options = {},
                         ScanFormat format = ScanFormat::Real64)
      : client_(visa_address, options), format_(format) {}

  ScpiClient& scpi() { return client_; }
  ScanFormat format() const { return format_; }
  void set_format(ScanFormat format) { format_ = format; }
  bool checked() const { return checked_; }
  void set_checked(bool checked) { checked_ = checked; }

  // DC volts on these channels, and the scan list set to them (in this order).
  void configure_volts_dc(const Channels& channels);
  void set_nplc(const Channels& channels, double nplc);
  int scan_size();
  std::vector<int> scan_list();
  std::vector<double> read();   // one reading per scan-list channel (times the trigger count)
  void initiate();
  std::vector<double> fetch();
  void abort();
  // Like the 34970A's MEAS?, this reconfigures: the scan list becomes `channels`.
  std::vector<double> measure_volts(const Channels& channels);

 private:
  void send(const std::string& message);
  std::vector<double> readings(const std::string& query);

  ScpiClient client_;
  ScanFormat format_;
  bool checked_ = true;
};

}  // namespace spiceloop::client
