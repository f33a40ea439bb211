// spiceloop.Oracle(network): the theory oracle of emulator/solver/oracle.hpp for linear networks:
// the exact loss gradient dL/dk, H (output conductance matrix), H^-1 and the Jacobian dV_O/dk, as
// numpy arrays. oracle.nonlinear for a network with diodes. Same locking as the simulators.
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

#include "emulator/solver/oracle.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"

namespace spiceloop::python {

namespace {

struct OracleHandle {
  std::unique_ptr<Oracle> oracle;
  std::unique_ptr<std::mutex> mutex = std::make_unique<std::mutex>();

  template <class F>
  auto run(F&& f) {
    py::gil_scoped_release released;
    std::lock_guard lock(*mutex);
    return f(*oracle);
  }
};

}  // namespace

void bind_oracle(py::module_& m) {
  py::class_<OracleHandle>(m, "Oracle", "Exact gradient, H and Jacobian of a linear network (Eigen)")
      .def(py::init([](const Network& net) { return OracleHandle{std::make_unique<Oracle>(net)}; }), py::arg("network"))
      .def_property_readonly("network", [](const OracleHandle& h) { return h.oracle->network(); })
      .def("set_conductances", [](OracleHandle& h, py::handle siemens) {
        const std::vector<double> k = to_vector(siemens, "siemens");
        h.run([&](Oracle& o) { o.set_conductances(k); });
      }, py::arg("siemens"))
      .def("free_state", [](OracleHandle& h, py::handle inputs) {
        const std::vector<double> v = to_vector(inputs, "inputs");
        return h.run([&](Oracle& o) { return o.free_state(v); });
      }, py::arg("inputs") = py::none())
      .def("gradient", [](OracleHandle& h, py::handle inputs, py::handle targets) {
        const std::vector<double> v = to_vector(inputs, "inputs"), t = to_vector(targets, "targets");
        LossGradient g = h.run([&](Oracle& o) { return o.loss_gradient(v, t); });
        py::dict d;
        d["loss"] = g.loss;
        d["residual"] = to_array(g.residual);
        d["gradient"] = to_array(g.dloss_dsiemens);
        d["free"] = py::cast(std::move(g.free));
        return d;
      }, py::arg("inputs"), py::arg("targets"),
         "L = 1/2 |T - V_O|^2: {'loss', 'residual' (T - V_O), 'gradient' (dL/dk per edge, V^2/S), 'free' (State)}")
      .def("H", [](OracleHandle& h) { return to_array(h.run([](Oracle& o) { return Eigen::MatrixXd(o.output_conductance()); })); },
           "Output conductance matrix (outputs x outputs, S)")
      .def("H_inverse", [](OracleHandle& h) { return to_array(h.run([](Oracle& o) { return Eigen::MatrixXd(o.output_resistance()); })); },
           "H^-1 (ohms), solved directly")
      .def("jacobian", [](OracleHandle& h, py::handle inputs) {
        const std::vector<double> v = to_vector(inputs, "inputs");
        return to_array(h.run([&](Oracle& o) { return o.output_jacobian(v); }));
      }, py::arg("inputs") = py::none(), "dV_O/dk (outputs x edges, V/S) in the free state");
}

}  // namespace spiceloop::python
