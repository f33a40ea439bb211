// The digits task: the shipped data (netlists/digits.csv, checks of digits.md), the stratified
// seeded split, the pixel encoding, bad files and networks, a short training that must beat chance
// by far, and the trained crossbar read the same by ngspice as by the ideal backend.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include "emulator/core/error.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/learning/tasks/task.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"
#include "tests/common/paths.hpp"
#include "tests/learning/run_helpers.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

std::array<int, 10> class_counts(const std::vector<Sample>& samples) {
  std::array<int, 10> n{};
  for (const Sample& s : samples) ++n[static_cast<std::size_t>(s.label)];
  return n;
}

TaskSpec digits_spec(const std::filesystem::path& data, int train = 1437) {
  TaskSpec s;
  s.kind = TaskKind::Digits;
  s.data_path = data;
  s.train_samples = train;
  s.target_low_volts = 0.2;
  s.target_high_volts = 0.6;
  return s;
}

Network crossbar(int rows, int columns) {
  CrossbarOptions o;
  o.rows = rows;
  o.columns = columns;
  return make_crossbar(o);
}

// The InputError make_dataset throws for spec on net.
InputError dataset_error(const TaskSpec& spec, const Network& net) {
  try {
    make_dataset(spec, net, 1);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError");
  throw std::logic_error("unreachable");
}

// A copy of the shipped file with line `line` (1-based) replaced.
std::filesystem::path with_line(const std::filesystem::path& dir, int line, const std::string& text) {
  std::ifstream in(test::bundled("digits.csv"));
  const std::filesystem::path out = dir / "digits.csv";
  std::ofstream o(out);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n) o << (n == line ? text : l) << "\n";
  return out;
}

}  // namespace

TEST_CASE("digits: the shipped file holds 1,797 images of 64 pixel counts 0..16 with scikit-learn's class counts",
          "[digits]") {
  const auto rows = tasks::read_digits_csv(test::bundled("digits.csv"));
  REQUIRE(rows.size() == 1797);
  std::array<int, 10> counts{};
  for (const auto& r : rows) {
    ++counts[static_cast<std::size_t>(r.label)];
    CHECK(*std::max_element(r.pixels.begin(), r.pixels.end()) <= 16);
  }
  CHECK(counts == std::array<int, 10>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180});
  const std::array<int, 16> first{0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0};
  CHECK(std::equal(first.begin(), first.end(), rows[0].pixels.begin()));
  CHECK(rows[0].label == 0);
  CHECK(rows.back().label == 8);
}

TEST_CASE("digits: the split is stratified by class, seeded, and leaves the rest for the test", "[digits]") {
  const Network net = crossbar(128, 10);
  const TaskSpec spec = digits_spec(test::bundled("digits.csv"));
  const Dataset a = make_dataset(spec, net, 1), b = make_dataset(spec, net, 1), c = make_dataset(spec, net, 2);
  REQUIRE(a.train.size() == 1437);
  REQUIRE(a.test.size() == 360);
  CHECK(a.readout == Readout::Argmax);
  // Each class in proportion to its size: floor(1437 n_c / 1797) or one more.
  const std::array<int, 10> all{178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
  const auto train = class_counts(a.train), test = class_counts(a.test);
  for (std::size_t k = 0; k < 10; ++k) {
    INFO("class " << k);
    CHECK(train[k] + test[k] == all[k]);
    CHECK(train[k] >= 1437 * all[k] / 1797);
    CHECK(train[k] <= 1437 * all[k] / 1797 + 1);
  }
  const auto same = [](const std::vector<Sample>& x, const std::vector<Sample>& y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](const Sample& p, const Sample& q) {
             return p.input_volts == q.input_volts && p.label == q.label;
           });
  };
  CHECK(same(a.train, b.train));
  CHECK(same(a.test, b.test));
  CHECK_FALSE(same(a.test, c.test));
  CHECK(class_counts(c.test) == test);  // another draw of the same quotas
}

