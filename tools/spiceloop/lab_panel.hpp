#pragma once
// The front panel on a Lab (what `serve --panel` and `perf scpi --panels` start): a BenchFeed over
// the Lab's bench, digipot board and learning clock, its actions through a ControlPort of its
// own (the control port's requests and checks), added to the Lab's group as the port "panel".
// Call before Lab::start(); the LabPanel must outlive the Lab's group (destroy it after lab.stop()).
#include <cstdint>
#include <memory>
#include <optional>

#include "drivers/panel/bench_feed.hpp"
#include "drivers/panel/panel_port.hpp"
#include "drivers/standins/control/control_port.hpp"
#include "drivers/standins/lab/lab.hpp"

namespace spiceloop::cli {

class LabPanel {
 public:
  // options.token empty: a panel that only watches.
  LabPanel(standins::Lab& lab, panel::PanelOptions options, std::optional<std::uint16_t> port = std::nullopt);
  std::uint16_t port() const { return lab_.group().port(index_); }
  std::string url() const;  // http://127.0.0.1:<port>/ (with #token=... when there is one)

 private:
  standins::Lab& lab_;
  std::string token_;
  standins::ControlPort control_;
  panel::BenchFeed feed_;
  std::size_t index_;
};

}  // namespace spiceloop::cli
