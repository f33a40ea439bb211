#include "emulator/learning/run/records.hpp"

namespace spiceloop {

namespace {

using json = nlohmann::ordered_json;

json accuracy(double a) { return a >= 0 ? json(a) : json(nullptr); }

}  // namespace

json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

std::string rule_formula(const RuleSpec& r) {
  const bool half = r.convention == FactorConvention::Half;
  switch (r.kind) {
    case RuleKind::CoupledLearning:
      return half ? "dk = -(alpha / (2 eta)) [(dV_C)^2 - (dV_F)^2]" : "dk = -(alpha / eta) [(dV_C)^2 - (dV_F)^2]";
    case RuleKind::EquilibriumPropagation:
      return half ? "dk = -(alpha / (2 beta)) [(dV_beta)^2 - (dV_F)^2]" : "dk = -(alpha / beta) [(dV_beta)^2 - (dV_F)^2]";
    case RuleKind::CenteredEquilibriumPropagation:
      return half ? "dk = -(alpha / (4 beta)) [(dV_+beta)^2 - (dV_-beta)^2]"
                  : "dk = -(alpha / (2 beta)) [(dV_+beta)^2 - (dV_-beta)^2]";
  }
  return "";
}

std::string identity_formula(const RuleSpec& r) {
  const std::string f = r.convention == FactorConvention::Half ? "" : "2 ";
  switch (r.kind) {
    case RuleKind::CoupledLearning: return "2 k.dk_rule + " + f + "alpha eta r^T H r = 0";
    case RuleKind::EquilibriumPropagation: return "2 k.dk_rule + " + f + "alpha beta r^T H^-1 r = 0";
    case RuleKind::CenteredEquilibriumPropagation: return "2 k.dk_rule = 0";
  }
  return "";
}

json header_record(const Trainer& t, const Simulator& sim, const Simulator* oracle) {
  const TrainConfig& c = t.config();
  int trainable = 0;
  for (const Edge& e : t.network().edges) trainable += e.trainable && e.has_value();
  return {{"type", "header"},
          {"format", "spiceloop.metrics.v1"},
          {"rule", rule_name(c.rule.kind)},
          {"convention", convention_name(c.rule.convention)},
          {"formula", rule_formula(c.rule)},
          {"identity", identity_formula(c.rule)},
          {"nudge", c.rule.nudge},
          {"twin", c.rule.twin},
          {"alpha", c.alpha},
          {"update", update_mode_name(c.update.mode)},
          {"rounding", rounding_name(c.update.rounding)},
          {"parameter", parameter_name(c.update.parameter)},
          {"rate_spread", c.update.rate_spread},
          {"desync_fraction", c.update.desync_fraction},
          {"task", task_name(c.task.kind)},
          {"train_samples", t.dataset().train.size()},
          {"test_samples", t.dataset().test.size()},
          {"batch_size", c.batch_size},
          {"epochs", c.epochs},
          {"seed", c.seed},
          {"backend", sim.name()},
          {"oracle", oracle ? json(oracle->name()) : json(nullptr)},
          {"edges", t.network().edge_count()},
          {"trainable_edges", trainable},
          {"fingerprint", t.fingerprint()}};
}

json step_record(const StepReport& r, const char* convention, bool rate_weighted) {
  json j = {{"type", "step"},
            {"step", r.step},
            {"epoch", r.epoch},
            {"loss", r.loss},
            {"Q", r.after.sum_k2},
            {"dQ", r.after.sum_k2 - r.before.sum_k2},
            {"sum_R2", r.after.sum_r2},
            {"sum_ln_k", r.after.sum_ln_k},
            {"k_dot_dk", r.k_dot_dk},
            {"k_dot_dk_rule", r.k_dot_dk_rule},
            {"identity_S", optional_number(r.identity_s)},
            {"identity_residual", optional_number(r.identity_residual)},
            {"identity_relative", optional_number(r.identity_relative)},
            {"convention", convention}};
  if (rate_weighted) j["sum_k2_over_rate"] = r.after.sum_k2_over_rate;
  if (r.sum_effective_siemens2) {  // transistor networks: the conserved-quantity candidates
    j["sum_overdrive2"] = r.after.sum_overdrive2;
    j["d_sum_overdrive2"] = r.after.sum_overdrive2 - r.before.sum_overdrive2;
    j["sum_geff2"] = *r.sum_effective_siemens2;
    j["cos_grad"] = optional_number(r.cos_gradient);
  }
  return j;
}

json epoch_record(int epoch, std::int64_t step, const EvalRecord& e, const Invariants& v, std::optional<double> rate,
                  const char* convention) {
  json j = {{"type", "epoch"},
          {"epoch", epoch},
          {"step", step},
          {"train_loss", e.train_loss},
          {"test_loss", e.test_loss},
          {"train_accuracy", accuracy(e.train_accuracy)},
          {"test_accuracy", accuracy(e.test_accuracy)},
          {"Q", v.sum_k2},
          {"sum_R2", v.sum_r2},
          {"sum_ln_k", v.sum_ln_k},
          {"steps_per_s", optional_number(rate)},
          {"convention", convention}};
  if (v.sum_overdrive2 > 0.0) j["sum_overdrive2"] = v.sum_overdrive2;
  if (e.error_modes.size() == 3)
    j["error_modes"] = {{"mean", e.error_modes[0]}, {"slope", e.error_modes[1]}, {"curvature", e.error_modes[2]}};
  return j;
}

json eval_json(const EvalRecord& e) {
  return {{"train_loss", e.train_loss},
          {"test_loss", e.test_loss},
          {"train_accuracy", accuracy(e.train_accuracy)},
          {"test_accuracy", accuracy(e.test_accuracy)}};
}

}  // namespace spiceloop
