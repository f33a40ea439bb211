// NetworkClient against the real learning-network stand-in on the lab16_digipot bench (IdealSimulator),
// with the real source stand-in on the same bench driving the inputs, both served by one ServerGroup
// on 127.0.0.1 and serialised by one bench mutex, as `spiceloop serve` runs them. A second identical
// bench, driven directly through scpi::Sessions (no sockets), is the reference: clocks through the
// driver must change the edges exactly as the same commands do there.
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/client/network_client.hpp"
#include "drivers/client/scpi_text.hpp"
#include "drivers/client/source_client.hpp"
#include "drivers/scpi/session.hpp"
#include "drivers/server/server_group.hpp"
#include "drivers/standins/learning_network/learning_network.hpp"
#include "tests/client/helpers.hpp"
#include "tests/common/paths.hpp"

using namespace client_test;
using namespace spiceloop;
using namespace spiceloop::client;

namespace {

const std::vector<double> kInputs{0.7, 0.1 + 0.2, -1.3, 0.45};
const Channels kOutputs{1, 2, 3};

Channels all(int n) {
  Channels c;
  for (int k = 1; k <= n; ++k) c.push_back(k);
  return c;
}

// The served bench: a source and the learning network, one port each, one mutex.
struct NetworkLab {
  NetworkLab() : bench(load_bench_file(test::bench_file("lab16_digipot.json")), sim), source(bench), network(bench) {
    auto m = std::make_shared<std::mutex>();
    source_port = group.add(source.tree(), source.status(), m);
    network_port = group.add(network.tree(), network.status(), m);
    group.start();
  }
  std::string address(std::size_t index) const { return visa(group.port(index)); }
  std::mutex& mutex() { return group.mutex(0); }

  IdealSimulator sim;
  Bench bench;
  standins::Source source;
  standins::LearningNetwork network;
  server::ServerGroup group;  // declared last: stops before the instruments go
  std::size_t source_port = 0, network_port = 0;
};

// The same stand-ins on a second identical bench, driven in-process through scpi::Sessions.
struct Reference {
  Reference()
      : bench(load_bench_file(test::bench_file("lab16_digipot.json")), sim),
        source(bench),
        network(bench),
        source_session(source.tree(), source.status()),
        session(network.tree(), network.status()) {}