TEST_CASE("digits: a pixel count c drives c/16 of the input range, its complement the mirror, targets one-hot",
          "[digits]") {
  const auto rows = tasks::read_digits_csv(test::bundled("digits.csv"));
  Network net = crossbar(129, 10);  // one row more than the task drives: it keeps its own volts
  net.inputs.back().volts = 0.7;
  TaskSpec spec = digits_spec(test::bundled("digits.csv"));
  spec.input_lo_volts = -0.5;
  spec.input_hi_volts = 1.5;
  const Dataset d = make_dataset(spec, net, 3);
  // The file's first row (class 0) is among the samples, driven as pixel / 16 of [-0.5, 1.5] V on
  // inputs 0-63 and mirrored on 64-127.
  std::vector<double> expected(129, 0.7);
  for (std::size_t p = 0; p < 64; ++p) {
    const double u = rows[0].pixels[p] / 16.0;
    expected[p] = -0.5 + 2.0 * u;
    expected[64 + p] = 1.5 - 2.0 * u;
  }
  int found = 0;
  const Sample* s = nullptr;
  for (const auto* set : {&d.train, &d.test})
    for (const Sample& x : *set) {
      bool same = x.input_volts.size() == expected.size();
      for (std::size_t i = 0; same && i < expected.size(); ++i) same = std::abs(x.input_volts[i] - expected[i]) < 1e-15;
      if (same) ++found, s = &x;
    }
  REQUIRE(found == 1);
  CHECK(s->label == 0);
  CHECK(s->input_volts[128] == 0.7);
  CHECK(s->targets == std::vector<double>{0.6, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2});

  spec.complementary = false;  // plain: 64 inputs are enough
  const Dataset plain = make_dataset(spec, crossbar(64, 10), 3);
  CHECK(plain.train.size() == 1437);
  CHECK(plain.train[0].input_volts.size() == 64);
}

TEST_CASE("digits: a missing file, a malformed row or a network that does not fit is an InputError saying where",
          "[digits]") {
  const test::ScratchDir scratch("digits_errors");
  const Network net = crossbar(128, 10);
  SECTION("missing file") {
    TaskSpec spec = digits_spec(scratch.dir / "nope.csv");
    spec.data_where = "exp.json#/task/data";
    const InputError e = dataset_error(spec, net);
    CHECK(e.id() == "config.missing_file");
    CHECK(e.where() == "exp.json#/task/data");
  }
  const auto row_error = [&](int line, const std::string& text) {
    const InputError e = dataset_error(digits_spec(with_line(scratch.dir, line, text)), net);
    CHECK(e.id() == "task.data");
    CHECK(e.where() == (scratch.dir / "digits.csv").string() + ":" + std::to_string(line));
    return std::string(e.what());
  };
  const std::string zeros63 = [] {
    std::string s;
    for (int i = 0; i < 63; ++i) s += "0,";
    return s;
  }();
  SECTION("a row of 64 cells") { CHECK_THAT(row_error(5, zeros63 + "0"), Contains("65 comma-separated integers") && Contains("64")); }
  SECTION("a pixel count of 17") { CHECK_THAT(row_error(17, "17," + zeros63 + "3"), Contains("pixel 1 is '17'")); }
  SECTION("a pixel that is not an integer") { CHECK_THAT(row_error(2, zeros63 + "2.5,1"), Contains("pixel 64 is '2.5'")); }
  SECTION("a class of 10") { CHECK_THAT(row_error(1797, zeros63 + "0,10"), Contains("the class is '10'")); }
  SECTION("an empty cell") { CHECK_THAT(row_error(9, "," + zeros63 + "1"), Contains("pixel 1 is ''")); }
  SECTION("too few inputs for the complementary pairs") {
    const InputError e = dataset_error(digits_spec(test::bundled("digits.csv")), crossbar(127, 10));
    CHECK(e.id() == "task.network");
    CHECK(e.where() == "/task/encoding");
    CHECK_THAT(std::string(e.what()), Contains("at least 128 inputs"));
  }
  SECTION("not ten outputs") {
    const InputError e = dataset_error(digits_spec(test::bundled("digits.csv")), crossbar(128, 9));
    CHECK(e.id() == "task.network");
    CHECK_THAT(std::string(e.what()), Contains("exactly ten outputs"));
  }
  SECTION("no test rows left") {
    const InputError e = dataset_error(digits_spec(test::bundled("digits.csv"), 1797), net);
    CHECK(e.id() == "config.train_samples");
  }
  SECTION("an unknown key in the experiment's task") {
    nlohmann::json doc = test::read_json(test::experiment_file("digits.json"));
    doc["task"]["readout"] = "nearest";
    CHECK_THROWS_AS(parse_train_config(doc, test::source_dir() / "netlists/experiments", "digits.json"), InputError);
  }
}

