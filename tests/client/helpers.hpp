// Shared by the client tests, all over real loopback sockets:
// - SourceRig: the real source stand-in on the lab16 bench (IdealSimulator) behind an InstrumentServer;
// - MiniScanner / MiniDigipot: test-only instruments on scpi::CommandTree that speak the scanner and
//   digipot commands of INSTRUMENTS.md, until their stand-ins exist (readings are fixed doubles with
//   17 significant digits, so binary transfer can be checked bit for bit);
// - RawServer: a peer that misbehaves on purpose (never answers, closes at once, sends fixed bytes).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "drivers/scpi/call.hpp"
#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/common_commands.hpp"
#include "drivers/scpi/data_format.hpp"
#include "drivers/scpi/error.hpp"
#include "drivers/scpi/response.hpp"
#include "drivers/scpi/status.hpp"
#include "drivers/server/instrument_server.hpp"
#include "drivers/standins/source/source.hpp"
#include "emulator/bench/bench.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "tests/common/paths.hpp"

namespace client_test {

namespace scpi = spiceloop::scpi;
using namespace std::chrono_literals;

inline std::string visa(std::uint16_t port) { return "TCPIP0::127.0.0.1::" + std::to_string(port) + "::SOCKET"; }

// The real source stand-in on the lab16 bench, served on a free port of 127.0.0.1.
struct SourceRig {
  SourceRig()
      : bench(spiceloop::load_bench_file(spiceloop::test::bench_file("lab16.json")), sim),
        source(bench),
        server(source.tree(), source.status()) {}

  std::string address() const { return visa(server.port()); }

  spiceloop::IdealSimulator sim;
  spiceloop::Bench bench;
  spiceloop::standins::Source source;
  spiceloop::server::InstrumentServer server;
};

// A 34970A-like scanner with channels 101..120 whose channel ch always reads reading(ch).
struct MiniScanner {
  static double reading(int ch) { return ch / 7.0 - 1.0 / 3.0; }

  scpi::Status status;
  scpi::CommandTree tree;
  scpi::DataFormat format;
  std::vector<int> scan;
  std::map<int, double> nplc;
  bool initiated = false;

  MiniScanner() {
    scpi::add_common_commands(tree, status, {"spiceloop-test", "MINI-SCANNER", "0", "0"},
                              {.reset = [this] { format = {}; scan.clear(); }});
    scpi::add_format_commands(tree, format);
    tree.add("CONFigure[:VOLTage][:DC]", [this](scpi::Call& c) { scan = checked(c.channels(0)); }, {1, 1});
    tree.add("ROUTe:SCAN", [this](scpi::Call& c) { scan = checked(c.channels(0)); }, {1, 1});
    tree.add("ROUTe:SCAN:SIZE?", [this](scpi::Call& c) { c.respond(scpi::nr1(static_cast<int>(scan.size()))); });
    tree.add("[SENSe:]VOLTage[:DC]:NPLCycles", [this](scpi::Call& c) {
      const double n = c.number(0, {.unit = "", .min = 0.02, .max = 200});
      for (int ch : checked(c.channels(1))) nplc[ch] = n;
    }, {2, 2});
    tree.add("INITiate", [this](scpi::Call&) { initiated = true; });
    tree.add("ABORt", [this](scpi::Call&) { initiated = false; });
    tree.add("READ?", [this](scpi::Call& c) { c.respond(readings(scan)); });
    tree.add("FETCh?", [this](scpi::Call& c) {
      if (!initiated) throw scpi::Error(scpi::err::execution, "not initiated");
      c.respond(readings(scan));
    });
    tree.add("MEASure[:VOLTage][:DC]?", [this](scpi::Call& c) { c.respond(readings(checked(c.channels(0)))); }, {1, 1});
    // Test-only: a block whose bytes hold '\n', '#' and '\r', as binary data may.
    tree.add("TEST:BLOCK?", [](scpi::Call& c) { c.respond(scpi::definite_block(std::string("a\nb#3\r\n\0z", 10))); });
    tree.add("TEST:EMPTy?", [](scpi::Call& c) { c.respond(scpi::definite_block("")); });
  }

