// Training through the lab board's serial protocol on a real socket ends where training in-process
// ends: the transistor lattice (clln4x4) with coupled learning on its gates, the board served by
// standins::BoardServer on the stepped machine, the trainer on hil::BoardSimulator. The protocol's
// numbers are round-trip text both ways (17 significant digits out, shortest round-trip back), so
// the tolerance is exact equality on the ideal solver; ngspice is held to 1e-12 V of gate.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <thread>
#include <fcntl.h>
#include <unistd.h>

#include "drivers/client/board_client.hpp"
#include "drivers/client/hil/board_simulator.hpp"
#include "drivers/client/serial_line.hpp"
#include "drivers/client/visa_address.hpp"
#include "drivers/standins/board/board_server.hpp"
#include "emulator/bench/board_machine.hpp"
#include "emulator/core/error.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "tests/common/experiments.hpp"
#include "tests/common/line_client.hpp"
#include "tests/hil/hil_rig.hpp"

using namespace hil_test;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

// The board on its own simulator, on a free port; addresses written to <dir>/addresses.json.
struct BoardRig {
  BoardRig(std::unique_ptr<Simulator> simulator, const fs::path& dir, bool pty = false)
      : sim(std::move(simulator)),
        machine(load_network_file(bundled("clln4x4.json")), *sim),
        server(machine, standins::BoardServerOptions{.pty = pty}),
        addresses(dir / "addresses.json") {
    server.start();
    write_json(addresses, server.addresses_json(bundled("clln4x4.json")));
  }
  std::string address() const { return server.addresses().at(0).address; }

  std::unique_ptr<Simulator> sim;
  SteppedBoardMachine machine;
  standins::BoardServer server;
  fs::path addresses;
};

std::vector<double> gates_of(const Network& net) {
  std::vector<double> g;
  for (std::size_t j : gate_edges(net)) g.push_back(net.edges[j].gate_volts);
  return g;
}

TrainConfig xor_run(int epochs) { return test::bundled_experiment("clln_xor.json", {{"epochs", epochs}}); }

}  // namespace

TEST_CASE("board hil: XOR on the transistor lattice through the board ends with the in-process ideal gates", "[hil][socket][board]") {
  ScratchDir scratch("board_hil_ideal");
  BoardRig rig(std::make_unique<IdealSimulator>(), scratch.dir);
  const TrainConfig config = xor_run(30);

  IdealSimulator ideal;
  const auto since = [](auto t) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(); };
  auto t0 = std::chrono::steady_clock::now();
  const Network in_process = train(config, ideal);
  const double in_process_seconds = since(t0);
  hil::BoardSimulator board(hil::load_addresses_file(rig.addresses.string()));
  t0 = std::chrono::steady_clock::now();
  const Network looped = train(config, board);
  const double seconds = since(t0);

  const std::vector<double> initial = gates_of(resolve_network(config));
  CHECK(gates_of(in_process) != initial);  // the run moved gates, so equality below means something
  CHECK(gates_of(looped) == gates_of(in_process));
  {
    std::lock_guard<std::mutex> lock(rig.server.mutex());
    CHECK(rig.machine.gates() == gates_of(in_process));  // the board holds them
  }
  const int steps = 30;  // 4 samples, batch 4: one step per epoch
  std::printf("clln_xor, %d steps: board hil (ideal) %.0f steps/s, %.1f round trips/step; in-process ideal %.0f steps/s\n",
              steps, steps / seconds, static_cast<double>(board.round_trips()) / steps, steps / in_process_seconds);
}

TEST_CASE("board hil: through an ngspice board it ends with the in-process ngspice gates", "[hil][socket][board][ngspice]") {
  ScratchDir scratch("board_hil_ngspice");
  BoardRig rig(std::make_unique<NgspiceSimulator>(), scratch.dir);
  const TrainConfig config = xor_run(5);
  NgspiceSimulator spice(config.tolerances);
  const Network in_process = train(config, spice);
  hil::BoardSimulator board(hil::load_addresses_file(rig.addresses.string()));
  const Network looped = train(config, board);
  const auto want = gates_of(in_process), got = gates_of(looped);
  REQUIRE(got.size() == want.size());
  CHECK(want != gates_of(resolve_network(config)));
  for (std::size_t j = 0; j < want.size(); ++j) CHECK_THAT(got[j], WithinAbs(want[j], 1e-12));
}

