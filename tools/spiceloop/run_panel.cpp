#include "tools/spiceloop/run_panel.hpp"

#include <fmt/format.h>

#include "drivers/panel/panel_port.hpp"
#include "emulator/core/error.hpp"

namespace spiceloop::cli {

RunPanel::RunPanel(panel::Feed& feed, std::optional<std::uint16_t> port)
    : group_("127.0.0.1", 0), index_(panel::add_panel(group_, feed, {}, port.value_or(0))) {
  group_.start();
}

std::string RunPanel::url() const { return fmt::format("http://127.0.0.1:{}/", group_.port(index_)); }

std::optional<std::uint16_t> panel_port_option(int value, const std::string& option) {
  if (value < -1 || value > 65535)
    throw InputError("cli.port", option, fmt::format("{} is not a TCP port (0..65535; 0 picks a free one)", value));
  if (value < 0) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace spiceloop::cli
