#include "drivers/standins/lab/lab.hpp"

#include <chrono>
#include <filesystem>

#include "drivers/server/endpoint.hpp"
#include "drivers/standins/control/control_port.hpp"
#include "drivers/standins/digipot/line_protocol.hpp"

namespace spiceloop::standins {

namespace {

// The board's line protocol as a server Endpoint, one per connection (its own line buffer).
class DigipotLineEndpoint : public server::Endpoint {
 public:
  explicit DigipotLineEndpoint(DigipotBoard& board) : line_(board) {}
  void feed(std::string_view bytes) override { line_.feed(bytes); }
  std::string take_output() override { return line_.take_output(); }

 private:
  DigipotLine line_;
};

}  // namespace

Lab::Lab(BenchConfig config, Simulator& sim, LabOptions options)
    : mutex_(std::make_shared<std::mutex>()),
      bench_(std::move(config), sim),
      source_(bench_),
      learning_network_(bench_),
      group_(std::make_unique<server::ServerGroup>(options.host, options.base_port, options.limits)) {
  if (!bench_.config().scanner.empty()) scanner_.emplace(bench_);
  if (!bench_.config().digipots.empty()) digipots_.emplace(bench_);
  if (bench_.has_smu()) smu_.emplace(bench_);
  if (bench_.config().pulser) pulser_.emplace(bench_);

  server::ServerGroup& g = *group_;
  std::vector<std::size_t> instruments;
  instruments.push_back(g.add("source", source_.tree(), source_.status(), mutex_));
  if (scanner_) instruments.push_back(g.add("scanner", scanner_->tree(), scanner_->status(), mutex_));
  if (digipots_) {
    instruments.push_back(g.add("digipots", digipots_->tree(), digipots_->status(), mutex_));
    DigipotBoard& board = digipots_->board();
    auto lines = [&board] { return std::make_unique<DigipotLineEndpoint>(board); };
    server::PortOptions line_options;  // a refused client reads the line protocol's own error form
    line_options.refusal = [](const std::string& reason) { return "ERR connection refused: " + reason + "\r\n"; };
    instruments.push_back(g.add_protocol("digipots-line", lines, mutex_, line_options));
    // A machine without pseudo-terminals (no /dev/ptmx in some containers) still serves the rest.
    if (options.pty) try {
        instruments.push_back(g.add_pty("digipots-pty", lines, mutex_));
      } catch (const server::BindError& e) {
        pty_error_ = e.what();
      }
  }
  instruments.push_back(g.add("network", learning_network_.tree(), learning_network_.status(), mutex_));
  if (smu_) instruments.push_back(g.add("smu", smu_->tree(), smu_->status(), mutex_));
  if (pulser_) instruments.push_back(g.add("pulser", pulser_->tree(), pulser_->status(), mutex_));
  add_control_port(g, bench_, *mutex_);

  const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::duration<double>(bench_.realism().command_latency_seconds));
  if (latency.count() > 0)
    for (std::size_t i : instruments) g.faults(i).set_latency(latency);
}

Lab::~Lab() { group_->stop(); }

std::vector<LabAddress> Lab::addresses() const {
  std::vector<LabAddress> out;
  const server::ServerGroup& g = *group_;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::string& name = g.name(i);
    if (!g.pty_path(i).empty())
      out.push_back({name, g.pty_path(i)});
    else if (name == "control")
      out.push_back({name, "127.0.0.1:" + std::to_string(g.port(i))});
    else if (name == "panel")
      out.push_back({name, "http://127.0.0.1:" + std::to_string(g.port(i)) + "/"});
    else
      out.push_back({name, "TCPIP0::" + g.host() + "::" + std::to_string(g.port(i)) + "::SOCKET"});
  }
  return out;
}

nlohmann::json Lab::addresses_json(const std::string& bench_file) const {
  nlohmann::json j;
  j["spiceloop_addresses"] = 1;
  j["bench"] = std::filesystem::absolute(bench_file).lexically_normal().string();
  for (const LabAddress& a : addresses()) j[a.name] = a.address;
  return j;
}

}  // namespace spiceloop::standins
