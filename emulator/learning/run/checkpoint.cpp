#include "emulator/learning/run/checkpoint.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/fingerprint.hpp"
#include "emulator/core/json_text.hpp"

namespace spiceloop {

namespace {
constexpr const char* kFormat = "spiceloop.checkpoint.v2";
constexpr const char* kFormatV1 = "spiceloop.checkpoint.v1";

// Of every field but the digest itself, in the one order nlohmann::json keeps keys (sorted).
std::string content_digest(nlohmann::json j) {
  j.erase("digest");
  Fingerprint f;
  f.add(j.dump());
  return f.hex();
}

nlohmann::json eval_json(const EvalRecord& e) {
  return {{"train_loss", hex_double(e.train_loss)}, {"test_loss", hex_double(e.test_loss)},
          {"train_accuracy", hex_double(e.train_accuracy)}, {"test_accuracy", hex_double(e.test_accuracy)}};
}

// A checkpoint is the trainer's own file, so any flaw in one is "checkpoint.format" (a missing
// file "checkpoint.missing", a malformed hex float "checkpoint.number").
const DocumentKind kCheckpointDocument = [] {
  DocumentKind kind = DocumentKind::single("checkpoint", "format");
  kind.unreadable_file = "missing";
  return kind;
}();

double hex_number(const JsonValue& v) { return parse_hex_double(v.string(), v.where()); }
double hex_number(const JsonObject& o, std::string_view key) { return hex_number(o.member(key)); }

int int32(const JsonValue& v) {
  const std::int64_t x = v.integer();
  if (x < INT32_MIN || x > INT32_MAX) v.fail("format", v.what() + " is beyond a 32-bit integer");
  return static_cast<int>(x);
}

std::vector<int> ints(const JsonValue& list) {
  std::vector<int> out;
  for (std::size_t i = 0; i < list.array().size(); ++i) out.push_back(int32(list.element(i, "each element of " + list.what())));
  return out;
}

EvalRecord eval_from(const JsonObject& o) {
  EvalRecord e;
  e.train_loss = hex_number(o, "train_loss");
  e.test_loss = hex_number(o, "test_loss");
  e.train_accuracy = hex_number(o, "train_accuracy");
  e.test_accuracy = hex_number(o, "test_accuracy");
  return e;
}
}  // namespace

std::string checkpoint_path_in(const std::filesystem::path& dir) { return (dir / "checkpoint.json").string(); }

std::string checkpoint_where(const Checkpoint& c, const std::string& pointer) {
  return c.source.empty() ? pointer : c.source + "#" + pointer;
}

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
  // from_chars also reads "inf" and "nan"; a checkpoint never holds them.
  if (!std::isfinite(x)) throw InputError("checkpoint.number", where, "'" + text + "' is not a finite number");
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
  if (!c.programmed_siemens.empty()) {  // networks with memristors only, so others' files are unchanged
    nlohmann::json p = nlohmann::json::array(), t = nlohmann::json::array();
    for (double x : c.programmed_siemens) p.push_back(hex_double(x));
    for (double x : c.seconds_since_programmed) t.push_back(hex_double(x));
    j["devices"] = {{"programmed_siemens", p}, {"seconds_since_programmed", t}};
  }
  j["metrics_offset"] = c.metrics_offset;
  j["metrics_digest"] = c.metrics_digest;
  j["elapsed_seconds"] = hex_double(c.elapsed_seconds);
  j["initial"] = eval_json(c.initial);
  j["complete"] = c.complete;
  j["digest"] = content_digest(j);
  write_file_atomically(path, j.dump(1) + "\n");
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError("checkpoint.missing", where, "no checkpoint to resume from (run without --resume first)");
  const nlohmann::json j = load_json_file(where, kCheckpointDocument);
  const JsonObject o(j, kCheckpointDocument, JsonOrigin{where, ""}, "", "a checkpoint");
  const std::string format = o.string("format");
  if (format == kFormatV1)
    o.fail("format", "format",
           "a v1 checkpoint, written by an earlier spiceloop: it has no digest and its ngspice solver state "
           "differs, so it cannot continue bit-identically; start the run again with --overwrite");
  if (format != kFormat) o.fail("format", "format", "not a spiceloop checkpoint v2");
  if (o.string("digest") != content_digest(j))
    throw InputError("checkpoint.digest", o.where("digest"),
                     "the checkpoint's content does not match its digest: it was edited or damaged after it was "
                     "written; start the run again with --overwrite (or restore the file)");
  o.allow_only({"format", "hash", "convention", "step", "epoch", "batch", "order", "rng", "siemens", "codes",
                "devices", "metrics_offset", "metrics_digest", "elapsed_seconds", "initial", "complete", "digest"});
  Checkpoint c;
  c.source = where;
  c.hash = o.string("hash");
  c.convention = o.string("convention");
  c.step = o.integer("step");
  c.epoch = int32(o.member("epoch"));
  c.batch = int32(o.member("batch"));
  c.order = ints(o.member("order"));
  c.rng = o.string("rng");
  const JsonValue siemens = o.member("siemens");
  for (std::size_t i = 0; i < siemens.array().size(); ++i)
    c.siemens.push_back(hex_number(siemens.element(i, "each conductance")));
  c.codes = ints(o.member("codes"));
  if (o.has("devices")) {
    const JsonObject d = o.object("devices", "the memristors' drift state");
    d.allow_only({"programmed_siemens", "seconds_since_programmed"});
    const auto read = [&](std::string_view key, std::vector<double>& out) {
      const JsonValue list = d.member(key);
      for (std::size_t i = 0; i < list.array().size(); ++i) out.push_back(hex_number(list.element(i, "each value")));
    };
    read("programmed_siemens", c.programmed_siemens);
    read("seconds_since_programmed", c.seconds_since_programmed);
  }
  c.metrics_offset = o.unsigned_integer("metrics_offset");
  c.metrics_digest = o.string("metrics_digest");
  c.elapsed_seconds = hex_number(o, "elapsed_seconds");
  c.initial = eval_from(o.object("initial", "the initial evaluation"));
  c.complete = o.boolean("complete");
  return c;
}

}  // namespace spiceloop