TEST_CASE("digits: one epoch of the bundled experiment lifts test accuracy from chance to above 75 %",
          "[digits][training]") {
  const TrainConfig c = test::bundled_experiment("digits.json", {{"epochs", 1}});
  IdealSimulator sim(c.tolerances);
  const test::ScratchDir scratch("digits_training");
  const TrainResult r = run_training(c, sim, testrun::quiet(scratch.dir));
  REQUIRE(r.completed);
  CHECK(r.initial.test_accuracy < 0.3);
  CHECK(r.final.test_accuracy > 0.75);
  CHECK(r.final.train_loss < r.initial.train_loss);
}

TEST_CASE("digits: the bundled run passes 90 % test accuracy, and ngspice reads the trained crossbar alike, to 1e-6 V",
          "[digits][ngspice]") {
  const TrainConfig c = test::bundled_experiment("digits.json");
  IdealSimulator ideal(c.tolerances);
  Trainer t(c, resolve_network(c), ideal);
  while (!t.done()) t.step();
  const EvalRecord e = t.evaluate();
  CHECK(e.test_accuracy >= 0.9);
  const Network& trained = t.network();
  NgspiceSimulator ng(c.tolerances);
  IdealSimulator exact(c.tolerances);
  ng.load(trained);
  exact.load(trained);
  const Dataset& d = t.dataset();
  std::vector<Drive> drives(d.test.size());
  for (std::size_t i = 0; i < d.test.size(); ++i) drives[i].input_volts = d.test[i].input_volts;
  const std::vector<State> a = ng.solve_batch(drives), b = exact.solve_batch(drives);
  int differ = 0, correct = 0;
  double worst = 0.0;
  for (std::size_t i = 0; i < d.test.size(); ++i) {
    for (std::size_t o : trained.outputs) worst = std::max(worst, std::abs(a[i].node_volts[o] - b[i].node_volts[o]));
    const bool ca = sample_correct(d, trained, a[i], d.test[i]);
    differ += ca != sample_correct(d, trained, b[i], d.test[i]);
    correct += ca;
  }
  CHECK(worst < 1e-6);
  CHECK(differ == 0);
  CHECK(static_cast<double>(correct) / static_cast<double>(d.test.size()) == e.test_accuracy);
}

TEST_CASE("iris: a measurement of nan or inf is refused at its line, not read as a number", "[digits][iris]") {
  const test::ScratchDir scratch("iris_nan");
  for (const std::string bad : {"nan", "inf", "-inf"}) {
    const std::filesystem::path file = scratch.dir / "iris.csv";
    std::ofstream(file) << "h1,h2,h3,h4,species\n5.1,3.5,1.4,0.2,setosa\n" << bad << ",3.0,1.4,0.2,setosa\n";
    try {
      tasks::read_iris_csv(file);
      FAIL("accepted " << bad);
    } catch (const InputError& e) {
      CHECK(e.id() == "task.data");
      CHECK(e.where() == file.string() + ":3");
      CHECK_THAT(std::string(e.what()), Contains("is not a finite number"));
    }
  }
}
