#include "emulator/study/result_row.hpp"

#include <fmt/format.h>

namespace spiceloop::study {

const std::vector<std::string>& result_columns() {
  static const std::vector<std::string> columns = {
      "index", "network", "backend", "reltol", "abstol_amps", "vntol_volts", "rule", "convention", "nudge", "alpha",
      "parameter", "update", "taps", "load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts", "seed",
      "loss0", "s_quad", "nudge_term", "nudge_pred", "nudge_rel_err", "euler_term", "euler_pred", "dq", "dq_over_q",
      "eta_star_pred", "cos_grad", "signal_rel_err", "drift_k2", "drift_r2", "drift_lnk", "run_steps", "run_time", "loss_final",
      "total_dq", "total_dq_rel", "total_nudge_pred", "total_k2", "total_r2", "total_lnk"};
  return columns;
}

std::string results_header() {
  std::string h;
  for (const auto& c : result_columns()) h += (h.empty() ? "" : ",") + c;
  return h;
}

std::string format_row(const SweepSpec& spec, const SweepPoint& p, const PointResult& r) {
  const bool ideal = p.backend == "ideal";
  std::string row = fmt::format("{},{},{},", p.index, spec.network_labels.at(p.network), p.backend);
  if (ideal)
    row += ",,,";  // the ideal solver is exact; tolerances do not apply
  else
    row += fmt::format("{:.17g},{:.17g},{:.17g},", p.tolerances.reltol, p.tolerances.abstol_amps, p.tolerances.vntol_volts);
  row += fmt::format("{},{},{:.17g},{:.17g},{},{},{},", rule_name(p.rule), convention_name(spec.convention), p.nudge,
                     p.alpha, parameter_name(p.parameter), update_mode_name(p.mode), p.taps);
  row += fmt::format("{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{}", p.breakers.load_ohms, p.breakers.source_ohms,
                     p.breakers.wiper_ohms, p.breakers.clip_margin, p.breakers.noise_volts, p.seed);
  for (double x : {r.loss0, r.s_quad, r.nudge_term, r.nudge_pred, r.nudge_rel_err, r.euler_term, r.euler_pred, r.dq,
                   r.dq_over_q, r.eta_star_pred, r.cos_grad, r.signal_rel_err, r.drift_k2, r.drift_r2, r.drift_lnk})
    row += fmt::format(",{:.17g}", x);
  row += fmt::format(",{},{:.17g}", r.run_steps, p.alpha * static_cast<double>(r.run_steps));
  for (double x : {r.loss_final, r.total_dq, r.total_dq_rel, r.total_nudge_pred, r.total_k2, r.total_r2, r.total_lnk})
    row += fmt::format(",{:.17g}", x);
  return row;
}

}  // namespace spiceloop::study
