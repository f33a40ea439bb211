#include "tools/spiceloop/lab_panel.hpp"

namespace spiceloop::cli {

LabPanel::LabPanel(standins::Lab& lab, panel::PanelOptions options, std::optional<std::uint16_t> port)
    : lab_(lab),
      token_(options.token),
      control_(lab.bench(), lab.group(), lab.bench_mutex()),
      feed_(panel::BenchView{.bench = lab.bench(),
                             .bench_mutex = lab.bench_mutex(),
                             .group = lab.group(),
                             .digipots = lab.digipot_board(),
                             .clock = &lab.learning_clock(),
                             .control = [this](std::string_view line) { return control_.handle(line); },
                             .title = lab.bench().config().name}),
      index_(panel::add_panel(lab.group(), feed_, std::move(options), port)) {}

std::string LabPanel::url() const {
  std::string u = "http://127.0.0.1:" + std::to_string(port()) + "/";
  if (!token_.empty()) u += "#token=" + token_;
  return u;
}

}  // namespace spiceloop::cli
