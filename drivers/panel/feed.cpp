#include "drivers/panel/feed.hpp"

namespace spiceloop::panel {

nlohmann::json Feed::act(const nlohmann::json&) { return refusal("no_actions", "this panel takes no actions"); }

nlohmann::json refusal(const std::string& id, const std::string& detail) {
  return {{"ok", false}, {"error", "panel." + id}, {"detail", detail}};
}

}  // namespace spiceloop::panel
