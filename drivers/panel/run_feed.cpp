#include "drivers/panel/run_feed.hpp"

#include <cmath>

#include "drivers/panel/graph.hpp"

namespace spiceloop::panel {

namespace {

using json = nlohmann::json;

double number(const json& r, const char* key) {
  const auto it = r.find(key);
  return it != r.end() && it->is_number() ? it->get<double>() : ChartPoint::kNone;
}

}  // namespace

std::optional<ChartPoint> chart_point(const json& r) {
  const std::string type = r.is_object() ? r.value("type", "") : "";
  if (type != "step" && type != "epoch") return std::nullopt;
  ChartPoint p;
  p.step = number(r, "step");
  if (!std::isfinite(p.step)) return std::nullopt;
  p.q = number(r, "Q");
  if (type == "step") {
    p.loss = number(r, "loss");
    p.residual = number(r, "identity_relative");
  } else {
    p.loss = number(r, "train_loss");
    p.accuracy = number(r, "test_accuracy");
  }
  return p;
}

RunFeed::RunFeed(std::string title, Network network, std::string kind)
    : title_(std::move(title)), kind_(std::move(kind)), network_(std::move(network)) {
  siemens_ = network_.conductances();
  dk_.assign(siemens_.size(), 0.0);
}

json RunFeed::graph() {
  std::lock_guard lock(mutex_);
  json g = graph_json(network_);
  g["kind"] = kind_;
  g["title"] = title_;
  return g;
}

void RunFeed::record(const json& r, std::span<const double> siemens, std::span<const double> dk,
                     std::span<const double> free_volts) {
  std::lock_guard lock(mutex_);
  if (siemens.size() == siemens_.size()) siemens_.assign(siemens.begin(), siemens.end());
  if (dk.size() == dk_.size()) dk_.assign(dk.begin(), dk.end());
  if (free_volts.size() == static_cast<std::size_t>(network_.node_count())) volts_.assign(free_volts.begin(), free_volts.end());
  const std::string type = r.is_object() ? r.value("type", "") : "";
  if (type == "header") {
    for (const char* k : {"rule", "convention", "update", "task", "backend", "oracle", "epochs", "batch_size", "alpha", "nudge"})
      if (r.contains(k)) info_[k] = r[k];
  } else if (type == "step" || type == "epoch") {
    info_["step"] = r.value("step", 0);
    info_["epoch"] = r.value("epoch", 0);
    if (type == "step") info_["loss"] = r["loss"];
    if (type == "epoch") {
      info_["test loss"] = r["test_loss"];
      info_["test accuracy"] = r["test_accuracy"];
    }
  }
  if (auto p = chart_point(r)) {
    if (type == "epoch") charts_.merge(*p);
    else charts_.add(*p);
  }
}

void RunFeed::set_status(std::string status) {
  std::lock_guard lock(mutex_);
  info_["status"] = std::move(status);
}

json RunFeed::values() {
  std::lock_guard lock(mutex_);
  json out = {{"edges", {{"siemens", siemens_}, {"change", dk_}}}, {"run", info_}};
  // A change is drawn at full strength while it is the latest update.
  json age = json::array();
  for (double d : dk_) age.push_back(d != 0.0 ? json(0.0) : json(nullptr));
  out["edges"]["age_s"] = std::move(age);
  if (!volts_.empty()) out["nodes"] = {{"volts", volts_}};
  return out;
}

}  // namespace spiceloop::panel
