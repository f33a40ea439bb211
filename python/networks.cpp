// spiceloop.Network: load and save the JSON format, the generators, inspect nodes and edges, set
// values. Every network is validated by the library's loader (ids "network.*" at JSON pointers);
// values set from Python go through the same checks on a copy, so a refused change leaves the
// network as it was.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "emulator/core/atomic_file.hpp"
#include "emulator/network/generators.hpp"
#include "emulator/network/load.hpp"
#include "emulator/sim/drive_checks.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"

namespace spiceloop::python {

namespace {

Network from_document(py::handle doc, const std::string& source) {
  if (py::isinstance<py::str>(doc)) return parse_network_text(doc.cast<std::string>(), source);
  return parse_network(to_json(doc, kNetworkDocument), source);
}

// A changed copy, validated before it replaces the original.
template <class Change>
void change_checked(Network& net, Change change) {
  Network copy = net;
  change(copy);
  validate_network(copy);
  net = std::move(copy);
}

}  // namespace

void bind_networks(py::module_& m) {
  py::enum_<ElementKind>(m, "ElementKind")
      .value("resistor", ElementKind::Resistor)
      .value("digipot", ElementKind::Digipot)
      .value("diode", ElementKind::Diode)
      .value("transistor", ElementKind::Transistor)
      .value("memristor", ElementKind::Memristor);

  py::class_<Edge>(m, "Edge", "One edge (read-only view; change values through Network)")
      .def_readonly("name", &Edge::name)
      .def_readonly("a", &Edge::a, "node index (anode of a diode)")
      .def_readonly("b", &Edge::b, "node index (cathode of a diode)")
      .def_readonly("kind", &Edge::kind)
      .def_readonly("trainable", &Edge::trainable)
      .def_readonly("siemens", &Edge::siemens)
      .def_readonly("min_siemens", &Edge::min_siemens)
      .def_readonly("max_siemens", &Edge::max_siemens)
      .def_readonly("taps", &Edge::taps)
      .def_readonly("r_ab_ohms", &Edge::r_ab_ohms)
      .def_readonly("r_wiper_ohms", &Edge::r_wiper_ohms)
      .def_readonly("code", &Edge::code)
      .def_readonly("is_amps", &Edge::is_amps)
      .def_readonly("emission", &Edge::emission)
      .def("__repr__", [](const Edge& e) {
        return fmt::format("<Edge {} {}-{} {} {:.6g} S{}>", e.name, e.a, e.b,
                           element_kind_name(e.kind),
                           e.siemens, e.trainable ? " trainable" : "");
      });

  py::class_<Network>(m, "Network", "A validated network (nodes, edges, inputs, outputs); node 0 is the ground")
      .def(py::init([](py::handle doc) { return from_document(doc, ""); }), py::arg("document"),
           "From a network document: a dict (or its JSON text), or a generator spec {\"generator\": ...}")
      .def_static("load", [](const std::string& path) { return load_network_file(path); }, py::arg("path"))
      .def("save", [](const Network& n, const std::string& path) { write_file_atomically(path, network_to_text(n)); },
           py::arg("path"), "Writes the JSON document atomically (reloads exactly)")
      .def("to_json", [](const Network& n) { return from_json(network_to_json(n)); })
      .def("to_text", &network_to_text)
      .def_readonly("name", &Network::name)
      .def_readonly("nodes", &Network::node_names, "node names; nodes[0] is the ground")
      .def_readonly("edges", &Network::edges)
      .def_readonly("outputs", &Network::outputs, "node indices of the outputs")
      .def_property_readonly("inputs", [](const Network& n) {
        std::vector<int> nodes;
        for (const Input& i : n.inputs) nodes.push_back(i.node);
        return nodes;
      }, "node indices of the inputs")
      .def_property_readonly("node_count", &Network::node_count)
      .def_property_readonly("edge_count", &Network::edge_count)
      .def_property_readonly("is_linear", &Network::is_linear)
      .def("find_node", &Network::find_node, py::arg("name"))
      .def("find_edge", &Network::find_edge, py::arg("name"))
      .def("conductances", [](const Network& n) { return to_array(n.conductances()); }, "siemens per edge (0 for diodes)")
      .def("set_conductances", [](Network& n, py::handle siemens) {
        const std::vector<double> k = to_vector(siemens, "siemens");
        check_conductances(NetworkShape::of(n), k);
        change_checked(n, [&](Network& c) { c.set_conductances(k); });
      }, py::arg("siemens"), "One per edge; digipots snap to their nearest code; bounds are checked")
      .def("input_volts", [](const Network& n) {
        std::vector<double> v;
        for (const Input& i : n.inputs) v.push_back(i.volts);
        return to_array(v);
      })
      .def("set_input_volts", [](Network& n, py::handle volts) {
        const std::vector<double> v = to_vector(volts, "volts");
        if (v.size() != n.inputs.size())
          throw InputError("drive.size", "volts", fmt::format("{} values for {} inputs", v.size(), n.inputs.size()));
        change_checked(n, [&](Network& c) {
          for (std::size_t i = 0; i < v.size(); ++i) c.inputs[i].volts = v[i];
        });
      }, py::arg("volts"))
      .def("__copy__", [](const Network& n) { return n; })
      .def("__deepcopy__", [](const Network& n, py::dict) { return n; })
      .def("__eq__", [](const Network& a, const Network& b) { return network_to_json(a) == network_to_json(b); })
      .def("__repr__", [](const Network& n) {
        return fmt::format("<Network {}: {} nodes, {} edges, {} inputs, {} outputs>", n.name, n.node_count(),
                           n.edge_count(), n.inputs.size(), n.outputs.size());
      });

  m.def("load_network", [](const std::string& path) { return load_network_file(path); }, py::arg("path"));
  m.def("generate", [](const std::string& generator, const py::kwargs& keys) {
    nlohmann::json spec = kwargs_json(keys, kNetworkDocument);
    spec["generator"] = generator;
    return generate_network(spec);
  }, py::arg("generator"), "A generated network: generate(\"crossbar\", rows=4, columns=4, seed=1); keys as in netlists/README.md");
}

}  // namespace spiceloop::python
