// The JSON layer: syntax errors with line and column, nesting depth, duplicate keys, files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "emulator/core/json_text.hpp"
#include "emulator/network/load.hpp"
#include "emulator/network/validate.hpp"
#include "tests/common/paths.hpp"
#include "tests/network/expect_error.hpp"

using namespace spiceloop;
namespace fs = std::filesystem;

namespace {
// A scratch file under the build tree, removed at scope exit.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& name, const std::string& text = "")
      : path(test::binary_dir() / ("test_network_" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};
}  // namespace

TEST_CASE("network JSON: a syntax error is reported at its line and column") {
  // The column is that of the last character read: here the closing quote of "x", where the
  // parser knows a ':' is missing.
  const std::string text = "{\n  \"spiceloop\": 1,\n  \"name\" \"x\"\n}";
  expect_input_error([&] { parse_network_text(text); }, "network.json_syntax", "<json>:3:12");
  expect_input_error([&] { parse_network_text(text, "net.json"); }, "network.json_syntax", "net.json:3:12");
}

TEST_CASE("network JSON: a truncated document is reported at its end") {
  expect_input_error([] { parse_network_text("{\"spiceloop\": 1,\n"); }, "network.json_syntax", "<json>:2:1");
  expect_input_error([] { parse_network_text(""); }, "network.json_syntax", "<json>:1:1");
}

TEST_CASE("network JSON: comments and trailing commas are syntax errors") {
  expect_input_error([] { parse_network_text("{\"spiceloop\": 1, // note\n}"); }, "network.json_syntax",
                     "<json>:1:18");
  expect_input_error([] { parse_network_text("[1, 2,]"); }, "network.json_syntax", "<json>:1:7");
}

TEST_CASE("network JSON: nesting deeper than 16 levels is refused while parsing") {
  std::string ok = "{\"x\":" + std::string(15, '[') + std::string(15, ']') + "}";
  CHECK(parse_json_text(ok, "", kNetworkDocument).is_object());
  const std::string deep = "{\"x\":" + std::string(16, '[') + std::string(16, ']') + "}";
  std::string where = "/x";
  for (int i = 0; i < 15; ++i) where += "/0";
  expect_input_error([&] { parse_json_text(deep, "", kNetworkDocument); }, "network.too_deep", where);
  // A million brackets would not overflow the parser, but are refused the same way.
  const std::string huge(1'000'000, '[');
  expect_input_error([&] { parse_json_text(huge, "deep.json", kNetworkDocument); }, "network.too_deep", "deep.json#/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0");
}

TEST_CASE("network JSON: a key given twice in one object is refused") {
  const std::string text = R"({"spiceloop": 1, "edges": [{"ohms": 1, "ohms": 2}]})";
  expect_input_error([&] { parse_network_text(text); }, "network.duplicate_key", "/edges/0/ohms");
}

TEST_CASE("network JSON: locations inside arrays count the elements before them") {
  expect_input_error([] { parse_json_text(R"({"e": [{"k": 1}, {"k": 1, "k": 2}]})", "", kNetworkDocument); }, "network.duplicate_key",
                     "/e/1/k");
  expect_input_error([] { parse_json_text("[1, [2, 3], 1e400]", "", kNetworkDocument); }, "network.not_finite", "/2");
  expect_input_error([] { parse_json_text("[[0], [-1e999]]", "", kNetworkDocument); }, "network.not_finite", "/1/0");
}

TEST_CASE("network JSON: a large array of objects parses in linear time") {
  // Regression: nlohmann's callback parser rescans the parent array at each '}' (quadratic).
  std::string text = "[";
  for (int i = 0; i < 200'000; ++i) text += i ? ",{\"k\":1}" : "{\"k\":1}";
  text += "]";
  CHECK(parse_json_text(text, "", kNetworkDocument).size() == 200'000);
}

TEST_CASE("network JSON: the error prefix can be chosen by other loaders") {
  expect_input_error([] { parse_json_text("{", "exp.json", DocumentKind{.prefix = "experiment"}); }, "experiment.json_syntax",
                     "exp.json:1:2");
}

TEST_CASE("network file: a missing file is reported with its path") {
  const std::string path = (test::binary_dir() / "no_such_network.json").string();
  expect_input_error([&] { load_network_file(path); }, "network.unreadable_file", path);
}

TEST_CASE("network file: a directory is not a network file") {
  const std::string dir = test::binary_dir().string();
  expect_input_error([&] { load_network_file(dir); }, "network.unreadable_file", dir);
}

TEST_CASE("network file: a file over the size limit (256 MiB) is refused before it is read") {
  TempFile big("huge.json");
  fs::resize_file(big.path, json_limits::kMaxFileBytes + 1);  // sparse: costs no disk
  expect_input_error([&] { load_network_file(big.path.string()); }, "network.file_too_large", big.path.string());
}

TEST_CASE("network file: errors inside a file carry the file name before the pointer") {
  nlohmann::json j = small_network();
  j["edges"][0]["ohms"] = 0;
  TempFile file("zero.json", j.dump(2));
  expect_input_error([&] { load_network_file(file.path.string()); }, "network.not_positive",
                     file.path.string() + "#/edges/0/ohms");
}

TEST_CASE("network file: a valid file loads") {
  TempFile file("small.json", small_network().dump(2));
  CHECK(load_network_file(file.path.string()).edge_count() == 4);
}
