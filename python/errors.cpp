// The library's errors as Python exceptions: spiceloop.Error (an Exception) carrying id, where (a
// JSON pointer, file:line, or the argument's name), message and, for simulation failures, the
// simulator's own lines; InputError and SimulationError derive from it, as in C++. str(e) is the
// C++ what(): "[spiceloop.<id>] <where>: <message>". Instrument clients' failures are Error too,
// with ids "client.<kind>" and the address as where.
#include <pybind11/stl.h>

#include "drivers/client/client_error.hpp"
#include "drivers/server/instrument_port.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"

namespace spiceloop::python {

namespace {

const char* client_kind(client::ClientErrorKind k) {
  switch (k) {
    case client::ClientErrorKind::Connect: return "client.connect";
    case client::ClientErrorKind::Timeout: return "client.timeout";
    case client::ClientErrorKind::Closed: return "client.closed";
    case client::ClientErrorKind::Io: return "client.io";
    case client::ClientErrorKind::Malformed: return "client.malformed";
    case client::ClientErrorKind::Instrument: return "client.instrument";
    case client::ClientErrorKind::Argument: return "client.argument";
  }
  return "client.error";
}

void raise(const py::object& type, const std::string& id, const std::string& where, const std::string& message,
           const char* what, const std::vector<std::string>& lines = {}) {
  py::object e = type(what);
  e.attr("id") = id;
  e.attr("where") = where;
  e.attr("message") = message;
  e.attr("lines") = py::cast(lines);
  PyErr_SetObject(type.ptr(), e.ptr());
}

}  // namespace

void bind_errors(py::module_& m) {
  // Leaked on purpose: the translator outlives every module object (pybind11's own idiom).
  static auto* error = new py::object(py::exception<Error>(m, "Error"));
  static auto* input = new py::object(py::exception<InputError>(m, "InputError", *error));
  static auto* simulation = new py::object(py::exception<SimulationError>(m, "SimulationError", *error));
  for (auto* type : {error, input, simulation}) type->attr("__module__") = "spiceloop";
  error->attr("__doc__") =
      "A spiceloop error: .id (\"network.not_positive\"), .where (JSON pointer or argument), .message, .lines";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      raise(*input, e.id(), e.where(), e.message(), e.what());
    } catch (const SimulationError& e) {
      raise(*simulation, e.id(), e.where(), e.message(), e.what(), e.simulator_lines());
    } catch (const Error& e) {
      raise(*error, e.id(), e.where(), e.message(), e.what());
    } catch (const client::ClientError& e) {
      raise(*error, client_kind(e.kind()), e.address(), e.detail(), e.what());
    } catch (const server::BindError& e) {
      raise(*error, "server.bind", "", e.what(), e.what());
    }
  });
}

}  // namespace spiceloop::python
