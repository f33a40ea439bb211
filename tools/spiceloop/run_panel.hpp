#pragma once
// The front panel without a lab: a group of its own serving one Feed on 127.0.0.1, for
// `train --panel` (a live run) and `panel RUN_DIR` (a replay).
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/panel/feed.hpp"
#include "drivers/server/server_group.hpp"

namespace spiceloop::cli {

class RunPanel {
 public:
  // port: unset or 0 = a free one. Binds now (BindError), serves at once.
  RunPanel(panel::Feed& feed, std::optional<std::uint16_t> port);
  ~RunPanel() { group_.stop(); }
  std::string url() const;

 private:
  server::ServerGroup group_;
  std::size_t index_;
};

// "--panel [PORT]" as the commands take it: -1 (given without a port) = a free port.
std::optional<std::uint16_t> panel_port_option(int value, const std::string& option);

}  // namespace spiceloop::cli
