// Response formats: NR1, NR3, strings, blocks of REAL,64 in both byte orders.
#include <catch2/catch.hpp>

#include <clocale>
#include <cstring>
#include <vector>

#include "tests/scpi/demo_instrument.hpp"

using namespace spiceloop::scpi;

TEST_CASE("responses: NR3 has a sign, nine significant digits and a two-digit exponent") {
  CHECK(nr3(1.23456789) == "+1.23456789E+00");
  CHECK(nr3(-0.0015) == "-1.50000000E-03");
  CHECK(nr3(0.0) == "+0.00000000E+00");
  CHECK(nr3(-0.0) == "+0.00000000E+00");
  CHECK(nr3(1e100) == "+1.00000000E+100");
  CHECK(nr3(0.1, 17) == "+1.0000000000000001E-01");
  CHECK(nr3(std::numeric_limits<double>::quiet_NaN()) == "+9.91000000E+37");
  CHECK(nr3(-std::numeric_limits<double>::infinity()) == "-9.90000000E+37");
}

TEST_CASE("responses: numbers do not depend on the C locale") {
  const char* old = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = old ? old : "C";
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") || std::setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
    CHECK(nr3(1.5) == "+1.50000000E+00");
  }
  std::setlocale(LC_NUMERIC, saved.c_str());
  CHECK(nr3(1.5) == "+1.50000000E+00");
}

TEST_CASE("responses: NR1 integers carry their sign") {
  CHECK(nr1(0) == "+0");
  CHECK(nr1(42) == "+42");
  CHECK(nr1(-113) == "-113");
}

TEST_CASE("responses: strings are double-quoted with inner quotes doubled") {
  CHECK(quoted("a\"b") == "\"a\"\"b\"");
  CHECK(definite_block("") == "#10");
}

TEST_CASE("responses: a REAL,64 block is big-endian when NORMal and little-endian when SWAPped") {
  const std::vector<double> v{1.0, -2.5};
  const std::string normal = real64_block(v, ByteOrder::Normal);
  REQUIRE(normal.size() == 4 + 16);
  CHECK(normal.substr(0, 4) == "#216");
  CHECK(static_cast<unsigned char>(normal[4]) == 0x3f);
  CHECK(static_cast<unsigned char>(normal[5]) == 0xf0);
  const std::string swapped = real64_block(v, ByteOrder::Swapped);
  CHECK(static_cast<unsigned char>(swapped[11]) == 0x3f);
  CHECK(static_cast<unsigned char>(swapped[10]) == 0xf0);
  for (int i = 0; i < 16; ++i) CHECK(normal[4 + i] == swapped[4 + (i / 8) * 8 + 7 - i % 8]);
}

TEST_CASE("responses: FORM REAL,64 switches bulk readings to one binary block") {
  demo::DemoSource d;
  CHECK(d.send("VOLT 1.5,(@1,2);OUTP1 ON;OUTP2 ON") == "");
  CHECK(d.send("MEAS:VOLT? (@1,2)") == "+1.50000000E+00,+1.50000000E+00\n");
  CHECK(d.send("FORM REAL,64;MEAS:VOLT? (@2,1)") == real64_block(std::vector<double>{1.5, 1.5}) + "\n");
  CHECK(d.send("FORM:BORD SWAP;:MEAS:VOLT? (@1)") ==
        real64_block(std::vector<double>{1.5}, ByteOrder::Swapped) + "\n");
}
