// The bench's clamp channels, SMU and realism knobs (emulator/bench/realism.hpp): every knob off
// gives the exact solve; each knob on does what it says, repeatably for a seed.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "emulator/bench/bench.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

Bench hil(Simulator& sim) { return Bench(load_bench_file(standins_test::bench_path("lab16_hil.json")), sim); }

void drive_inputs(Bench& bench, const std::vector<double>& volts) {
  for (int ch = 1; ch <= 4; ++ch) {
    bench.set_source_volts(ch, volts[static_cast<std::size_t>(ch - 1)]);
    bench.set_output(ch, true);
  }
}

}  // namespace

TEST_CASE("bench: clamp channels on the outputs give the clamped phase when all are on") {
  IdealSimulator sim, reference;
  Bench bench = hil(sim);
  const std::vector<double> in{1.0, -1.0, 1.0, -1.0}, clamp{0.1, -0.2, 0.3};
  drive_inputs(bench, in);
  CHECK(bench.drive().phase == Phase::Free);
  CHECK(bench.is_clamp_channel(5));
  CHECK(bench.source_current(5) == 0.0);  // OFF: the output floats, no current

  for (int ch = 5; ch <= 7; ++ch) bench.set_source_volts(ch, clamp[static_cast<std::size_t>(ch - 5)]);
  bench.set_output(5, true);
  CHECK_THROWS_AS(bench.truth(), InputError);  // partial clamp
  bench.set_output(6, true);
  bench.set_output(7, true);
  reference.load(bench.network());
  Drive d = standins_test::free_drive(in);
  d.phase = Phase::Clamped;
  d.clamp_volts = clamp;
  const State expected = reference.solve(d);
  for (int n = 0; n < bench.network().node_count(); ++n)
    CHECK_THAT(bench.measure_node_volts(n), WithinAbs(expected.node_volts[static_cast<std::size_t>(n)], 1e-12));
  for (int o = 0; o < 3; ++o) CHECK_THAT(bench.source_current(5 + o), WithinAbs(expected.output_amps[static_cast<std::size_t>(o)], 1e-15));
}

TEST_CASE("bench: a bench whose clamp channels miss an output is rejected") {
  nlohmann::json j = nlohmann::json::parse(R"({"spiceloop_bench": 1, "network": "../lab16.json",
    "source": [{"channel": 1, "node": "n1"}, {"channel": 2, "node": "n2"}]})");
  try {
    parse_bench(j, "b.json", test::bundled("benches"));
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "bench.partial_clamp");
  }
}

TEST_CASE("bench: the SMU drives its input and reads the current it delivers") {
  IdealSimulator sim, reference;
  nlohmann::json j = nlohmann::json::parse(R"({"spiceloop_bench": 1, "network": "../lab16.json",
    "source": [{"channel": 1, "node": "n1"}, {"channel": 2, "node": "n4"}], "smu": {"node": "n9"}})");
  Bench bench(parse_bench(j, "b.json", test::bundled("benches")), sim);
  REQUIRE(bench.has_smu());
  CHECK(bench.smu_node() == *bench.network().find_node("n9"));
  bench.set_smu_volts(0.8);
  bench.set_smu_output(true);
  reference.load(bench.network());
  Drive d;
  for (const Input& in : bench.network().inputs) d.input_volts.push_back(in.volts);
  d.input_volts[0] = d.input_volts[1] = 0.0;  // source channels OFF hold 0 V
  d.input_volts[3] = 0.8;
  CHECK_THAT(bench.smu_current(), WithinRel(reference.solve(d).source_amps[3], 1e-12));
  nlohmann::json twice = j;
  twice["smu"]["node"] = "n1";
  CHECK_THROWS_AS(parse_bench(twice, "b.json", test::bundled("benches")), InputError);
}

