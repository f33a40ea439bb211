#include "emulator/learning/checkpoint.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/learning/atomic_file.hpp"

namespace spiceloop {

namespace {
constexpr const char* kFormat = "spiceloop.checkpoint.v1";

nlohmann::json eval_json(const EvalRecord& e) {
  return {{"train_loss", hex_double(e.train_loss)}, {"test_loss", hex_double(e.test_loss)},
          {"train_accuracy", hex_double(e.train_accuracy)}, {"test_accuracy", hex_double(e.test_accuracy)}};
}

EvalRecord eval_from(const nlohmann::json& j, const std::string& where) {
  EvalRecord e;
  e.train_loss = parse_hex_double(j.at("train_loss").get<std::string>(), where);
  e.test_loss = parse_hex_double(j.at("test_loss").get<std::string>(), where);
  e.train_accuracy = parse_hex_double(j.at("train_accuracy").get<std::string>(), where);
  e.test_accuracy = parse_hex_double(j.at("test_accuracy").get<std::string>(), where);
  return e;
}
}  // namespace

std::string checkpoint_path_in(const std::filesystem::path& dir) { return (dir / "checkpoint.json").string(); }

std::string hex_double(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::hex);
  std::string s(buf, end);
  // to_chars omits the "0x" that C and Python print; add it so the text reads as a hex float.
  return s[0] == '-' ? "-0x" + s.substr(1) : "0x" + s;
}

double parse_hex_double(const std::string& text, const std::string& where) {
  std::string_view t = text;
  bool negative = false;
  if (!t.empty() && t[0] == '-') negative = true, t.remove_prefix(1);
  if (t.substr(0, 2) != "0x") throw InputError("checkpoint.number", where, "'" + text + "' is not a hex float");
  t.remove_prefix(2);
  double x = 0.0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), x, std::chars_format::hex);
  if (ec != std::errc() || ptr != t.data() + t.size())
    throw InputError("checkpoint.number", where, "'" + text + "' is not a hex float");
  return negative ? -x : x;
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
  for (std::size_t j = 0; j < c.siemens.size(); ++j)
    if (!std::isfinite(c.siemens[j]))
      throw SimulationError("train.non_finite", "checkpoint", "conductance of edge " + std::to_string(j) +
                                                                  " is not finite; checkpoint not written");
  nlohmann::json j;
  j["format"] = kFormat;
  j["hash"] = c.hash;
  j["convention"] = c.convention;
  j["step"] = c.step;
  j["epoch"] = c.epoch;
  j["batch"] = c.batch;
  j["order"] = c.order;
  j["rng"] = c.rng;
  nlohmann::json s = nlohmann::json::array();
  for (double x : c.siemens) s.push_back(hex_double(x));
  j["siemens"] = s;
  j["codes"] = c.codes;
  j["metrics_offset"] = c.metrics_offset;
  j["elapsed_seconds"] = hex_double(c.elapsed_seconds);
  j["initial"] = eval_json(c.initial);
  j["complete"] = c.complete;
  write_file_atomically(path, j.dump(1) + "\n");
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path);
  if (!in) throw InputError("checkpoint.missing", where, "no checkpoint to resume from (run without --resume first)");
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("format") != kFormat) throw InputError("checkpoint.format", where, "not a spiceloop checkpoint v1");
    Checkpoint c;
    c.hash = j.at("hash").get<std::string>();
    c.convention = j.at("convention").get<std::string>();
    c.step = j.at("step").get<std::int64_t>();
    c.epoch = j.at("epoch").get<int>();
    c.batch = j.at("batch").get<int>();
    c.order = j.at("order").get<std::vector<int>>();
    c.rng = j.at("rng").get<std::string>();
    for (const auto& x : j.at("siemens")) c.siemens.push_back(parse_hex_double(x.get<std::string>(), where));
    c.codes = j.at("codes").get<std::vector<int>>();
    c.metrics_offset = j.at("metrics_offset").get<std::uint64_t>();
    c.elapsed_seconds = parse_hex_double(j.at("elapsed_seconds").get<std::string>(), where);
    c.initial = eval_from(j.at("initial"), where);
    c.complete = j.at("complete").get<bool>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw InputError("checkpoint.format", where, std::string("malformed checkpoint: ") + e.what());
  }
}

}  // namespace spiceloop
