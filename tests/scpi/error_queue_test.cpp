// The error queue: FIFO order, the overflow rule and the empty answer.
#include <catch2/catch.hpp>

#include "tests/scpi/demo_instrument.hpp"

using demo::DemoSource;

TEST_CASE("error queue: an empty queue answers +0,\"No error\"") {
  DemoSource d;
  CHECK(d.next_error() == "+0,\"No error\"");
  CHECK(d.send("SYST:ERR:COUN?") == "+0\n");
}

TEST_CASE("error queue: errors come out oldest first") {
  DemoSource d;
  CHECK(d.send("BOGUS;VOLT 99;OUTP7 ON") == "");
  CHECK(d.send("SYST:ERR:COUN?") == "+3\n");
  CHECK(d.send("SYST:ERR?;:SYST:ERR?;:SYST:ERR?;:SYST:ERR?") ==
        "-113,\"Undefined header\";-222,\"Data out of range\";-114,\"Header suffix out of range\";+0,\"No error\"\n");
}

TEST_CASE("error queue: 60 errors keep the 19 oldest and end in -350, then drain to No error") {
  DemoSource d;
  for (int i = 0; i < 60; ++i) CHECK(d.send(i % 2 ? "BOGUS" : "VOLT 99") == "");
  CHECK(d.send("SYST:ERR:COUN?") == "+20\n");
  std::vector<std::string> replies;
  for (int i = 0; i < 25; ++i) {
    replies.push_back(d.next_error());
    if (replies.back() == "+0,\"No error\"") break;
  }
  REQUIRE(replies.size() == 21);
  for (int i = 0; i < 19; ++i)
    CHECK(replies[i] == (i % 2 ? "-113,\"Undefined header\"" : "-222,\"Data out of range\""));
  CHECK(replies[19] == "-350,\"Queue overflow\"");
  CHECK(replies[20] == "+0,\"No error\"");
}

TEST_CASE("error queue: the capacity is configurable") {
  spiceloop::scpi::ErrorQueue q(2);
  q.push(-100);
  q.push(-101);
  q.push(-102);
  CHECK(q.pop_formatted() == "-100,\"Command error\"");
  CHECK(q.pop_formatted() == "-350,\"Queue overflow\"");
  CHECK(q.pop_formatted() == "+0,\"No error\"");
}
