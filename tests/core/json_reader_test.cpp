// The one strict JSON reader (emulator/core/json_reader.hpp, json_text.hpp): every failure is an
// InputError with the document kind's id, at "<file>#<JSON pointer>", with a message that says
// what to change.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/core/json_reader.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/core/suggest.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const DocumentKind kTest{.prefix = "test"};
const DocumentKind kRenamed{.prefix = "control",
                            .syntax = "bad_json",
                            .number_overflow = "bad_json",
                            .not_an_object = "not_an_object",
                            .missing_key = "missing_field",
                            .unknown_key = "unknown_field"};

struct Failure {
  std::string id, where, message;
};

template <class F>
Failure failure_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return {e.id(), e.where(), e.message()};
  }
  FAIL("no InputError thrown");
  return {};
}

JsonObject edge(const json& doc) { return JsonObject(doc, kTest, JsonOrigin{"net.json", ""}, "/edges/0", "an edge"); }

}  // namespace

TEST_CASE("json reader: an unknown key is refused with the closest known key and the known list") {
  const json doc = {{"name", "R1"}, {"ohm", 100}};
  const Failure f = failure_of([&] { edge(doc).allow_only({"name", "ohms", "siemens"}); });
  CHECK(f.id == "test.unknown_key");
  CHECK(f.where == "net.json#/edges/0/ohm");
  CHECK(f.message == "\"ohm\" is not a key of an edge; did you mean \"ohms\"? (known keys: name, ohms, siemens)");
}

TEST_CASE("json reader: a far miss gets no suggestion") {
  const json doc = {{"xyzzy", 1}};
  const Failure f = failure_of([&] { edge(doc).allow_only({"name", "ohms"}); });
  CHECK(f.message == "\"xyzzy\" is not a key of an edge (known keys: name, ohms)");
}

TEST_CASE("json reader: a nested value is located by its pointer under the document's origin") {
  // A network embedded in an experiment file at /network.
  const json doc = {{"edges", json::array({json{{"ohms", "1k"}}})}};
  const JsonObject top(doc, kTest, JsonOrigin{"exp.json", "/network"}, "", "a network");
  const JsonObject e = top.member("edges").element(0, "an edge").object();
  const Failure f = failure_of([&] { e.number("ohms"); });
  CHECK(f.where == "exp.json#/network/edges/0/ohms");
  CHECK(e.where() == "exp.json#/network/edges/0");
  CHECK(JsonOrigin{"", ""}.where("/a~b/c") == "/a~b/c");
  CHECK(pointer_append("/x", "a/b~c") == "/x/a~1b~0c");
}

TEST_CASE("json reader: a value of the wrong type names what it is and what it must be") {
  const json doc = {{"ohms", "1k"}, {"taps", 1.5}, {"on", 1}, {"nodes", "a"}};
  const JsonObject o = edge(doc);
  Failure f = failure_of([&] { o.number("ohms"); });
  CHECK(f.id == "test.wrong_type");
  CHECK(f.where == "net.json#/edges/0/ohms");
  CHECK(f.message == "\"ohms\" must be a number, not a string");
  CHECK(failure_of([&] { o.integer("taps"); }).message ==
        "\"taps\" must be an integer (digits only, no '.' or exponent), not a number");
  CHECK(failure_of([&] { o.boolean("on", false); }).message == "\"on\" must be true or false, not an integer");
  CHECK(failure_of([&] { o.array("nodes"); }).id == "test.wrong_type");
  CHECK(failure_of([&] { JsonObject(json::array(), kTest, JsonOrigin{}, "", "a network"); }).message ==
        "a network must be a JSON object {...}, not an array");
}

TEST_CASE("json reader: numbers must be finite") {
  const json doc = {{"volts", std::numeric_limits<double>::infinity()},
                    {"list", json::array({1.0, std::nan("")})}};
  const JsonObject o = edge(doc);
  Failure f = failure_of([&] { o.number("volts"); });
  CHECK(f.id == "test.not_finite");
  CHECK(f.message == "\"volts\" must be a finite number");
  f = failure_of([&] { o.numbers("list"); });
  CHECK(f.id == "test.not_finite");
  CHECK(f.where == "net.json#/edges/0/list/1");
  // In text, a number beyond a double is refused while parsing, at its pointer.
  f = failure_of([] { parse_json_text(R"({"a": [1, 1e400]})", "x.json", kTest); });
  CHECK(f.id == "test.not_finite");
  CHECK(f.where == "x.json#/a/1");
}