  static std::vector<int> checked(std::vector<int> channels) {
    for (int ch : channels)
      if (ch < 101 || ch > 120) throw scpi::Error(scpi::err::data_out_of_range, "channel " + std::to_string(ch));
    return channels;
  }
  std::string readings(const std::vector<int>& channels) const {
    std::vector<double> v;
    for (int ch : channels) v.push_back(reading(ch));
    return scpi::format_readings(v, format);
  }
};

// A digipot bank: 8 channels, codes 0..256, R = 10 kOhm * code / 256 + 50 Ohm.
struct MiniDigipot {
  static constexpr int kTaps = 256;
  static double ohms(int code) { return 10e3 * code / kTaps + 50.0; }

  scpi::Status status;
  scpi::CommandTree tree;
  std::array<int, 9> code{};  // by channel, [0] unused

  MiniDigipot() {
    scpi::add_common_commands(tree, status, {"spiceloop-test", "MINI-DPOT", "0", "0"});
    tree.add("DPOT:CODE", [this](scpi::Call& c) {
      const auto value = static_cast<int>(c.integer(0, 0, kTaps));
      for (int ch : checked(c.channels(1))) code[static_cast<std::size_t>(ch)] = value;
    }, {2, 2});
    tree.add("DPOT:CODE?", [this](scpi::Call& c) {
      for (int ch : checked(c.channels(0))) c.respond(scpi::nr1(code[static_cast<std::size_t>(ch)]));
    }, {1, 1});
    tree.add("DPOT:STEP", [this](scpi::Call& c) {
      const int sign = c.choice(0, {"UP", "DOWN"}) == 0 ? 1 : -1;
      const auto n = static_cast<int>(c.integer(1, 1, kTaps));
      for (int ch : checked(c.channels(2))) {
        int& k = code[static_cast<std::size_t>(ch)];
        k = std::clamp(k + sign * n, 0, kTaps);
      }
    }, {3, 3});
    tree.add("DPOT:RESistance?", [this](scpi::Call& c) {
      for (int ch : checked(c.channels(0))) c.respond(scpi::nr3(ohms(code[static_cast<std::size_t>(ch)]), 17));
    }, {1, 1});
  }

  static std::vector<int> checked(std::vector<int> channels) {
    for (int ch : channels)
      if (ch < 1 || ch > 8) throw scpi::Error(scpi::err::data_out_of_range, "channel " + std::to_string(ch));
    return channels;
  }
};

// A deliberately bad peer on a free port of 127.0.0.1, served from its own thread.
class RawServer {
 public:
  enum class Mode {
    Silent,         // accepts and never reads or answers
    CloseOnAccept,  // accepts and closes at once
    Reply,          // answers every line holding a '?' with `reply`, verbatim (a command: nothing)
  };

  explicit RawServer(Mode mode, std::string reply = {})
      : mode_(mode), reply_(std::move(reply)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RawServer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string address() const { return visa(port()); }

 private:
  using tcp = boost::asio::ip::tcp;
  struct Peer {
    explicit Peer(boost::asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::string buffer;
  };

  void accept() {
    auto peer = std::make_shared<Peer>(io_);
    acceptor_.async_accept(peer->socket, [this, peer](boost::system::error_code ec) {
      if (ec) return;
      peers_.push_back(peer);  // kept open until the server goes
      if (mode_ == Mode::CloseOnAccept) peer->socket.close();
      if (mode_ == Mode::Reply) serve(peer);
      accept();
    });
  }
  void serve(std::shared_ptr<Peer> peer) {
    boost::asio::async_read_until(peer->socket, boost::asio::dynamic_buffer(peer->buffer), '\n',
                                  [this, peer](boost::system::error_code ec, std::size_t n) {
                                    if (ec) return;
                                    const bool query = peer->buffer.substr(0, n).find('?') != std::string::npos;
                                    peer->buffer.erase(0, n);
                                    if (query) boost::asio::write(peer->socket, boost::asio::buffer(reply_), ec);
                                    serve(peer);
                                  });
  }

  Mode mode_;
  std::string reply_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Peer>> peers_;
  std::thread thread_;
};

// A port nobody listens on: bound, then released (another process could take it in between,
// which a loopback test on a free port accepts).
inline std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace client_test
