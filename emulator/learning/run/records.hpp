// The records of DIR/metrics.jsonl and summary.json (metrics.hpp gives the file's layout): built
// here once, so that `spiceloop train` and the Python module's Trainer.step() write and return the
// same fields in the same order. Undefined values (accuracy of a regression, the identity of a
// nonlinear network) are null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/learning/rules/rule.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop {

nlohmann::ordered_json optional_number(const std::optional<double>& x);

// The update and the conservation identity in words, written beside every result so that numbers
// from the two factor conventions are never compared by mistake.
std::string rule_formula(const RuleSpec& r);
std::string identity_formula(const RuleSpec& r);

nlohmann::ordered_json header_record(const Trainer& t, const Simulator& sim, const Simulator* oracle);
// rate_weighted: the config spreads per-edge rates (the record then adds sum_k2_over_rate).
nlohmann::ordered_json step_record(const StepReport& r, const char* convention, bool rate_weighted);
nlohmann::ordered_json epoch_record(int epoch, std::int64_t step, const EvalRecord& e, const Invariants& v,
                                    std::optional<double> rate, const char* convention);
nlohmann::ordered_json eval_json(const EvalRecord& e);

}  // namespace spiceloop