TEST_CASE("board hil: a refusal reaches the client with the board's reason; the connection goes on", "[hil][socket][board]") {
  ScratchDir scratch("board_hil_refusal");
  BoardRig rig(std::make_unique<IdealSimulator>(), scratch.dir);
  client::BoardClient board(rig.address(), {.timeout = std::chrono::seconds(5)});
  try {
    board.set_eta(2.0);
    FAIL("ETA 2 was accepted");
  } catch (const client::ClientError& e) {
    CHECK(e.kind() == client::ClientErrorKind::Instrument);
    CHECK_THAT(std::string(e.what()), Contains("ETA 2 outside (0, 1]"));
  }
  try {
    board.set_gates(std::vector<double>(32, 9.0));
    FAIL("gates of 9 V were accepted");
  } catch (const client::ClientError& e) {
    CHECK_THAT(std::string(e.what()), Contains("outside 0.75..8 V"));
  }
  board.set_eta(0.25);
  board.set_alpha(3);
  board.set_steps(2);
  board.set_inputs({0, 0.45, 0.45, 0});
  board.set_targets({0.2});
  const client::BoardReadback r = board.read();
  CHECK(r.eta == 0.25);
  CHECK(r.alpha == 3);
  CHECK(r.steps == 2);
  CHECK(r.inputs == std::vector<double>{0, 0.45, 0.45, 0});
  CHECK(r.targets == std::vector<double>{0.2});
  const std::vector<client::BoardReport> steps = board.run();
  REQUIRE(steps.size() == 2);
  CHECK(steps[1].step == 2);
  CHECK(steps[1].free_volts.size() == 16);
  CHECK(board.read().gates == steps[1].gate_volts);
}

