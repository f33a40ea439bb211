// The line framer: terminators, \r stripping, blocks holding \n, overruns with bounded memory.
#include <catch2/catch.hpp>

#include <string>

#include "drivers/scpi/framer.hpp"

using namespace spiceloop::scpi;

namespace {
std::vector<std::string> messages(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.push_back(f.kind == Frame::Kind::Overrun ? "<overrun>" : f.message);
  return out;
}
}  // namespace

TEST_CASE("framer: a line ending in \\r\\n loses exactly one \\r") {
  LineFramer f;
  CHECK(messages(f.feed("*IDN?\r\n")) == std::vector<std::string>{"*IDN?"});
  CHECK(messages(f.feed("A\r\r\n")) == std::vector<std::string>{"A\r"});
}

TEST_CASE("framer: a message split one byte per feed comes out once, whole") {
  LineFramer f;
  const std::string line = "SOUR:VOLT 1.5;:OUTP ON\r\n";
  std::vector<std::string> got;
  for (char c : line) {
    auto frames = f.feed(std::string_view(&c, 1));
    for (auto& m : messages(frames)) got.push_back(m);
  }
  CHECK(got == std::vector<std::string>{"SOUR:VOLT 1.5;:OUTP ON"});
}

TEST_CASE("framer: several messages in one feed come out in order, an unfinished one waits") {
  LineFramer f;
  CHECK(messages(f.feed("A\nB\n\nC")) == std::vector<std::string>{"A", "B", ""});
  CHECK(f.buffered_bytes() == 1);
  CHECK(messages(f.feed("\n")) == std::vector<std::string>{"C"});
}

TEST_CASE("framer: a newline inside a definite block is data, not a terminator") {
  LineFramer f;
  CHECK(messages(f.feed("DATA #14a\nbc;X\n")) == std::vector<std::string>{"DATA #14a\nbc;X"});
  CHECK(messages(f.feed("T '#9'\nNEXT\n")) == std::vector<std::string>{"T '#9'", "NEXT"});
}

TEST_CASE("framer: a 1 MB line without a newline overruns once and memory stays bounded") {
  LineFramer f(64 * 1024);
  const std::string chunk(4096, 'A');
  int overruns = 0;
  for (int i = 0; i < 256; ++i) {
    for (const auto& fr : f.feed(chunk)) overruns += fr.kind == Frame::Kind::Overrun;
    CHECK(f.buffer_capacity() <= 2 * 64 * 1024);
  }
  CHECK(overruns == 1);
  CHECK(f.discarding());
  CHECK(messages(f.feed("tail\n*IDN?\n")) == std::vector<std::string>{"*IDN?"});
  CHECK_FALSE(f.discarding());
}

TEST_CASE("framer: a line of exactly the limit passes, one byte more overruns") {
  LineFramer f(8);
  CHECK(messages(f.feed("12345678\n")) == std::vector<std::string>{"12345678"});
  CHECK(messages(f.feed("123456789\nok\n")) == std::vector<std::string>{"<overrun>", "ok"});
}

TEST_CASE("framer: a block length beyond the limit overruns instead of waiting forever") {
  LineFramer f(64);
  auto frames = f.feed("D #9999999999\n" + std::string(100, 'x') + "\nok\n");
  // The header overruns at once; the 100-byte line after it is a line of its own, too long too.
  CHECK(messages(frames) == std::vector<std::string>{"<overrun>", "<overrun>", "ok"});
}

TEST_CASE("framer: a block header announcing more than the limit overruns at once and resynchronises at the next newline") {
  // Regression: #9999999999 used to swallow the next 64 KiB of commands as block data.
  LineFramer f;
  std::string bytes = "VOLT #9999999999\n";
  for (int i = 0; i < 11000; ++i) bytes += "L" + std::to_string(i) + "\n";
  const auto frames = f.feed(bytes);
  REQUIRE(frames.size() == 11001);
  CHECK(frames[0].kind == Frame::Kind::Overrun);
  for (int i = 0; i < 11000; ++i) REQUIRE(frames[static_cast<std::size_t>(i) + 1].message == "L" + std::to_string(i));
  CHECK_FALSE(f.discarding());
}

TEST_CASE("framer: a block that fills the limit exactly passes whole, one byte more overruns") {
  LineFramer f(12);
  CHECK(messages(f.feed("D #17abc\ndef\nok\n")) == std::vector<std::string>{"D #17abc\ndef", "ok"});
  CHECK(messages(f.feed("D #18abc\ndefg\nok\n")) == std::vector<std::string>{"<overrun>", "defg", "ok"});
  CHECK(messages(f.feed("D #19abcdefghi\nok\n")) == std::vector<std::string>{"<overrun>", "ok"});
}
