// Hostile and unusual byte streams: nothing throws, errors are queued, memory stays bounded,
// and the instrument keeps answering afterwards.
#include <catch2/catch.hpp>

#include <random>

#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;

TEST_CASE("robustness: a command split one byte per feed runs once") {
  DemoSource d;
  const std::string bytes = "VOLT 2.5;OUTP ON;VOLT?;OUTP?\r\n";
  std::string out;
  for (char c : bytes) {
    d.session.feed(std::string_view(&c, 1));
    out += d.session.take_output();
  }
  CHECK(out == "+2.50000000E+00;1\n");
}

TEST_CASE("robustness: 100 commands pipelined in one feed answer in order") {
  DemoSource d;
  std::string bytes;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    bytes += "VOLT " + std::to_string(i % 20) + "\r\nVOLT?\n";
    expected += spiceloop::scpi::nr3(i % 20) + "\n";
  }
  d.session.feed(bytes);
  CHECK(d.session.take_output() == expected);
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("robustness: a 1 MB line with no newline overruns once, with bounded memory") {
  DemoSource d;
  const std::string chunk(64 * 1024, 'V');
  for (int i = 0; i < 16; ++i) {
    d.session.feed(chunk);
    CHECK(d.session.framer().buffer_capacity() <= 2 * spiceloop::scpi::LineFramer::default_max_line_bytes);
  }
  CHECK(d.session.pending_output_bytes() == 0);
  d.session.feed("\n*IDN?\n");
  CHECK(d.session.take_output() == "Spiceloop,DEMO-1,0001,0.1\n");
  CHECK(d.next_error() == "-363,\"Input buffer overrun\"");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("robustness: an oversized block header answers -363 at once and every following line runs") {
  // Regression: VOLT #9999999999 announced 10 GB and swallowed 64 KiB of the commands after it.
  DemoSource d;
  std::string bytes = "VOLT #9999999999\n";
  for (int i = 0; i < 11000; ++i) bytes += "*OPC?\n";
  d.session.feed(bytes);
  const std::string out = d.session.take_output();
  CHECK(out.size() == 2 * 11000);
  CHECK(out.find_first_not_of("1\n") == std::string::npos);
  CHECK(d.next_error() == "-363,\"Input buffer overrun\"");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("robustness: NUL bytes are an invalid character and the next line still works") {
  DemoSource d;
  d.session.feed(std::string("\0\0\0\n*IDN\0?\nVOLT?\n", 17));
  CHECK(d.session.take_output() == "+0.00000000E+00\n");
  CHECK(d.next_error() == "-101,\"Invalid character\"");
  CHECK(d.next_error() == "-101,\"Invalid character\"");
  CHECK(d.next_error() == "+0,\"No error\"");
}

TEST_CASE("robustness: random bytes never throw, queue errors, and leave the instrument answering") {
  DemoSource d;
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 200; ++round) {
    std::string junk(static_cast<std::size_t>(byte(rng)) * 8, '\0');
    for (char& c : junk) c = static_cast<char>(byte(rng));
    d.session.feed(junk);
    (void)d.session.take_output();
  }
  d.session.feed("\n*CLS\n");
  d.session.feed("IDN\n");
  (void)d.session.take_output();
  CHECK(d.next_error() == "-113,\"Undefined header\"");
  CHECK(d.send("*IDN?") == "Spiceloop,DEMO-1,0001,0.1\n");
}

TEST_CASE("robustness: random SCPI-like text through the processor never escapes an exception") {
  DemoSource d;
  std::mt19937 rng(7);
  const std::string alphabet = "VOLTvolt:;?*#@(),.'\"0123456789+-eE MAXkmVOHMZ\t\x01\xff";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string line;
    for (int k = length(rng); k > 0; --k) line += alphabet[pick(rng)];
    const std::string out = d.send(line);
    CHECK((out.empty() || out.back() == '\n'));
  }
  CHECK(d.status.errors().size() <= 20);
}

TEST_CASE("robustness: an HTTP request queues one command error per line and answers nothing") {
  DemoSource d;
  d.session.feed("GET / HTTP/1.1\r\nHost: 127.0.0.1:5025\r\nUser-Agent: curl/8.0\r\n\r\n");
  CHECK(d.session.take_output() == "");
  CHECK(d.next_error() == "-113,\"Undefined header\"");      // GET
  CHECK(d.next_error() == "-102,\"Syntax error\"");          // "Host:" then a space
  CHECK(d.next_error() == "-111,\"Header separator error\"");  // "User" then '-'
  CHECK(d.status.esr() == spiceloop::scpi::esr_bit::command_error);
  CHECK(d.next_error() == "+0,\"No error\"");
  CHECK(d.send("*IDN?") == "Spiceloop,DEMO-1,0001,0.1\n");
}

TEST_CASE("robustness: text meant for ngspice is only ever a header the tree does not know") {
  DemoSource d;
  CHECK(d.send("shell rm -rf /;source evil.cir;`reboot`") == "");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
  CHECK(d.next_error() == "-113,\"Undefined header\"");
  CHECK(d.next_error() == "-102,\"Syntax error\"");
}
