// Experiment validation: every bad parameter is an InputError with an id and the JSON pointer of
// the offending value, raised by parsing, before any network is loaded or solved.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "emulator/core/error.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/networks.hpp"
#include "tests/common/paths.hpp"
#include "tests/learning/experiment_docs.hpp"

using namespace spiceloop;
using nlohmann::json;

namespace {

json valid() {
  return {{"network", "../lab16.json"},
          {"task", {{"kind", "iris"}, {"data", "../iris.csv"}, {"train_samples", 30}}},
          {"rule", {{"kind", "cl"}, {"eta", 0.5}}},
          {"alpha", 1e-3},
          {"epochs", 3},
          {"batch_size", 10},
          {"seed", 1}};
}

// The error a document raises: id and where, for exact assertions.
std::pair<std::string, std::string> error_of(const json& doc) {
  try {
    parse_train_config(doc, ".", "exp.json");
  } catch (const InputError& e) {
    return {e.id(), e.where()};
  }
  return {"none", ""};
}

}  // namespace

TEST_CASE("config: a valid experiment parses with its values", "[config]") {
  const TrainConfig c = parse_train_config(valid(), "/x/netlists/experiments", "exp.json");
  CHECK(c.alpha == 1e-3);
  CHECK(c.rule.kind == RuleKind::CoupledLearning);
  CHECK(c.rule.nudge == 0.5);
  CHECK(c.rule.convention == FactorConvention::Code);
  CHECK(c.epochs == 3);
  CHECK(c.batch_size == 10);
  CHECK(c.task.train_samples == 30);
  CHECK(c.network.kind == NetworkSource::Kind::File);
  CHECK(c.network.file == std::filesystem::path("/x/netlists/experiments/../lab16.json"));
  CHECK(c.task.data_path == std::filesystem::path("/x/netlists/experiments/../iris.csv"));
}

TEST_CASE("config: alpha of zero or below is refused", "[config]") {
  json d = valid();
  d["alpha"] = 0.0;
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/alpha"});
  d["alpha"] = -1e-3;
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/alpha"});
}

TEST_CASE("config: alpha NaN is refused", "[config]") {
  json d = valid();
  d["alpha"] = std::numeric_limits<double>::quiet_NaN();
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/alpha"});
}

TEST_CASE("config: eta at or below 0 or above 1 is refused", "[config]") {
  for (double eta : {0.0, -0.1, 1.5}) {
    json d = valid();
    d["rule"]["eta"] = eta;
    CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/rule/eta"});
  }
  json ok = valid();
  ok["rule"]["eta"] = 1.0;
  CHECK(error_of(ok).first == "none");
}

TEST_CASE("config: beta of zero or below is refused", "[config]") {
  for (const char* kind : {"ep", "ep_centered"}) {
    json d = valid();
    d["rule"] = {{"kind", kind}, {"beta", 0.0}};
    CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/rule/beta"});
  }
}

TEST_CASE("config: zero epochs is refused", "[config]") {
  json d = valid();
  d["epochs"] = 0;
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/epochs"});
}

TEST_CASE("config: a batch larger than the training set is refused", "[config]") {
  json d = valid();
  d["batch_size"] = 31;
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/batch_size"});
  try {
    parse_train_config(d, ".", "exp.json");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "[spiceloop.config.invalid] exp.json#/batch_size: batch_size 31 is larger than the training set (30 samples)");
  }
}

TEST_CASE("config: an unknown key is refused with the closest known key", "[config]") {
  json d = valid();
  d["epoch"] = 3;
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.unknown_key", "exp.json#/epoch"});
  try {
    parse_train_config(d, ".", "exp.json");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::StartsWith("[spiceloop.config.unknown_key] exp.json#/epoch: \"epoch\" is not a "
                                                     "key of an experiment; did you mean \"epochs\"?"));
  }
}

TEST_CASE("config: an unknown key inside the rule is refused at its pointer", "[config]") {
  json d = valid();
  d["rule"]["beta"] = 1e-3;  // CL takes eta, not beta
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.unknown_key", "exp.json#/rule/beta"});
}

TEST_CASE("config: a missing alpha is refused", "[config]") {
  json d = valid();
  d.erase("alpha");
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.missing_key", "exp.json#/alpha"});
}