TEST_CASE("board hil: the network to train must be the board's, and only gates are set", "[hil][socket][board]") {
  ScratchDir scratch("board_hil_mismatch");
  BoardRig rig(std::make_unique<IdealSimulator>(), scratch.dir);
  hil::BoardSimulator board(hil::load_addresses_file(rig.addresses.string()));
  Network other = load_network_file(bundled("lab16.json"));
  try {
    board.load(other);
    FAIL("another network was accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "hil.network_mismatch");
    CHECK_THAT(std::string(e.what()), Contains("on the board"));
  }
  Network lattice = load_network_file(bundled("clln4x4.json"));
  board.load(lattice);
  Drive clamped;
  clamped.phase = Phase::Clamped;
  clamped.clamp_volts = {0.1};
  try {
    board.solve(clamped);
    FAIL("a clamped solve was accepted");
  } catch (const InputError& e) {
    CHECK(e.id() == "hil.unsupported_phase");
  }
  IdealSimulator ideal;
  ideal.load(lattice);
  CHECK(board.solve(Drive{}).node_volts == ideal.solve(Drive{}).node_volts);
}

TEST_CASE("board hil: through the board's serial device (its pty, ASRL<path>::INSTR) it ends with the in-process gates", "[hil][socket][board]") {
  ScratchDir scratch("board_hil_pty");
  BoardRig rig(std::make_unique<IdealSimulator>(), scratch.dir, true);
  if (!rig.server.pty_error().empty()) {
    WARN("no pseudo-terminal here: " << rig.server.pty_error());
    return;
  }
  const std::string pty = rig.server.addresses().at(1).address;
  nlohmann::json a = read_json(rig.addresses);
  a["board"] = "ASRL" + pty + "::INSTR";
  write_json(rig.addresses, a);
  const TrainConfig config = xor_run(10);
  IdealSimulator ideal;
  const Network in_process = train(config, ideal);
  hil::BoardSimulator board(hil::load_addresses_file(rig.addresses.string()));
  const Network looped = train(config, board);
  CHECK(gates_of(in_process) != gates_of(resolve_network(config)));
  CHECK(gates_of(looped) == gates_of(in_process));
}

TEST_CASE("serial line: what it refuses, a silent device times out and the next call reopens it", "[client][board]") {
  using client::ClientErrorKind;
  const auto kind_of = [](auto&& f) {
    try {
      f();
    } catch (const client::ClientError& e) {
      return e.kind();
    }
    return ClientErrorKind::Io;  // nothing thrown: not a kind any check below wants
  };
  CHECK_FALSE(client::serial_device_path("TCPIP0::127.0.0.1::5025::SOCKET"));
  CHECK_FALSE(client::serial_device_path("ASRL3::INSTR"));  // a port number, not a path
  CHECK_FALSE(client::serial_device_path("/dev/ttyACM0"));
  CHECK(client::serial_device_path("asrl/dev/ttyACM0::instr") == std::string("/dev/ttyACM0"));
  CHECK(kind_of([] { client::SerialLine("ASRL3::INSTR"); }) == ClientErrorKind::Argument);
  CHECK(kind_of([] { client::SerialLine("ASRL/dev/ttyACM0::INSTR", {.baud = 1234}); }) == ClientErrorKind::Argument);
  CHECK(kind_of([] { client::SerialLine("ASRL/nonexistent/tty::INSTR"); }) == ClientErrorKind::Connect);
  ScratchDir scratch("serial_line");
  const fs::path file = scratch.dir / "not_a_tty";
  write_json(file, nlohmann::json::object());
  CHECK(kind_of([&] { client::SerialLine("ASRL" + file.string() + "::INSTR"); }) == ClientErrorKind::Connect);

  // A terminal nobody answers on: the read times out, the next call reopens and goes through.
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);  // its reads never block the test
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const std::string path = ::ptsname(master);
  client::SerialLine line("ASRL" + path + "::INSTR", {.timeout = std::chrono::milliseconds(200)});
  line.write("MEAS;");
  CHECK(kind_of([&] { (void)line.read_line("MEAS;"); }) == ClientErrorKind::Timeout);
  line.write("READ;");  // reopened
  char buf[64];
  std::string got;
  for (int i = 0; i < 200 && got.find("READ;\n") == std::string::npos; ++i) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0)
      got.append(buf, static_cast<std::size_t>(n));
    else
      ::usleep(10000);
  }
  CHECK(got.find("READ;\n") != std::string::npos);
  REQUIRE(::write(master, "DONE;0;\r\n", 9) == 9);
  CHECK(line.read_line("READ;") == "DONE;0;");
  ::close(master);
}

