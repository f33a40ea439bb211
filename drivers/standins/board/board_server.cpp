#include "drivers/standins/board/board_server.hpp"

#include <filesystem>

#include "drivers/server/endpoint.hpp"
#include "drivers/server/instrument_port.hpp"

namespace spiceloop::standins {

namespace {

// One per connection: its own framing over the board's one machine and settings.
class BoardEndpoint : public server::Endpoint {
 public:
  BoardEndpoint(BoardMachine& machine, BoardSettings& settings, const BoardLineOptions& options)
      : line_(machine, settings, options) {}
  void feed(std::string_view bytes) override { line_.feed(bytes); }
  std::string take_output() override { return line_.take_output(); }

 private:
  BoardLine line_;
};

}  // namespace

BoardServer::BoardServer(BoardMachine& machine, BoardServerOptions options)
    : machine_(machine),
      settings_(machine),
      mutex_(std::make_shared<std::mutex>()),
      group_(std::make_unique<server::ServerGroup>(options.host, options.port, options.limits)) {
  const BoardLineOptions line = options.line;
  auto endpoints = [this, line] { return std::make_unique<BoardEndpoint>(machine_, settings_, line); };
  server::PortOptions tcp;  // a refused client reads one line the host's parser can show
  tcp.refusal = [](const std::string& reason) { return "Aborting experiment. (connection refused: " + reason + ")\r\n"; };
  tcp.abort_line = is_board_stop_line;
  group_->add_protocol("board", endpoints, mutex_, tcp);
  server::PortOptions serial;
  serial.abort_line = is_board_stop_line;
  if (options.pty) try {
      group_->add_pty("board-pty", endpoints, mutex_, serial);
    } catch (const server::BindError& e) {
      pty_error_ = e.what();
    }
}

BoardServer::~BoardServer() { group_->stop(); }

std::vector<LabAddress> BoardServer::addresses() const {
  std::vector<LabAddress> out;
  const server::ServerGroup& g = *group_;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!g.pty_path(i).empty())
      out.push_back({g.name(i), g.pty_path(i)});
    else
      out.push_back({g.name(i), "TCPIP0::" + g.host() + "::" + std::to_string(g.port(i)) + "::SOCKET"});
  }
  return out;
}

nlohmann::json BoardServer::addresses_json(const std::string& network_file) const {
  nlohmann::json j;
  j["spiceloop_addresses"] = 1;
  j["network"] = std::filesystem::absolute(network_file).lexically_normal().string();
  for (const LabAddress& a : addresses()) j[a.name] = a.address;
  return j;
}

}  // namespace spiceloop::standins
