// Training from Python. spiceloop.Trainer steps a run one batch at a time (step() returns the very
// record metrics.jsonl holds for it, built by emulator/learning/run/records.hpp); spiceloop.train()
// is `spiceloop train` itself (run_training: the same files, bit for bit), with a Python callback
// after every step (the run's observer). The GIL is released while steps run; the observer checks for
// signals, so Ctrl-C raises KeyboardInterrupt between steps and leaves the last checkpoint intact, as
// a kill would.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>

#include "emulator/learning/config.hpp"
#include "emulator/learning/run/checkpoint.hpp"
#include "emulator/learning/run/records.hpp"
#include "emulator/learning/run/run.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"
#include "python/simulator_handle.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::python {

namespace {

// An experiment: a dict (relative paths against base_dir) or a file.
TrainConfig config_of(py::handle experiment, const std::string& base_dir) {
  if (py::isinstance<py::dict>(experiment))
    return parse_train_config(to_json(experiment, kConfigDocument), base_dir.empty() ? "." : base_dir);
  if (py::isinstance<py::str>(experiment) || py::hasattr(experiment, "__fspath__"))
    return load_train_config_file(py::str(experiment).cast<std::string>());
  throw InputError("python.type", "experiment", "an experiment is a dict or the path of its JSON file");
}

// backend: a name (built with the experiment's tolerances) or a Simulator object.
SimulatorHandle backend_of(py::handle backend, const TrainConfig& config, const std::string& instruments) {
  if (py::isinstance<py::str>(backend))
    return SimulatorHandle{cli::make_simulator({backend.cast<std::string>(), config.tolerances, instruments})};
  return backend.cast<SimulatorHandle>();
}

py::dict eval_dict(const EvalRecord& e) { return from_json(eval_json(e)); }

struct TrainerHandle {
  TrainConfig config;
  SimulatorHandle sim;
  std::unique_ptr<IdealSimulator> oracle;
  std::unique_ptr<Trainer> trainer;

  template <class F>
  auto run(F&& f) {
    py::gil_scoped_release released;
    std::lock_guard lock(*sim.mutex);
    return f(*trainer);
  }
  const char* convention() const { return convention_name(config.rule.convention); }
};

TrainerHandle make_trainer(py::handle experiment, py::handle backend, bool oracle, const std::string& instruments,
                           const std::string& base_dir) {
  TrainerHandle h{config_of(experiment, base_dir), {}, nullptr, nullptr};
  h.sim = backend_of(backend, h.config, instruments);
  if (oracle) h.oracle = std::make_unique<IdealSimulator>(h.config.tolerances);
  const Network start = resolve_network(h.config);
  std::lock_guard lock(*h.sim.mutex);
  h.trainer = std::make_unique<Trainer>(h.config, start, *h.sim.sim, h.oracle.get());
  h.sim.note_loaded();
  return h;
}

py::dict train(py::handle experiment, py::handle backend, const std::string& out, bool resume, py::object callback,
               bool oracle, std::int64_t max_steps, bool plot, const std::string& instruments, const std::string& base_dir) {
  const TrainConfig config = config_of(experiment, base_dir);
  SimulatorHandle sim = backend_of(backend, config, instruments);
  IdealSimulator exact(config.tolerances);
  TrainRunOptions opt;
  opt.out_dir = out;
  opt.resume = resume;
  opt.progress = ProgressMode::Off;
  opt.oracle = oracle ? &exact : nullptr;
  opt.max_steps = max_steps;
  opt.plot = plot;
  if (plot) {
    opt.plot_script = tools_script("plot_training.py", "SPICELOOP_PLOT_SCRIPT");
    opt.network_plot_script = tools_script("plot_network.py", "SPICELOOP_PLOT_NETWORK_SCRIPT");
  }
  opt.observe = [&](const RunUpdate& u) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!callback.is_none() && u.record["type"] == "step") callback(from_json(u.record));
  };
  TrainResult r = sim.run([&](Simulator& s) { return run_training(config, s, opt); });
  sim.note_loaded();
  py::dict d;
  d["completed"] = r.completed;
  d["steps"] = r.steps;
  d["epochs"] = r.epochs;
  d["initial"] = eval_dict(r.initial);
  d["final"] = eval_dict(r.final);
  d["q_initial"] = r.q_initial;
  d["q_final"] = r.q_final;
  d["identity_max_relative"] = r.identity_max_relative ? py::object(py::float_(*r.identity_max_relative)) : py::none();
  d["seconds"] = r.seconds;
  d["steps_per_s"] = r.steps_per_s;
  d["network"] = py::cast(std::move(r.network));
  d["out_dir"] = r.out_dir.string();
  return d;
}

