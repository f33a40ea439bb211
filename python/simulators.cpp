// spiceloop.Ideal(), spiceloop.Ngspice() and spiceloop.simulator(backend, ...): the library's
// backends, built by the one factory (tools/spiceloop/make_simulator.hpp), behind one Python class
// Simulator. solve() takes a phase and numpy-able values and returns a State (numpy arrays; a twin
// solve returns a TwinState); solve_batch() takes one row per sample. Drives are checked by the
// library (drive.*); the GIL is released while a backend runs (but for a short ideal solve:
// simulator_handle.hpp).
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "emulator/learning/config.hpp"
#include "emulator/solver/ideal_simulator.hpp"
#include "emulator/spice/ngspice_simulator.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"
#include "python/simulator_handle.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::python {

namespace {

Phase phase_of(const std::string& word) {
  if (word == "free") return Phase::Free;  // the common case without building a JSON value
  const std::string p = choose(word, "phase", {"free", "clamped", "nudged", "twin"});
  return p == "free" ? Phase::Free : p == "clamped" ? Phase::Clamped : p == "nudged" ? Phase::Nudged : Phase::Twin;
}

Drive drive_of(const std::string& phase, py::handle inputs, py::handle clamp, py::handle nudge, py::handle eta,
               py::handle targets) {
  Drive d;
  d.phase = phase_of(phase);
  d.input_volts = to_vector(inputs, "inputs");
  d.clamp_volts = to_vector(clamp, "clamp");
  d.nudge_amps = to_vector(nudge, "nudge");
  d.twin_targets = to_vector(targets, "targets");
  if (!eta.is_none()) d.twin_eta = to_vector(py::make_tuple(eta), "eta")[0];
  return d;
}

SolverOptions tolerances_of(const py::kwargs& keys) {
  const nlohmann::json doc = kwargs_json(keys, kConfigDocument);
  return parse_tolerances(JsonObject(doc, kConfigDocument, {"", ""}, "", "the tolerances"));
}

SimulatorHandle make(const std::string& backend, const py::kwargs& keys, const std::string& instruments = "") {
  return SimulatorHandle{cli::make_simulator({backend, tolerances_of(keys), instruments})};
}

NgspiceSimulator& ngspice(SimulatorHandle& h) {
  auto* s = dynamic_cast<NgspiceSimulator*>(h.sim.get());
  if (!s) throw InputError("python.type", "simulator", "not an ngspice simulator");
  return *s;
}

py::object solve(SimulatorHandle& h, const Drive& d) {
  if (d.phase == Phase::Twin) {
    TwinState s = h.run_short([&](Simulator& sim) { return sim.solve_twin(d); });
    return py::cast(std::move(s));
  }
  return h.states->give(h.run_short([&](Simulator& sim) { return sim.solve(d); }));
}

// sim.solve(...): a CPython vectorcall method in front of pybind11's dispatcher, which costs about
// 0.15 us a call (argument records, overload matching), more than half of lab16's 0.24 us solve.
// The calls of a tight loop, solve() and solve(inputs=v) (the free phase), on a short-solving network
// (SimulatorHandle::run_short) solve here; every other call goes on to pybind11's binding, which reads
// the arguments. A failure here goes there too: it converts and solves again (the ideal backend is
// deterministic) and raises the failure as the library's exception.
PyObject* bound_solve = nullptr;  // pybind11's solve, set once at import (kept to the end: no destructor at exit)

PyObject* forward_solve(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  std::vector<PyObject*> with_self(static_cast<std::size_t>(total) + 1);
  with_self[0] = self;
  std::copy(args, args + total, with_self.begin() + 1);
  return PyObject_Vectorcall(bound_solve, with_self.data(), static_cast<std::size_t>(nargs) + 1, kwnames);
}

PyObject* solve_entry(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const bool inputs_only = nargs == 0 && kwnames && PyTuple_GET_SIZE(kwnames) == 1 &&
                           PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), "inputs") == 0;
  if ((nargs == 0 && !kwnames) || inputs_only) {
    try {
      auto& h = py::cast<SimulatorHandle&>(py::handle(self));
      if (h.short_solves->load(std::memory_order_relaxed)) {
        Drive free;
        if (inputs_only) free.input_volts = to_vector(args[0], "inputs");
        return h.states->give(h.run_short([&free](Simulator& sim) { return sim.solve(free); })).release().ptr();
      }
    } catch (...) {  // raised below, translated
      PyErr_Clear();
    }
  }
  return forward_solve(self, args, nargs, kwnames);
}

