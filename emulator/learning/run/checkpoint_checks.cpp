#include "emulator/learning/run/checkpoint_checks.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/numbers.hpp"

namespace spiceloop {

namespace {

constexpr const char* kRestart = "; the checkpoint does not belong to this run: start it again with --overwrite";

class Checker {
 public:
  Checker(const Checkpoint& c) : c_(c) {}
  [[noreturn]] void fail(const std::string& pointer, const std::string& message, const char* id = "checkpoint.invalid") const {
    throw InputError(id, checkpoint_where(c_, pointer), message + kRestart);
  }
  void require(bool ok, const std::string& pointer, const std::string& message) const {
    if (!ok) fail(pointer, message);
  }

 private:
  const Checkpoint& c_;
};

bool same_bits(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

void check_counters(const Checkpoint& c, const CheckpointRun& run, const Checker& k) {
  k.require(c.epoch >= 0 && c.epoch <= run.epochs, "/epoch",
            fmt::format("epoch {} is outside 0..{} (the experiment's epochs)", c.epoch, run.epochs));
  const std::int64_t batches = c.epoch == run.epochs ? 1 : run.batches_per_epoch;
  k.require(c.batch >= 0 && c.batch < batches, "/batch",
            fmt::format("batch {} is outside 0..{} (batches per epoch of this data set and batch size)", c.batch,
                        batches - 1));
  const std::int64_t step = static_cast<std::int64_t>(c.epoch) * run.batches_per_epoch + c.batch;
  k.require(c.step == step, "/step",
            fmt::format("step {} disagrees with epoch {} and batch {} ({} batches per epoch make step {})", c.step,
                        c.epoch, c.batch, run.batches_per_epoch, step));
  k.require(!c.complete || c.epoch == run.epochs, "/complete",
            fmt::format("complete before the last epoch ({} of {})", c.epoch, run.epochs));
}

void check_order(const Checkpoint& c, const CheckpointRun& run, const Checker& k) {
  if (c.batch == 0) {
    k.require(c.order.empty(), "/order", "a sample order at an epoch boundary, where the next epoch draws its own");
    return;
  }
  k.require(c.order.size() == run.train_samples, "/order",
            fmt::format("{} entries, but the training set has {} samples", c.order.size(), run.train_samples));
  std::vector<char> seen(run.train_samples, 0);
  for (std::size_t i = 0; i < c.order.size(); ++i) {
    const int s = c.order[i];
    const std::string at = "/order/" + std::to_string(i);
    k.require(s >= 0 && static_cast<std::size_t>(s) < run.train_samples, at,
              fmt::format("sample {} is outside 0..{}", s, run.train_samples - 1));
    k.require(!seen[s], at, fmt::format("sample {} appears twice: the order must be a permutation", s));
    seen[s] = 1;
  }
}

void check_edges(const Checkpoint& c, const CheckpointRun& run, const Checker& k) {
  const Network& net = run.start;
  k.require(c.siemens.size() == net.edges.size(), "/siemens",
            fmt::format("{} conductances for a network of {} edges", c.siemens.size(), net.edges.size()));
  k.require(c.codes.size() == net.edges.size(), "/codes",
            fmt::format("{} codes for a network of {} edges", c.codes.size(), net.edges.size()));
  const bool memristors = std::any_of(net.edges.begin(), net.edges.end(),
                                      [](const Edge& e) { return e.kind == ElementKind::Memristor; });
  const std::size_t device_values = memristors ? net.edges.size() : 0;
  k.require(c.programmed_siemens.size() == device_values && c.seconds_since_programmed.size() == device_values,
            "/devices",
            fmt::format("the memristors' drift state must hold one value per edge of a network with memristors ({}), "
                        "not {} and {}",
                        device_values, c.programmed_siemens.size(), c.seconds_since_programmed.size()));
  for (std::size_t j = 0; j < device_values; ++j)
    k.require(c.programmed_siemens[j] >= 0.0 && c.seconds_since_programmed[j] >= 0.0,
              "/devices/seconds_since_programmed/" + std::to_string(j),
              fmt::format("edge {}: a programmed conductance or an age below 0", net.edges[j].name));
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    const double g = c.siemens[j];
    const int code = c.codes[j];
    const std::string sj = "/siemens/" + std::to_string(j), cj = "/codes/" + std::to_string(j);
    const std::string edge = "edge " + e.name;
    // A transistor's value is its gate voltage (Network::conductances()), every other edge's its siemens.
    const bool gate = e.kind == ElementKind::Transistor;
    if (!e.trainable || !e.has_value()) {
      // Training never moves these: any other value is an edit.
      const double fixed = gate ? e.gate_volts : e.siemens;
      k.require(same_bits(g, fixed), sj,
                fmt::format("{} is fixed at {} {}, not {}", edge, format_double(fixed), gate ? "V" : "S", format_double(g)));
      k.require(code == e.code, cj, fmt::format("{} is fixed at code {}, not {}", edge, e.code, code));
      continue;
    }
    if (gate) {
      k.require(std::isfinite(g) && g >= e.min_gate_volts && g <= e.max_gate_volts, sj,
                fmt::format("{}: gate {} V lies outside its bounds [{}, {}] V", edge, format_double(g),
                            format_double(e.min_gate_volts), format_double(e.max_gate_volts)));
      k.require(code == e.code, cj, fmt::format("{} is a transistor: its code stays {}, not {}", edge, e.code, code));
      continue;
    }
    k.require(std::isfinite(g) && g > 0.0, sj, fmt::format("{}: conductance {} is not finite and positive", edge,
                                                            format_double(g)));
    if (e.kind == ElementKind::Digipot) {
      k.require(code >= 0 && code < e.taps, cj, fmt::format("{}: code {} is outside 0..{}", edge, code, e.taps - 1));
      k.require(code == e.code || run.updater.within_bounds(j, e, g, code), cj,
                fmt::format("{}: code {} lies outside the codes its bounds allow", edge, code));
      k.require(same_bits(g, digipot_siemens(e, code)), sj,
                fmt::format("{}: {} S is not the conductance of code {} ({} S)", edge, format_double(g), code,
                            format_double(digipot_siemens(e, code))));
    } else {
      k.require(run.updater.within_bounds(j, e, g, code), sj,
                fmt::format("{}: {} S lies outside its bounds [{}, {}] S", edge, format_double(g),
                            format_double(e.min_siemens), format_double(e.max_siemens)));
      k.require(code == e.code, cj, fmt::format("{} is a {}: its code stays {}, not {}", edge,
                                                element_kind_name(e.kind), e.code, code));
    }
  }
}

void check_record(const EvalRecord& e, const Checker& k) {
  const auto loss = [&](double x, const char* key) {
    k.require(std::isfinite(x) && x >= 0.0, std::string("/initial/") + key,
              fmt::format("{} must be finite and >= 0, got {}", key, format_double(x)));
  };
  const auto accuracy = [&](double x, const char* key) {
    k.require(x == -1.0 || (x >= 0.0 && x <= 1.0), std::string("/initial/") + key,
              fmt::format("{} must lie in [0, 1] (or be -1: none), got {}", key, format_double(x)));
  };
  loss(e.train_loss, "train_loss");
  loss(e.test_loss, "test_loss");
  accuracy(e.train_accuracy, "train_accuracy");
  accuracy(e.test_accuracy, "test_accuracy");
}

}  // namespace

void check_checkpoint(const Checkpoint& c, const CheckpointRun& run) {
  const Checker k(c);
  if (c.hash != run.fingerprint)
    k.fail("/hash",
           "the checkpoint was written by another config, network, data set or backend (fingerprint " + c.hash +
               ", this run " + run.fingerprint + ")",
           "checkpoint.mismatch");
  if (c.convention != run.convention)
    k.fail("/convention", "convention \"" + c.convention + "\", but this run uses \"" + run.convention + "\"",
           "checkpoint.mismatch");
  check_counters(c, run, k);
  check_order(c, run, k);
  check_edges(c, run, k);
  k.require(std::isfinite(c.elapsed_seconds) && c.elapsed_seconds >= 0.0, "/elapsed_seconds",
            "elapsed time must be finite and >= 0");
  check_record(c.initial, k);
}

}  // namespace spiceloop