TEST_CASE("json reader: a missing key is named with the object it belongs to") {
  const json doc = {{"name", "R1"}};
  const Failure f = failure_of([&] { edge(doc).string("kind"); });
  CHECK(f.id == "test.missing_key");
  CHECK(f.where == "net.json#/edges/0/kind");
  CHECK(f.message == "an edge needs the key \"kind\"");
  CHECK(edge(doc).string("kind", "resistor") == "resistor");  // a fallback for an absent key
}

TEST_CASE("json reader: a choice lists the words and suggests the closest") {
  const json doc = {{"mode", "quantized"}, {"rule", "cl"}};
  const JsonObject o = edge(doc);
  CHECK(o.choice("rule", {"cl", "ep"}) == "cl");
  Failure f = failure_of([&] { o.choice("mode", {"continuous", "quantised", "sign"}); });
  CHECK(f.id == "test.invalid");
  CHECK(f.where == "net.json#/edges/0/mode");
  CHECK(f.message ==
        "\"mode\" is \"quantized\", not one of \"continuous\", \"quantised\", \"sign\"; did you mean \"quantised\"?");
  f = failure_of([&] { o.member("mode").choice({"a", "b"}, "unknown_mode"); });
  CHECK(f.id == "test.unknown_mode");
  CHECK(o.choice("absent", {"a", "b"}, "b") == "b");
}

TEST_CASE("json reader: integers beyond 64 bits and negative unsigned values are out of range") {
  const json doc = json::parse(R"({"big": 18446744073709551615, "seed": -3, "ok": 18446744073709551615})");
  const JsonObject o = edge(doc);
  CHECK(failure_of([&] { o.integer("big"); }).id == "test.out_of_range");
  CHECK(failure_of([&] { o.unsigned_integer("seed"); }).id == "test.out_of_range");
  CHECK(o.unsigned_integer("ok") == 18446744073709551615ULL);
}

TEST_CASE("json reader: a non-negative integer built in code as signed reads as unsigned") {
  const json doc = {{"seed", 3}, {"neg", -1}};  // json{3} holds a signed integer, text "3" an unsigned
  REQUIRE(doc["seed"].is_number_unsigned() == false);
  const JsonObject o = edge(doc);
  CHECK(o.unsigned_integer("seed") == 3U);
  CHECK(failure_of([&] { o.unsigned_integer("neg"); }).id == "test.out_of_range");
}

TEST_CASE("json reader: a document kind renames the reader's ids, one failure signature for all") {
  const json doc = {{"cmd", "truth"}, {"sinse", 0}};
  const JsonObject request(doc, kRenamed, JsonOrigin{"request", ""}, "", "a request");
  CHECK(failure_of([&] { request.string("port"); }).id == "control.missing_field");
  CHECK(failure_of([&] { request.allow_only({"cmd", "since"}); }).id == "control.unknown_field");
  CHECK(failure_of([] { JsonObject(json::array(), kRenamed, JsonOrigin{}, "", "a request"); }).id ==
        "control.not_an_object");
  CHECK(failure_of([] { parse_json_text("{\"cmd\": ", "request", kRenamed); }).id == "control.bad_json");
  CHECK(failure_of([] { parse_json_text("[1e400]", "request", kRenamed); }).id == "control.bad_json");
  const Failure f = failure_of([&] { request.fail("no_error_queue", "cmd", "no queue"); });
  CHECK(f.id == "control.no_error_queue");
  CHECK(f.where == "request#/cmd");
  CHECK(failure_of([&] { request.fail("bad", "", "the whole request"); }).where == "request#");
}

TEST_CASE("json reader: a key given twice is refused where it is") {
  const Failure f = failure_of([] { parse_json_text(R"({"a": {"k": 1, "k": 2}})", "d.json", kTest); });
  CHECK(f.id == "test.duplicate_key");
  CHECK(f.where == "d.json#/a/k");
}

TEST_CASE("suggest: the closest candidate is case-insensitive and at most a third of the word away") {
  const std::vector<std::string> names{"truth", "traffic", "pause"};
  CHECK(closest_match("trafic", names) == "traffic");
  CHECK(closest_match("TRUTH", names) == "truth");
  CHECK(closest_match("xyzzyxyzzy", names).empty());
  CHECK(closest_match("pa", names).empty());  // short words: at most two edits
}
