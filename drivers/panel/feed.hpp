#pragma once
// What a panel shows: a Feed. The panel's port asks it, on its io thread, for the drawing once
// (graph) and for the values at most rate_hz times a second while a page is open (values); the
// charts come from its ChartLog. Two kinds: BenchFeed (the emulated lab of `serve`) and RunFeed
// (a training run, live or replayed). act() runs an action a page sent with the right token (the
// port checks the token first); a Feed without actions refuses them all.
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/panel/chart_log.hpp"

namespace spiceloop::panel {

class Feed {
 public:
  virtual ~Feed() = default;
  // {"kind":"bench"|"run"|"replay","title":...,"layout":...,"nodes":[...],"edges":[...]} (graph.hpp)
  virtual nlohmann::json graph() = 0;
  // {"edges":{...},"nodes":{...}, ...}: the values drawn now. Never throws: a failure is a field.
  virtual nlohmann::json values() = 0;
  virtual ChartLog& charts() = 0;
  // The action names act() takes (the page shows buttons for these); none by default.
  virtual nlohmann::json actions() const { return nlohmann::json::array(); }
  // An authenticated request {"cmd":...,...}: the answer object, {"ok":false,...} when refused.
  virtual nlohmann::json act(const nlohmann::json& request);
};

// {"ok":false,"error":"panel.<id>","detail":...}: the shape every refusal has (the control port's).
nlohmann::json refusal(const std::string& id, const std::string& detail);

}  // namespace spiceloop::panel