TEST_CASE("bench: voltage noise has the configured sigma and repeats for a seed") {
  IdealSimulator sim;
  Bench bench = hil(sim);
  drive_inputs(bench, {1.0, -1.0, 1.0, -1.0});
  const double exact = bench.measure_scanner_volts(102);
  Realism k;
  k.noise_volts = 1e-3;
  k.seed = 42;
  bench.set_realism(k);
  std::vector<double> a;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < 4000; ++i) {
    a.push_back(bench.measure_scanner_volts(102));
    sum += a.back() - exact;
    sum2 += (a.back() - exact) * (a.back() - exact);
  }
  const double mean = sum / 4000, sigma = std::sqrt(sum2 / 4000 - mean * mean);
  CHECK(std::abs(mean) < 5 * 1e-3 / std::sqrt(4000.0));
  CHECK_THAT(sigma, WithinRel(1e-3, 0.05));
  bench.reseed(42);
  for (int i = 0; i < 10; ++i) CHECK(bench.measure_scanner_volts(102) == a[static_cast<std::size_t>(i)]);
  CHECK(bench.truth().node_volts[2] - exact == 0.0);  // the truth is never perturbed
}

TEST_CASE("bench: quantisation and offset shape readings") {
  IdealSimulator sim;
  Bench bench = hil(sim);
  drive_inputs(bench, {1.0, -1.0, 1.0, -1.0});
  const double exact = bench.measure_scanner_volts(103);
  Realism k;
  k.lsb_volts = 1e-3;
  k.offset_volts = 2e-3;
  bench.set_realism(k);
  const double r = bench.measure_scanner_volts(103);
  CHECK_THAT(r, WithinAbs(std::round((exact + 2e-3) / 1e-3) * 1e-3, 1e-15));
  CHECK(std::abs(r / 1e-3 - std::round(r / 1e-3)) < 1e-9);
}

TEST_CASE("bench: digipot steps are exact with the knobs off and miss taps, repeatably, with them on") {
  IdealSimulator sim;
  Bench bench = hil(sim);
  const int start = bench.digipot_code(1);
  CHECK(bench.step_digipot(1, 5) == 5);
  CHECK(bench.digipot_code(1) == start + 5);
  CHECK(bench.step_digipot(1, -1000) == -(start + 5));  // clipped at code 0
  CHECK(bench.digipot_code(1) == 0);

  Realism k;
  k.digipot_miss_probability = 0.5;
  k.seed = 9;
  bench.set_realism(k);
  const int moved = bench.step_digipot(1, 100);
  CHECK(moved > 25);
  CHECK(moved < 75);
  bench.set_digipot_code(1, 0);
  bench.reseed(9);
  CHECK(bench.step_digipot(1, 100) == moved);
}

TEST_CASE("bench: digipot tolerance changes the true resistance, not the code") {
  IdealSimulator sim;
  Bench bench = hil(sim);
  const std::vector<double> nominal = bench.true_conductances();
  Realism k;
  k.digipot_tolerance = 0.2;
  bench.set_realism(k);
  const std::vector<double> drawn = bench.true_conductances();
  int differ = 0;
  for (std::size_t j = 0; j < nominal.size(); ++j) differ += drawn[j] != nominal[j];
  CHECK(differ == static_cast<int>(nominal.size()));
  CHECK(bench.network().conductances() == nominal);
  bench.set_realism(Realism{});
  CHECK(bench.true_conductances() == nominal);
}

TEST_CASE("bench: a realism knob out of range is rejected with its location") {
  nlohmann::json j = nlohmann::json::parse(R"({"spiceloop_bench": 1, "network": "../lab16.json",
    "source": [{"channel": 1, "node": "n1"}], "realism": {"noise_volts": -1}})");
  try {
    parse_bench(j, "b.json", test::bundled("benches"));
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "bench.out_of_range");
    CHECK(e.where() == "b.json#/realism/noise_volts");
  }
  j["realism"] = {{"noise_volt", 1e-3}};
  CHECK_THROWS_WITH(parse_bench(j, "b.json", test::bundled("benches")),
                    Catch::Matchers::Contains("noise_volts"));
}