// One step, and at a checkpoint boundary the solver-history reset every run makes there
// (run/run.cpp), so that steps from Python equal the command's bit for bit on every backend.
StepReport step_as_a_run_does(Trainer& t, const TrainConfig& config) {
  StepReport r = t.step();
  if (config.checkpoint_every > 0 && t.steps_done() % config.checkpoint_every == 0) t.reset_solver_history();
  return r;
}

}  // namespace

void bind_training(py::module_& m) {
  py::class_<TrainerHandle>(m, "Trainer",
                            "One training run stepped from Python: step() returns metrics.jsonl's step record")
      .def(py::init(&make_trainer), py::arg("experiment"), py::arg("backend") = "ideal", py::kw_only(),
           py::arg("oracle") = true, py::arg("instruments") = "", py::arg("base_dir") = "",
           "experiment: a dict (relative paths against base_dir) or a JSON file; backend: ideal, ngspice, hil "
           "or a Simulator; oracle: the Eigen identity check at every step")
      .def("step", [](TrainerHandle& h) {
        const StepReport r = h.run([&h](Trainer& t) { return step_as_a_run_does(t, h.config); });
        return from_json(step_record(r, h.convention(), h.config.update.rate_spread > 0.0));
      })
      .def("step_report", [](TrainerHandle& h) {
        const StepReport r = h.run([&h](Trainer& t) { return step_as_a_run_does(t, h.config); });
        py::dict d = from_json(step_record(r, h.convention(), h.config.update.rate_spread > 0.0));
        d["signal"] = to_array(r.signal);
        d["dk"] = to_array(r.dk);
        return d;
      }, "step() plus the per-edge mean signal g and applied update dk as numpy arrays")
      .def("evaluate", [](TrainerHandle& h) { return eval_dict(h.run([](Trainer& t) { return t.evaluate(); })); })
      .def("header", [](TrainerHandle& h) {
        return from_json(header_record(*h.trainer, *h.sim.sim, h.oracle.get()));
      }, "metrics.jsonl's header record")
      .def("invariants", [](TrainerHandle& h) {
        const Invariants v = h.trainer->invariants();
        py::dict d;
        d["Q"] = v.sum_k2, d["sum_R2"] = v.sum_r2, d["sum_ln_k"] = v.sum_ln_k;
        return d;
      })
      .def_property_readonly("network", [](const TrainerHandle& h) { return h.trainer->network(); })
      .def_property_readonly("simulator", [](const TrainerHandle& h) { return h.sim; })
      .def_property_readonly("done", [](const TrainerHandle& h) { return h.trainer->done(); })
      .def_property_readonly("steps_done", [](const TrainerHandle& h) { return h.trainer->steps_done(); })
      .def_property_readonly("epochs_done", [](const TrainerHandle& h) { return h.trainer->epochs_done(); })
      .def_property_readonly("steps_per_epoch", [](const TrainerHandle& h) { return h.trainer->steps_per_epoch(); })
      .def_property_readonly("fingerprint", [](const TrainerHandle& h) { return h.trainer->fingerprint(); })
      .def("save_checkpoint", [](TrainerHandle& h, const std::filesystem::path& path) {
        write_checkpoint(path, h.trainer->save());
      }, py::arg("path"), "Everything needed to continue bit-identically (written atomically)")
      .def("restore_checkpoint", [](TrainerHandle& h, const std::filesystem::path& path) {
        h.run([&](Trainer& t) { t.restore(read_checkpoint(path)); });
      }, py::arg("path"), "checkpoint.mismatch for a checkpoint of another config, network or backend");

  m.def("train", &train, py::arg("experiment"), py::arg("backend") = "ngspice", py::kw_only(), py::arg("out") = "",
        py::arg("resume") = false, py::arg("callback") = py::none(), py::arg("oracle") = true,
        py::arg("max_steps") = -1, py::arg("plot") = true, py::arg("instruments") = "", py::arg("base_dir") = "",
        "`spiceloop train` from Python: writes metrics.jsonl, checkpoint.json, summary.json, network.json (and "
        "loss.png, network.png) into out (default: the experiment's output_dir); callback(record) after every step; "
        "resume=True continues from the checkpoint. Returns the result (losses, Q, steps, the trained network)");
}

}  // namespace spiceloop::python