TEST_CASE("board client: a board answering garbage gives typed errors, never a hang or a wrong value", "[client][board]") {
  using client::ClientErrorKind;
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const std::string address = std::string("ASRL") + ::ptsname(master) + "::INSTR";
  client::BoardClient board(address, {.timeout = std::chrono::milliseconds(300), .max_answer_bytes = 4096});
  // The board's side, on a thread: once the host's message has arrived (after any reopen, which
  // flushes the terminal), drain it and answer `reply`. The returned thread is joined by the caller.
  const auto answer = [&](std::string reply) {
    return std::thread([master, reply] {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      ::usleep(20000);  // the whole message
      char buf[4096];
      while (::read(master, buf, sizeof buf) > 0) {
      }
      // In pieces if need be (a terminal holds a few KiB); stops when the host closes its end.
      std::size_t sent = 0;
      for (int tries = 0; sent < reply.size() && tries < 100; ++tries) {
        const ssize_t n = ::write(master, reply.data() + sent, reply.size() - sent);
        if (n > 0) {
          sent += static_cast<std::size_t>(n);
        } else {
          pollfd out{master, POLLOUT, 0};
          ::poll(&out, 1, 20);
        }
      }
    });
  };
  const auto kind_of = [](auto&& f) {
    try {
      f();
    } catch (const client::ClientError& e) {
      return e.kind();
    }
    return ClientErrorKind::Io;  // nothing thrown
  };
  {
    std::thread board_side = answer("MEAS recieved!\r\nSTEP;x;\r\n");
    CHECK(kind_of([&] { board.measure(); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer("MEAS recieved!\r\nSTEP;0;\r\nFREE;MULTI;0.1;0.2z;\r\n");
    CHECK(kind_of([&] { board.measure(); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer("MEAS recieved!\r\nSTEP;0;\r\nFREE;MULTI;1e999;\r\n");
    CHECK(kind_of([&] { board.measure(); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer("MEAS recieved!\r\nSTEP;0;\r\nFREE;SOLO;1;\r\n");
    CHECK(kind_of([&] { board.measure(); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer("ALF recieved?\r\n");
    CHECK(kind_of([&] { board.set_alpha(1); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer(std::string(10000, 'A'));  // no line end within the answer limit
    CHECK(kind_of([&] { board.set_alpha(1); }) == ClientErrorKind::Malformed);
    board_side.join();
  }
  {
    std::thread board_side = answer("");  // silence
    CHECK(kind_of([&] { board.set_alpha(1); }) == ClientErrorKind::Timeout);
    board_side.join();
  }
  {
    std::thread board_side = answer("Aborting experiment.\r\nERR;ALF 1 is not welcome;\r\n");
    try {
      board.set_alpha(1);
      FAIL("an abort was taken for an acknowledgement");
    } catch (const client::ClientError& e) {
      CHECK(e.kind() == ClientErrorKind::Instrument);
      CHECK_THAT(std::string(e.what()), Contains("ALF 1 is not welcome"));
    }
    board_side.join();
  }
  {
    std::thread board_side = answer("ALF recieved!\r\n");
    board.set_alpha(1);  // and a sane answer after all that goes through
    board_side.join();
  }
  ::close(master);
}

TEST_CASE("board: STOP; on the same port stops a long RUN between steps; the steps done stand; the other port is served meanwhile", "[hil][socket][board]") {
  ScratchDir scratch("board_stop");
  BoardRig rig(std::make_unique<IdealSimulator>(), scratch.dir, true);
  const std::uint16_t port = client::VisaAddress::parse(rig.address()).port;
  test::LineClient host(port);
  host.send("ALF;1;\nNST;10000;\nINPT;MULTI;0;0.45;0.45;0;\nTRGT;SOLO;0.2;\n");
  for (const char* ack : {"ALF recieved!\r", "NST recieved!\r", "INPT recieved!\r", "TRGT recieved!\r"})
    REQUIRE(host.read_line() == std::string(ack));
  // The answers of a command go out when it has run, so the RUN's reports come after the STOP.
  host.send("RUN;\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // The board's other port (its pty) is served between the steps: its answer comes while the RUN
  // still runs, as the STOP sent after it proves by stopping the RUN short. (Another connection
  // to the same port would wait: a port runs its commands one at a time.)
  if (rig.server.pty_error().empty()) {
    client::SerialLine other("ASRL" + rig.server.addresses().at(1).address + "::INSTR", {.timeout = std::chrono::seconds(10)});
    other.write("ERR;");
    CHECK(other.read_line("ERR;") == "ERR;none;");
  }
  host.send("STOP;\n");
  REQUIRE(host.read_line(std::chrono::seconds(30)) == std::string("RUN recieved!\r"));
  std::string line;
  std::int64_t last_step = 0;
  for (;;) {
    const auto l = host.read_line(std::chrono::seconds(30));
    REQUIRE(l);
    line = *l;
    if (line.rfind("STEP;", 0) == 0) last_step = std::stoll(line.substr(5));
    if (line == "Aborting experiment.\r" || line.rfind("DONE;", 0) == 0) break;
  }
  CHECK(line == "Aborting experiment.\r");
  CHECK(last_step < 10000);
  CHECK(host.read_line() == std::string("STOP recieved!\r"));
  host.send("ERR;\n");
  const auto why = host.read_line();
  REQUIRE(why);
  CHECK_THAT(*why, Contains("RUN stopped by STOP after " + std::to_string(last_step) + " of 10000 steps"));
  std::lock_guard<std::mutex> lock(rig.server.mutex());
  CHECK(rig.server.settings().steps == last_step);
}
