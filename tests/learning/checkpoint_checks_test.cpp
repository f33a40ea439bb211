// A checkpoint is checked before it is trusted: a damaged or edited file (digest), and one edited
// with its digest recomputed (each field against the experiment), is refused with an InputError
// naming the field's JSON pointer, and the refused resume leaves the run as it was. Guards against
// the crashes a red-team pass found (an order index out of range: SIGSEGV; a batch beyond the data:
// SIGFPE) and against edits that silently changed the result.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/checkpoint_digest.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/files.hpp"
#include "tests/learning/run_helpers.hpp"

using namespace spiceloop;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// 80 steps per epoch; stopped at step 30, its checkpoint (step 25) is in the middle of an epoch,
// so it holds a sample order.
TrainConfig regression() { return testrun::short_regression(); }
// Digipots (128 taps) moved by quantised steps.
TrainConfig digipots() {
  return test::bundled_experiment("sign_rule.json", {{"epochs", 40},
                                                     {"checkpoint_every", 7},
                                                     {"rule", {{"twin", false}}},
                                                     {"alpha", 1e-6},
                                                     {"update", {{"mode", "quantised"}, {"sign_deadband", nullptr}}}});
}

TrainResult run(const TrainConfig& c, const fs::path& out, bool resume = false, std::int64_t max_steps = -1) {
  return testrun::train_ideal(c, out, resume, max_steps);
}

struct Edit {
  std::string name;
  std::function<void(json&)> apply;
  std::string id;
  std::string pointer;  // the location must end with it
};

// Applies each edit (digest recomputed) to a copy of the run's checkpoint, resumes, and expects
// the refusal; then checks that the run's files are untouched and that it still resumes.
void expect_refusals(const TrainConfig& c, std::int64_t stop_at, const std::vector<Edit>& edits) {
  const test::ScratchDir scratch("checkpoint_checks");
  const fs::path out = scratch.dir / "run";
  run(c, out, false, stop_at);
  const fs::path file = out / "checkpoint.json";
  const std::string original = test::read_text(file), metrics = test::read_text(out / "metrics.jsonl");
  for (const Edit& e : edits) {
    INFO(e.name);
    json j = json::parse(original);
    e.apply(j);
    test::redigest(j);
    std::ofstream(file) << j.dump(1);
    try {
      run(c, out, true);
      FAIL("resumed from an edited checkpoint");
    } catch (const InputError& err) {
      INFO(err.what());
      CHECK(err.id() == e.id);
      CHECK_THAT(err.where(), Catch::Matchers::EndsWith(e.pointer));
    }
    CHECK(test::read_text(out / "metrics.jsonl") == metrics);
  }
  std::ofstream(file) << original;
  CHECK(run(c, out, true).completed);
}

}  // namespace

TEST_CASE("checkpoint checks: each field edited out of its range is refused, naming its JSON pointer",
          "[checkpoint]") {
  const auto set = [](const std::string& pointer, json value) {
    return [pointer, value](json& j) { j[json::json_pointer(pointer)] = value; };
  };
  const std::vector<Edit> edits = {
      {"order index beyond the data (was SIGSEGV)", set("/order/3", 1000), "checkpoint.invalid", "#/order/3"},
      {"negative order index", set("/order/3", -1), "checkpoint.invalid", "#/order/3"},
      {"duplicate order entry", [](json& j) { j["order"][5] = j["order"][2]; }, "checkpoint.invalid", "#/order/5"},
      {"order one short", [](json& j) { j["order"].erase(j["order"].size() - 1); }, "checkpoint.invalid", "#/order"},
      {"batch beyond the data (was SIGFPE)", set("/batch", 1000), "checkpoint.invalid", "#/batch"},
      {"negative batch", set("/batch", -1), "checkpoint.invalid", "#/batch"},
      {"absurd epoch", set("/epoch", 1000000), "checkpoint.invalid", "#/epoch"},
      {"step not epoch x batches + batch", set("/step", 26), "checkpoint.invalid", "#/step"},
      {"complete in the middle", set("/complete", true), "checkpoint.invalid", "#/complete"},
      {"zero conductance", set("/siemens/3", "0x0p+0"), "checkpoint.invalid", "#/siemens/3"},
      {"negative conductance", set("/siemens/3", "-0x1p-10"), "checkpoint.invalid", "#/siemens/3"},
      {"conductance beyond its bound", set("/siemens/3", "0x1p+10"), "checkpoint.invalid", "#/siemens/3"},
      {"infinite conductance", set("/siemens/3", "0xinf"), "checkpoint.number", "#/siemens/3"},
      {"NaN conductance", set("/siemens/3", "0xnan"), "checkpoint.number", "#/siemens/3"},
      {"one conductance too many", [](json& j) { j["siemens"].push_back("0x1p-10"); }, "checkpoint.invalid", "#/siemens"},
      {"code on a resistor", set("/codes/0", 5), "checkpoint.invalid", "#/codes/0"},
      {"negative initial loss", set("/initial/train_loss", "-0x1p+0"), "checkpoint.invalid", "#/initial/train_loss"},
      {"accuracy above 1", set("/initial/test_accuracy", "0x1p+1"), "checkpoint.invalid", "#/initial/test_accuracy"},
      {"no metrics header", set("/metrics_offset", 0), "checkpoint.invalid", "#/metrics_offset"},
      {"metrics beyond the file", set("/metrics_offset", 1u << 30), "checkpoint.metrics", "metrics.jsonl"},
      {"other convention", set("/convention", "half"), "checkpoint.mismatch", "#/convention"},
      {"malformed random state", set("/rng", "not numbers"), "checkpoint.rng", "#/rng"},
      {"unknown field", set("/extra", 1), "checkpoint.format", "#/extra"},
  };
  expect_refusals(regression(), 30, edits);
}