PyMethodDef solve_method{
    "solve", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&solve_entry)), METH_FASTCALL | METH_KEYWORDS,
    "solve(phase='free', *, inputs=None, clamp=None, nudge=None, eta=None, targets=None) -> State | TwinState\n\n"
    "Solves one phase: free (inputs), clamped (clamp: volts per output), nudged (nudge: amperes into each "
    "output), twin (eta, targets: a TwinState). inputs: volts per input (default: the network's)"};

void install_solve_entry(py::class_<SimulatorHandle>& simulator) {
  bound_solve = py::object(simulator.attr("solve")).release().ptr();
  auto* type = reinterpret_cast<PyTypeObject*>(simulator.ptr());
  py::setattr(simulator, "solve", py::reinterpret_steal<py::object>(PyDescr_NewMethod(type, &solve_method)));
}

}  // namespace

void SimulatorHandle::note_loaded() {
  bool brief = false;
  if (const auto* ideal = dynamic_cast<const IdealSimulator*>(sim.get()); ideal && ideal->loaded()) {
    const Network& net = ideal->network();
    brief = static_cast<std::size_t>(net.edge_count()) <= kShortSolveEdges && net.is_linear();
  }
  short_solves->store(brief);
}

void bind_simulators(py::module_& m) {
  py::class_<State>(m, "State", "One solved phase: volts, amperes, watts (signs in emulator/sim/state.hpp)")
      .def_property_readonly("node_volts", [](const State& s) { return to_array(s.node_volts); })
      .def_property_readonly("edge_volts", [](const State& s) { return to_array(s.edge_volts); }, "V_a - V_b per edge")
      .def_property_readonly("edge_amps", [](const State& s) { return to_array(s.edge_amps); }, "a -> b per edge")
      .def_property_readonly("source_amps", [](const State& s) { return to_array(s.source_amps); })
      .def_property_readonly("output_amps", [](const State& s) { return to_array(s.output_amps); })
      .def_readonly("power_watts", &State::power_watts)
      .def_readonly("kcl_residual", &State::kcl_residual)
      .def("__repr__", [](const State& s) {
        return fmt::format("<State {} nodes, {:.6g} W>", s.node_volts.size(), s.power_watts);
      });
  py::class_<TwinState>(m, "TwinState", "The free and the clamped copy of a twin solve")
      .def_readonly("free", &TwinState::free)
      .def_readonly("clamped", &TwinState::clamped);

  py::class_<SimulatorHandle> simulator(m, "Simulator",
                              "A backend (ideal, ngspice, hil). Build with Ideal(), Ngspice() or simulator(backend)");
  simulator
      .def_property_readonly("name", [](const SimulatorHandle& h) { return h.sim->name(); })
      .def("load", [](SimulatorHandle& h, const Network& net) {
        h.run([&](Simulator& s) { s.load(net); });
        h.note_loaded();
      }, py::arg("network"))
      .def("set_conductances", [](SimulatorHandle& h, py::handle siemens) {
        const std::vector<double> k = to_vector(siemens, "siemens");
        h.run_short([&](Simulator& s) { s.set_conductances(k); });
      }, py::arg("siemens"))
      // Replaced by solve_entry (install_solve_entry), which hands this the calls it does not take.
      .def("solve", [](SimulatorHandle& h, const std::string& phase, py::handle inputs, py::handle clamp,
                       py::handle nudge, py::handle eta, py::handle targets) {
        return solve(h, drive_of(phase, inputs, clamp, nudge, eta, targets));
      }, py::arg("phase") = "free", py::kw_only(), py::arg("inputs") = py::none(), py::arg("clamp") = py::none(),
         py::arg("nudge") = py::none(), py::arg("eta") = py::none(), py::arg("targets") = py::none())
      .def("solve_batch", [](SimulatorHandle& h, const std::string& phase, py::handle inputs, py::handle clamp,
                             py::handle nudge) {
        const auto in = to_rows(inputs, "inputs"), cl = to_rows(clamp, "clamp"), nu = to_rows(nudge, "nudge");
        const std::size_t n = std::max({in.size(), cl.size(), nu.size()});
        const auto row = [&](const std::vector<std::vector<double>>& rows, std::size_t i, const char* what) {
          if (rows.empty()) return std::vector<double>{};
          if (rows.size() != n)
            throw InputError("python.shape", what, fmt::format("{} rows for {} samples", rows.size(), n));
          return rows[i];
        };
        std::vector<Drive> drives(n);
        for (std::size_t i = 0; i < n; ++i) {
          drives[i].phase = phase_of(phase);
          drives[i].input_volts = row(in, i, "inputs");
          drives[i].clamp_volts = row(cl, i, "clamp");
          drives[i].nudge_amps = row(nu, i, "nudge");
        }
        return h.run([&](Simulator& s) { return s.solve_batch(drives); });
      }, py::arg("phase") = "free", py::kw_only(), py::arg("inputs") = py::none(), py::arg("clamp") = py::none(),
         py::arg("nudge") = py::none(),
         "Several samples at the same conductances (one row per sample); a list of State")
      .def("time_solves", [](SimulatorHandle& h, int rounds, int calls, const std::string& phase, py::handle inputs) {
        const Drive d = drive_of(phase, inputs, py::none(), py::none(), py::none(), py::none());
        std::vector<double> ns(static_cast<std::size_t>(std::max(rounds, 0)));
        h.run([&](Simulator& s) {
          for (double& t : ns) {
            const auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < calls; ++i) State state = s.solve(d);
            t = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / calls;
          }
        });
        return to_array(ns);
      }, py::arg("rounds"), py::arg("calls"), py::arg("phase") = "free", py::kw_only(), py::arg("inputs") = py::none(),
         "Times solves inside C++ (the library's own call in a C++ loop, no Python): mean ns per solve in each of "
         "`rounds` rounds of `calls` solves, for measuring Python's overhead (tools/perf_python.py)")
      .def_property_readonly("loaded", [](const SimulatorHandle& h) { return h.sim->loaded(); })
      .def("__repr__", [](const SimulatorHandle& h) { return "<Simulator " + h.sim->name() + ">"; });

  install_solve_entry(simulator);

  py::class_<IdealHandle, SimulatorHandle>(m, "Ideal", "The exact Eigen backend")
      .def(py::init([](const py::kwargs& keys) { return IdealHandle{make("ideal", keys)}; }),
           "Ideal(**tolerances): keys as an experiment's \"tolerances\" (newton_max_iterations, kcl_tolerance, ...)");
  py::class_<NgspiceHandle, SimulatorHandle>(m, "Ngspice", "libngspice in a supervised worker process")
      .def(py::init([](const py::kwargs& keys) { return NgspiceHandle{make("ngspice", keys)}; }),
           "Ngspice(**tolerances): reltol, abstol_amps, vntol_volts, gmin_siemens, ...")
      .def_property_readonly("worker_pid", [](NgspiceHandle& h) { return static_cast<long>(ngspice(h).worker_pid()); },
                             "pid of the worker that answered last (-1: none runs)")
      .def("counters", [](NgspiceHandle& h) {
        const auto c = ngspice(h).counters();
        py::dict d;
        d["solves"] = c.solves, d["circuit_loads"] = c.circuit_loads, d["alters"] = c.alters;
        d["stepped_solves"] = c.stepped_solves, d["worker_starts"] = c.worker_starts;
        d["worker_restarts"] = c.worker_restarts;
        return d;
      });
  m.def("simulator", [](const std::string& backend, const std::string& instruments, const py::kwargs& keys) {
    return make(backend, keys, instruments);
  }, py::arg("backend"), py::kw_only(), py::arg("instruments") = "",
     "A backend by name: ideal, ngspice, or hil (instruments: the addresses file `spiceloop serve --addresses` writes)");
}

}  // namespace spiceloop::python