  static std::string ask(scpi::Session& s, const std::string& line) {
    s.feed(line + "\n");
    std::string out = s.take_output();
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string operator()(const std::string& line) { return ask(session, line); }
  std::vector<double> numbers(const std::string& query) {
    auto v = parse_numbers((*this)(query));
    REQUIRE(v);
    return *v;
  }
  void drive_inputs(const std::vector<double>& volts) {
    for (std::size_t i = 0; i < volts.size(); ++i)
      ask(source_session, "VOLT " + format_number(volts[i]) + ",(@" + std::to_string(i + 1) + ")");
    ask(source_session, "OUTP ON,(@1:" + std::to_string(volts.size()) + ")");
  }

  IdealSimulator sim;
  Bench bench;
  standins::Source source;
  standins::LearningNetwork network;
  scpi::Session source_session;
  scpi::Session session;
};

void drive_inputs(NetworkLab& lab, const std::vector<double>& volts) {
  SourceClient source(lab.address(lab.source_port));
  source.set_volts({1, 2, 3, 4}, volts);
  source.output({1, 2, 3, 4}, true);
}

}  // namespace

TEST_CASE("network client: settings round-trip exactly and land in the stand-in", "[socket]") {
  NetworkLab lab;
  NetworkClient net(lab.address(lab.network_port));
  CHECK(net.scpi().identify().rfind("spiceloop,LEARNING-NETWORK-emulated,", 0) == 0);
  CHECK(net.output_count() == 3);
  CHECK(net.edge_count() == 16);
  CHECK(net.node_count() == 9);

  CHECK(net.rule() == LearningRule::CL);
  for (LearningRule r : {LearningRule::EP, LearningRule::Sign, LearningRule::CL, LearningRule::Sign}) {
    net.set_rule(r);
    CHECK(net.rule() == r);
  }
  net.set_eta(0.1 + 0.2);
  net.set_beta(1.0 / 3.0 * 1e-4);
  net.set_rate(2.0 / 7.0);
  CHECK(net.eta() == 0.1 + 0.2);
  CHECK(net.beta() == 1.0 / 3.0 * 1e-4);
  CHECK(net.rate() == 2.0 / 7.0);

  net.set_targets(kOutputs, {0.25, -1.0 / 3.0, 0.25});
  CHECK(net.targets({3, 1, 2}) == std::vector<double>{0.25, 0.25, -1.0 / 3.0});
  net.set_target({2, 3}, 0.6);
  CHECK(net.targets(kOutputs) == std::vector<double>{0.25, 0.6, 0.6});
  {
    std::lock_guard lock(lab.mutex());
    const LearningClock& clock = lab.network.clock();
    CHECK(clock.rule() == RuleKind::CoupledLearning);
    CHECK(clock.update_mode() == UpdateMode::Sign);
    CHECK(clock.eta() == 0.1 + 0.2);
    CHECK(clock.beta() == 1.0 / 3.0 * 1e-4);
    CHECK(clock.alpha() == 2.0 / 7.0);
    CHECK(clock.targets() == std::vector<double>{0.25, 0.6, 0.6});
  }

  net.set_edge_codes({1, 2, 3}, {10, 100, 10});
  net.set_edge_code({16}, 127);
  CHECK(net.edge_codes({3, 2, 1, 16}) == std::vector<int>{10, 100, 10, 127});
  net.preset_edges();
  CHECK(net.edge_codes({1, 2, 16}) == std::vector<int>{49, 104, 115});
  {
    std::lock_guard lock(lab.mutex());  // never across a query: the server takes this mutex
    CHECK(lab.bench.network().edges[0].code == 49);
  }

  net.reset();  // *RST: rule and settings back to their defaults
  CHECK(net.rule() == LearningRule::CL);
  CHECK(net.eta() == 0.5);
  CHECK(net.targets(kOutputs) == std::vector<double>{0, 0, 0});
  CHECK(net.clock_count() == 0);
}

TEST_CASE("network client: clock(n) changes the edges exactly as the same commands on an in-process twin bench", "[socket]") {
  NetworkLab lab;
  Reference ref;
  NetworkClient net(lab.address(lab.network_port));
  drive_inputs(lab, kInputs);
  ref.drive_inputs(kInputs);

  const auto [rule, rule_text, cycles] = GENERATE(table<LearningRule, std::string, int>({
      {LearningRule::Sign, "SIGN", 5},
      {LearningRule::CL, "CL", 3},
      {LearningRule::EP, "EP", 3},
  }));
  CAPTURE(rule_text);
  const std::vector<double> targets{0.4, -0.2, 0.1};
  net.set_rule(rule);
  net.set_eta(0.75);
  net.set_beta(1e-4);
  net.set_rate(0.2);  // large enough that CL and EP move digipot taps
  net.set_targets(kOutputs, targets);
  ref("LEAR:RULE " + rule_text + ";:LEAR:ETA 0.75;:LEAR:BETA 1E-4;:LEAR:RATE 0.2");
  for (std::size_t o = 0; o < targets.size(); ++o)
    ref("LEAR:TARG " + format_number(targets[o]) + ",(@" + std::to_string(o + 1) + ")");

  const Channels edges = all(16);
  const auto before = net.edge_codes(edges);
  CHECK(net.cost() == ref.numbers("LEAR:COST?").at(0));

  net.clock(cycles);
  ref("LEAR:CLOC " + std::to_string(cycles));
  CHECK(ref("SYST:ERR?") == "+0,\"No error\"");

  const auto after = net.edge_codes(edges);
  CHECK(after != before);
  std::vector<int> ref_codes;
  for (double c : ref.numbers("EDGE:CODE? (@1:16)")) ref_codes.push_back(static_cast<int>(c));
  CHECK(after == ref_codes);
  CHECK(net.clock_count() == cycles);
  CHECK(net.edge_conductances(edges) == ref.bench.true_conductances());  // bit for bit
  CHECK(net.cost() == ref.numbers("LEAR:COST?").at(0));
  const Channels nodes = all(9);
  CHECK(net.node_volts(TwinCopy::Free, nodes) == ref.numbers("NODE:VOLT? FREE"));
  CHECK(net.node_volts(rule == LearningRule::EP ? TwinCopy::Nudged : TwinCopy::Clamped, nodes) ==
        ref.numbers("NODE:VOLT? CLAM"));

  // A second call continues from there, on both benches alike.
  net.clock();
  ref("LEAR:CLOC");
  CHECK(net.edge_conductances(edges) == ref.bench.true_conductances());
  CHECK(net.clock_count() == cycles + 1);
}

TEST_CASE("network client: conductances read back bit-exactly in REAL,64 whatever format was left", "[socket]") {
  NetworkLab lab;
  NetworkClient net(lab.address(lab.network_port));
  drive_inputs(lab, kInputs);
  // Digipot edges take their nearest tap, so what is read is the tap's conductance, every bit of it.
  net.set_edge_conductances({1, 2, 3}, {1.0 / 30e3, 1.0 / 70e3, 1.0 / 30e3});
  net.set_edge_conductance({4, 5}, 2e-5);
  ScpiClient other(lab.address(lab.network_port));
  other.write_checked("FORM:DATA ASC");  // another connection leaves the format at ASCII
  const auto k = net.edge_conductances(all(16));
  const auto v = net.node_volts(TwinCopy::Free, {9, 2, 3});
  std::lock_guard lock(lab.mutex());
  REQUIRE(k.size() == 16);
  for (std::size_t j = 0; j < k.size(); ++j) CHECK(k[j] == lab.bench.network().edges[j].siemens);
  CHECK(k[0] == k[2]);
  CHECK(k[3] == k[4]);
  const auto& truth = lab.network.clock().twin().free.node_volts;
  CHECK(v == std::vector<double>{truth[9], truth[2], truth[3]});
  CHECK(v[0] == 0.45);  // n9 is input 4
}

TEST_CASE("network client: instrument errors surface with their codes and change nothing", "[socket]") {
  NetworkLab lab;
  NetworkClient net(lab.address(lab.network_port));
  drive_inputs(lab, kInputs);
  try {
    net.set_eta(2);
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ClientErrorKind::Instrument);
    CHECK(e.code() == -222);
    CHECK(e.command() == "LEAR:ETA 2");
  }
  CHECK(net.eta() == 0.5);

  try {
    net.clock(0);  // *OPC? still answers 1; the queue holds the refusal
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.code() == -222);
  }
  CHECK(net.clock_count() == 0);

  try {
    net.set_edge_codes({1, 2}, {5, 128});  // 128 taps: codes 0..127
    FAIL("no error");
  } catch (const ClientError& e) {
    CHECK(e.code() == -222);
  }
  CHECK(net.edge_codes({1}) == std::vector<int>{5});  // the good unit of the message still ran

  net.set_checked(false);  // unchecked: no round trip, the error waits in the queue
  net.set_beta(5);
  net.clock(0);
  const auto errors = net.scpi().read_errors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].code == -222);
  CHECK(errors[1].code == -222);

  CHECK_THROWS_MATCHES(net.set_targets(kOutputs, {0.1, 0.2}), ClientError,
                       Catch::Matchers::Predicate<ClientError>([](const ClientError& e) { return e.kind() == ClientErrorKind::Argument; }));
  CHECK_THROWS_AS(net.edge_codes({}), ClientError);
}
