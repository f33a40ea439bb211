// The self-learning network (the twin free/clamped networks of the lab papers), SCPI side: the
// commands of the learning-network stand-in (drivers/standins/README.md, "Learning network").
// Outputs 1..n, edges 1..E and nodes 1..N (non-ground) are numbered in the network file's order.
// What each call sends (x formatted with 17 significant digits):
//   set_rule(LearningRule::EP)             LEAR:RULE EP                rule(): LEAR:RULE?
//   set_eta(x) / set_beta(x) / set_rate(x) LEAR:ETA x / LEAR:BETA x / LEAR:RATE x   (and ? for each)
//   set_target({1,2,3}, x)                 LEAR:TARG x,(@1:3)
//   set_targets({1,2,3}, {a,b,a})          :LEAR:TARG a,(@1,3);:LEAR:TARG b,(@2)   one message
//   targets({3,1})                         LEAR:TARG? (@3,1)
//   clock(n)                               LEAR:CLOC n;*OPC?   (answers 1 once the n cycles ran)
//   clock_count() / cost()                 LEAR:CLOC:COUN? / LEAR:COST?
//   set_edge_code({1,2}, k)                EDGE:CODE k,(@1,2)          set_edge_codes: one unit per code
//   edge_codes({2,1})                      EDGE:CODE? (@2,1)
//   set_edge_conductance({1}, x)           EDGE:COND x,(@1)            set_edge_conductances: one unit per value
//   edge_conductances({1,2})               FORM:DATA REAL,64;:FORM:BORD NORM;:EDGE:COND? (@1,2)
//   node_volts(TwinCopy::Free, {1,2})      FORM:DATA REAL,64;:FORM:BORD NORM;:NODE:VOLT? FREE,(@1,2)
//   preset_edges()                         EDGE:PRES
//   output_count() / edge_count() / node_count()   LEAR:TARG:COUN? / EDGE:COUN? / NODE:COUN?
//   reset()                                *RST   (rule CL, default eta/beta/rate, targets 0 V; edges kept)
// Conductances and node volts come back as REAL,64 blocks, every bit of each double; the data
// format is instrument state another connection may change, so each of those queries sets it.
// Settings are checked as in SourceClient (`;:SYST:ERR?` in the same message) while checked();
// clock(n) waits for `*OPC?` and then, while checked(), drains the error queue (a refused or
// failed clock answers 1 too). A clock runs inside the command: give long runs a timeout to match.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "drivers/client/driver_support.hpp"
#include "drivers/client/scpi_client.hpp"

namespace spiceloop::client {

// LEARn:RULE CL|EP|SIGN: coupled learning, equilibrium propagation, the lab's one-tap sign rule.
enum class LearningRule { CL, EP, Sign };
// NODE:VOLTage? FREE|CLAMped|NUDGed: the free copy, or the second copy (clamped for CL and SIGN,
// nudged for EP; the instrument answers the same copy for both).
enum class TwinCopy { Free, Clamped, Nudged };

class NetworkClient {
 public:
  explicit NetworkClient(ScpiClient client) : client_(std::move(client)) {}
  explicit NetworkClient(std::string_view visa_address, ClientOptions options = {})
      : client_(visa_address, options) {}

  ScpiClient& scpi() { return client_; }
  bool checked() const { return checked_; }
  void set_checked(bool checked) { checked_ = checked; }

  void set_rule(LearningRule rule);
  LearningRule rule();
  void set_eta(double eta);           // CL/SIGN clamp factor, 0 < eta <= 1
  double eta();
  void set_beta(double siemens);      // EP nudge, 0 < beta <= 1 S
  double beta();
  void set_rate(double alpha);        // learning rate, 0..1
  double rate();

  void set_target(const Channels& outputs, double volts);
  void set_targets(const Channels& outputs, const std::vector<double>& volts);  // one per output
  std::vector<double> targets(const Channels& outputs);

  void clock(int cycles = 1);
  std::int64_t clock_count();
  double cost();  // sum over outputs of (V_F - T)^2 / 2 at the present state

  void set_edge_code(const Channels& edges, int code);
  void set_edge_codes(const Channels& edges, const std::vector<int>& codes);  // one per edge
  std::vector<int> edge_codes(const Channels& edges);
  void set_edge_conductance(const Channels& edges, double siemens);
  void set_edge_conductances(const Channels& edges, const std::vector<double>& siemens);  // one per edge
  std::vector<double> edge_conductances(const Channels& edges);
  void preset_edges();

  std::vector<double> node_volts(TwinCopy copy, const Channels& nodes);

  int output_count();
  int edge_count();
  int node_count();
  void reset();

 private:
  void send(const std::string& message);
  double number(const std::string& query);
  int integer(const std::string& query);
  std::vector<double> readings(const std::string& query, std::size_t count);

  ScpiClient client_;
  bool checked_ = true;
};

}  // namespace spiceloop::client