TEST_CASE("checkpoint checks: a digipot must sit on a code its bounds allow, at that code's conductance",
          "[checkpoint]") {
  const TrainConfig c = digipots();
  // Edge 0 of lab16_digipot is a trainable 128-tap digipot.
  const std::vector<Edit> edits = {
      {"code beyond the taps", [](json& j) { j["codes"][0] = 128; }, "checkpoint.invalid", "#/codes/0"},
      {"conductance of another code", [](json& j) { j["siemens"][0] = hex_double(1e-4); }, "checkpoint.invalid",
       "#/siemens/0"},
  };
  expect_refusals(c, 10, edits);
}

TEST_CASE("checkpoint checks: an edited or damaged checkpoint fails its digest", "[checkpoint]") {
  const test::ScratchDir scratch("checkpoint_digest");
  const fs::path out = scratch.dir;
  run(regression(), out, false, 30);
  const fs::path file = out / "checkpoint.json";
  json j = test::read_json(file);
  // A valid conductance, one ulp away: only the digest can tell.
  j["siemens"][2] = hex_double(std::nextafter(parse_hex_double(j["siemens"][2], ""), 1.0));
  std::ofstream(file) << j.dump(1);
  try {
    run(regression(), out, true);
    FAIL("resumed from an edited checkpoint");
  } catch (const InputError& e) {
    CHECK(e.id() == "checkpoint.digest");
    CHECK_THAT(e.where(), Catch::Matchers::EndsWith("checkpoint.json#/digest"));
  }
}

TEST_CASE("checkpoint checks: a metrics file edited before the checkpoint's offset is refused", "[checkpoint]") {
  const test::ScratchDir scratch("checkpoint_metrics");
  const fs::path out = scratch.dir;
  run(regression(), out, false, 30);
  std::string metrics = test::read_text(out / "metrics.jsonl");
  metrics[metrics.find("\"loss\":") + 8] ^= 1;  // one digit of the first step's loss
  std::ofstream(out / "metrics.jsonl", std::ios::binary) << metrics;
  try {
    run(regression(), out, true);
    FAIL("resumed into an edited metrics file");
  } catch (const InputError& e) {
    CHECK(e.id() == "checkpoint.metrics");
  }
  CHECK(test::read_text(out / "metrics.jsonl") == metrics);  // nothing cut
}

TEST_CASE("checkpoint checks: a v1 checkpoint of an earlier spiceloop is refused with what to do", "[checkpoint]") {
  const test::ScratchDir scratch("checkpoint_v1");
  const fs::path out = scratch.dir;
  run(regression(), out, false, 30);
  json j = test::read_json(out / "checkpoint.json");
  j["format"] = "spiceloop.checkpoint.v1";
  j.erase("digest");
  j.erase("metrics_digest");
  std::ofstream(out / "checkpoint.json") << j.dump(1);
  try {
    run(regression(), out, true);
    FAIL("resumed from a v1 checkpoint");
  } catch (const InputError& e) {
    CHECK(e.id() == "checkpoint.format");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("--overwrite"));
  }
}

TEST_CASE("train: a fresh run into a directory holding a run is refused, and nothing there is touched",
          "[checkpoint]") {
  const TrainConfig c = regression();
  const test::ScratchDir scratch("train_existing");
  const fs::path out = scratch.dir / "run";
  run(c, out, false, 30);  // a killed run: its checkpoint is the only way back
  const std::string checkpoint = test::read_text(out / "checkpoint.json"),
                    metrics = test::read_text(out / "metrics.jsonl");
  try {
    run(c, out);
    FAIL("trained over a killed run");
  } catch (const InputError& e) {
    CHECK(e.id() == "train.existing_run");
    CHECK_THAT(e.message(), Catch::Matchers::Contains("--resume") && Catch::Matchers::Contains("--overwrite"));
  }
  CHECK(test::read_text(out / "checkpoint.json") == checkpoint);
  CHECK(test::read_text(out / "metrics.jsonl") == metrics);

  // --overwrite replaces it: the result is that of a run into an empty directory.
  IdealSimulator sim(c.tolerances);
  TrainRunOptions o = testrun::quiet(out);
  o.overwrite = true;
  CHECK(run_training(c, sim, o).completed);
  const fs::path clean = scratch.dir / "clean";
  run(c, clean);
  CHECK(test::read_text(out / "network.json") == test::read_text(clean / "network.json"));
  CHECK(testrun::metrics_without_timing(out) == testrun::metrics_without_timing(clean));
}
