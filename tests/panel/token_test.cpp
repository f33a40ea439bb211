#include <catch2/catch.hpp>

#include "drivers/panel/token.hpp"

using namespace spiceloop::panel;

TEST_CASE("panel token: 32 hex digits, fresh each time", "[panel]") {
  const std::string a = make_token(), b = make_token();
  CHECK(a.size() == 32);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}

TEST_CASE("panel token: only the exact token matches; an empty expected token matches nothing", "[panel]") {
  const std::string t = "00112233445566778899aabbccddeeff";
  CHECK(token_matches(t, t));
  CHECK_FALSE(token_matches(t.substr(0, 31), t));
  CHECK_FALSE(token_matches(t + "0", t));
  CHECK_FALSE(token_matches("10112233445566778899aabbccddeeff", t));
  CHECK_FALSE(token_matches("00112233445566778899aabbccddeefe", t));
  CHECK_FALSE(token_matches("", t));
  CHECK_FALSE(token_matches("", ""));
  CHECK_FALSE(token_matches("x", ""));
}
