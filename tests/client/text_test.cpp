// The text the drivers send and parse: exact round trips of doubles, compact channel lists in the
// order given, and the answers instruments send back.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "drivers/client/scpi_text.hpp"

using namespace spiceloop::client;

namespace {
std::string list(const std::vector<int>& channels) { return format_channel_list(channels); }
}  // namespace

TEST_CASE("text: numbers go out with 17 significant digits and parse back to the same double") {
  CHECK(format_number(0.1) == "0.10000000000000001");
  CHECK(format_number(-0.4) == "-0.40000000000000002");
  CHECK(format_number(1.5) == "1.5");
  CHECK(format_number(1e-5) == "1.0000000000000001e-05");
  const double values[] = {0.0, 0.1 + 0.2, 1.0 / 3.0, -2.0 / 7.0, 19.999999999999996, 1e-300,
                           std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
  for (double v : values) {
    INFO(format_number(v));
    const auto back = parse_number(format_number(v));
    REQUIRE(back.has_value());
    CHECK(*back == v);  // bit-exact, not approximately
  }
}

TEST_CASE("text: channel lists keep the order given and use ranges for three or more in a row") {
  CHECK(list({1, 2, 5, 6, 7, 8}) == "(@1,2,5:8)");
  CHECK(list({1}) == "(@1)");
  CHECK(list({3, 1, 4, 5, 6}) == "(@3,1,4:6)");
  CHECK(list({101, 102, 103, 104, 105, 106, 107, 108, 109, 110}) == "(@101:110)");
  CHECK(list({5, 4, 3}) == "(@5,4,3)");  // descending runs stay explicit
  CHECK(list({2, 2, 2}) == "(@2,2,2)");
}

TEST_CASE("text: NR1, NR2 and NR3 answers parse without the locale; junk does not") {
  const auto v = parse_numbers("+1.23456789E+00,-4.00000000E-01,+0, 17 ,2.5");
  REQUIRE(v.has_value());
  CHECK(*v == std::vector<double>{1.23456789, -0.4, 0.0, 17.0, 2.5});
  for (const char* junk : {"", "1,,2", "1,", "abc", "1.0V", "++1", "-", "nan", "inf", "1,2;3", "1,5"}) {
    INFO(junk);
    if (std::string_view(junk) == "1,5") {
      CHECK(parse_numbers(junk)->size() == 2);  // a comma is a separator, never a decimal point
      continue;
    }
    CHECK_FALSE(parse_numbers(junk).has_value());
  }
}

TEST_CASE("text: error entries give their code and unquoted text") {
  const auto e = parse_error_entry("-222,\"Data out of range;channel 5 not installed (1..4)\"");
  REQUIRE(e.has_value());
  CHECK(e->code == -222);
  CHECK(e->text == "Data out of range;channel 5 not installed (1..4)");
  CHECK(parse_error_entry("+0,\"No error\"")->code == 0);
  CHECK(parse_error_entry("-100,\"say \"\"hi\"\"\"")->text == "say \"hi\"");
  CHECK_FALSE(parse_error_entry("garbage").has_value());
  CHECK_FALSE(parse_error_entry("-1.5,\"x\"").has_value());
  CHECK_FALSE(parse_error_entry("-100,unquoted").has_value());
}

TEST_CASE("text: channel lists parse back, ranges expanded in either direction") {
  CHECK(parse_channel_list("(@1,2,5:8)") == std::vector<int>{1, 2, 5, 6, 7, 8});
  CHECK(parse_channel_list("(@103:101,110)") == std::vector<int>{103, 102, 101, 110});
  CHECK(parse_channel_list("(@)") == std::vector<int>{});
  for (const char* junk : {"", "(@", "@1)", "(1,2)", "(@1,,2)", "(@a)", "(@1:)", "(@1:20000)"}) {
    INFO(junk);
    CHECK_FALSE(parse_channel_list(junk).has_value());
  }
}