TEST_CASE("config: a string where a number belongs is refused", "[config]") {
  json d = valid();
  d["alpha"] = "1e-3";
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.wrong_type", "exp.json#/alpha"});
}

TEST_CASE("config: an unknown update mode is refused", "[config]") {
  json d = valid();
  d["update"] = {{"mode", "quantized"}};
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/update/mode"});
}

TEST_CASE("config: twin mode is refused for EP", "[config]") {
  json d = valid();
  d["rule"] = {{"kind", "ep"}, {"beta", 1e-3}, {"twin", true}};
  CHECK(error_of(d) == std::pair<std::string, std::string>{"config.unknown_key", "exp.json#/rule/twin"});
}

TEST_CASE("config: tap updates on a network of plain resistors are refused before any solve", "[config]") {
  json d = testcfg::allostery(testcfg::rule("cl", 0.5), 1e-3, 1);
  d["update"] = {{"mode", "sign"}};
  const TrainConfig c = testcfg::parse(d);
  IdealSimulator sim;
  try {
    Trainer t(c, test::random_network(1), sim);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.id() == "config.invalid");
    CHECK(e.where() == "/update/mode");
  }
}

TEST_CASE("config: the bundled experiments all parse", "[config]") {
  const std::filesystem::path dir = test::source_dir() / "netlists/experiments";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path());
    const TrainConfig c = load_train_config_file(entry.path());
    const Network net = resolve_network(c);
    validate_against_network(c, net);
    ++count;
  }
  CHECK(count >= 5);
}

TEST_CASE("config: solver tolerances outside their ranges are refused at their pointer", "[config]") {
  // ngspice takes a negative reltol and fails much later with "Timestep too small".
  for (const auto& [key, value] : std::vector<std::pair<std::string, double>>{{"reltol", -1.0},
                                                                              {"reltol", 1.0},
                                                                              {"abstol_amps", 2.0},
                                                                              {"vntol_volts", 5.0},
                                                                              {"gmin_siemens", 1.0},
                                                                              {"gmin_siemens", -1e-12},
                                                                              {"kcl_tolerance", 2.0}}) {
    INFO(key << " = " << value);
    json doc = valid();
    doc["tolerances"] = {{key, value}};
    CHECK(error_of(doc) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/tolerances/" + key});
  }
  json doc = valid();
  doc["tolerances"] = {{"reltol", 1e-3}, {"abstol_amps", 1e-12}, {"vntol_volts", 1e-6}, {"gmin_siemens", 0}};
  CHECK(error_of(doc).first == "none");
}

TEST_CASE("config: a regression with more samples than the limit is refused before anything is allocated",
          "[config]") {
  json doc = valid();
  doc["task"] = {{"kind", "regression"}, {"samples", 1000000000}};
  CHECK(error_of(doc) == std::pair<std::string, std::string>{"config.too_large", "exp.json#/task/samples"});
  doc["task"]["samples"] = experiment_limits::kMaxSamples;
  doc["batch_size"] = 1;
  CHECK(error_of(doc).first == "none");
}

TEST_CASE("config: a regression whose evaluation would not fit the limit is refused before the data set is built",
          "[config]") {
  // random_spec.json: 64 nodes and 160 edges, 384 values per sample; 200,000 samples make 7.7e7.
  json doc = valid();
  doc["network"] = "../random_spec.json";
  doc["task"] = {{"kind", "regression"}, {"samples", 200000}};
  doc["batch_size"] = 1;
  const TrainConfig c = parse_train_config(doc, std::filesystem::path(test::experiment_file("default.json")).parent_path(), "exp.json");
  IdealSimulator sim;
  try {
    Trainer t(c, resolve_network(c), sim);
    FAIL("built a data set beyond the limit");
  } catch (const InputError& e) {
    CHECK(e.id() == "config.too_large");
    CHECK(e.where() == "exp.json#/task/samples");
  }
}

TEST_CASE("config: max_pulses outside 1..10000 is refused at its key", "[config][memristor]") {
  for (int pulses : {0, -3, 10001}) {
    json d = valid();
    d["update"] = {{"max_pulses", pulses}};
    CHECK(error_of(d) == std::pair<std::string, std::string>{"config.invalid", "exp.json#/update/max_pulses"});
  }
  json d = valid();
  d["update"] = {{"max_pulses", 7}};
  CHECK(parse_train_config(d, ".", "exp.json").update.max_pulses == 7);
}
