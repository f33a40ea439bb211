// spiceloop.serve(): `spiceloop serve` in this process (drivers/standins/lab), as a context manager
// that stops every port on exit. The truth and the other control-port commands go through the
// control port itself (a real socket, drivers/client's line client), as a test or lab script would.
#include <pybind11/stl.h>

#include <memory>

#include "drivers/client/scpi_client.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/core/atomic_file.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "python/bindings.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::python {

namespace {

inline const DocumentKind kControlAnswer = DocumentKind::single("control", "bad_answer");

struct LabHandle {
  std::string bench_file;
  std::unique_ptr<Simulator> sim;
  std::unique_ptr<standins::Lab> lab;
  std::unique_ptr<client::ScpiClient> control;

  standins::Lab& running() {
    if (!lab) throw InputError("python.stopped", "lab", "the instruments were stopped; start another serve()");
    return *lab;
  }
  std::string address(const std::string& name) {
    for (const auto& a : running().addresses())
      if (a.name == name) return a.address;
    throw InputError("python.choice", name, "no such port on this bench");
  }
  py::object request(const nlohmann::json& req) {
    if (!control) {
      const std::string hostport = address("control");
      const auto colon = hostport.rfind(':');
      client::ClientOptions options;
      options.clear_on_connect = false;  // the control port speaks JSON lines, not SCPI: no *CLS
      control = std::make_unique<client::ScpiClient>("TCPIP0::" + hostport.substr(0, colon) + "::" +
                                                     hostport.substr(colon + 1) + "::SOCKET", options);
    }
    std::string answer;
    {
      py::gil_scoped_release released;
      answer = control->query(req.dump());
    }
    const nlohmann::json j = parse_json_text(answer, "control answer", kControlAnswer);
    if (j.is_object() && j.value("ok", true) == false)  // the port's own refusal, as an error with its id
      throw Error(j.value("error", "control.error"), "control port", j.value("detail", answer));
    return from_json(j);
  }
  void stop() noexcept {
    control.reset();
    if (lab) lab->stop();
    lab.reset();
    sim.reset();
  }
};

std::unique_ptr<LabHandle> serve(const std::string& bench, const std::string& backend, const std::string& host,
                                 int port, bool pty) {
  if (port < 0 || port > 65535) throw InputError("python.out_of_range", "port", "a TCP port is 0..65535 (0: free ports)");
  auto h = std::make_unique<LabHandle>();
  h->bench_file = bench;
  BenchConfig config = load_bench_file(bench);
  h->sim = cli::make_simulator({choose(backend, "backend", {"ideal", "ngspice"}), {}, {}});
  standins::LabOptions options;
  options.host = host;
  options.base_port = static_cast<std::uint16_t>(port);
  options.pty = pty;
  h->lab = std::make_unique<standins::Lab>(std::move(config), *h->sim, options);
  h->lab->start();
  return h;
}

}  // namespace

void bind_instruments(py::module_& m) {
  py::class_<LabHandle>(m, "Lab", "The bench's instruments on sockets (what `spiceloop serve` starts)")
      .def("__enter__", [](LabHandle& h) -> LabHandle& { return h; }, py::return_value_policy::reference)
      .def("__exit__", [](LabHandle& h, py::args) {
        py::gil_scoped_release released;
        h.stop();
        return false;
      })
      .def("stop", [](LabHandle& h) {
        py::gil_scoped_release released;
        h.stop();
      }, "Stops every port (also done by leaving the with block)")
      .def_property_readonly("running", [](const LabHandle& h) { return h.lab != nullptr; })
      .def_property_readonly("addresses", [](LabHandle& h) {
        py::dict d;
        for (const auto& a : h.running().addresses()) d[py::str(a.name)] = a.address;
        return d;
      }, "port name -> VISA resource (TCPIP0::...::SOCKET), pty path, or host:port (control)")
      .def("address", &LabHandle::address, py::arg("name"))
      .def("write_addresses", [](LabHandle& h, const std::string& path) {
        write_file_atomically(path, h.running().addresses_json(h.bench_file).dump(2) + "\n");
      }, py::arg("path"), "The addresses file `spiceloop train --backend hil --instruments` reads")
      .def("control", [](LabHandle& h, py::handle request) {
        return h.request(to_json(request, kPythonArguments));
      }, py::arg("request"), "One control-port request ({\"cmd\": \"pause\"}, ...) and its answer, as dicts")
      .def("truth", [](LabHandle& h) { return h.request({{"cmd", "truth"}}); },
           "The solved state through the control port: node_volts, edge_ohms, edge_codes, solves");
  m.def("serve", &serve, py::arg("bench"), py::kw_only(), py::arg("backend") = "ngspice", py::arg("host") = "127.0.0.1",
        py::arg("port") = 0, py::arg("pty") = false,
        "Serves a bench's instruments in this process (port 0: free ports); use as `with spiceloop.serve(...) as lab:`");
}

}  // namespace spiceloop::python
