// Suggestions for what a user probably meant: near file names for a path that does not exist, and
// ETAs that read at a glance.
#include <catch2/catch.hpp>

#include <fstream>

#include "emulator/core/progress.hpp"
#include "emulator/core/suggest.hpp"
#include "tests/common/files.hpp"

using namespace spiceloop;
using Catch::Matchers::Contains;

TEST_CASE("suggest: a misspelt file name gets the nearest name in its folder") {
  const test::ScratchDir scratch("suggest_files");
  std::ofstream(scratch.dir / "lab16.json") << "{}";
  std::ofstream(scratch.dir / "divider.json") << "{}";
  const std::string hint = missing_file_hint(scratch.dir / "lab61.json");
  CHECK_THAT(hint, Contains("did you mean") && Contains((scratch.dir / "lab16.json").string()));
  CHECK(missing_file_hint(scratch.dir / "completely_other_name.csv").empty());
}

TEST_CASE("suggest: a path into a folder that does not exist says so") {
  const test::ScratchDir scratch("suggest_folders");
  CHECK_THAT(missing_file_hint(scratch.dir / "nope" / "lab16.json"),
             Contains("the folder") && Contains("does not exist either"));
}

TEST_CASE("progress: an ETA reads in seconds, minutes or hours") {
  CHECK(format_eta(4.4) == "4 s");
  CHECK(format_eta(125) == "2 min 05 s");
  CHECK(format_eta(3 * 3600 + 120) == "3 h 02 min");
  CHECK(format_eta(-1) == "?");
}
