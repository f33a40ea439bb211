// What the binding files of the Python module share: one bind_* per area (a file each) and the
// conversions between Python values and the library's (JSON documents, numpy arrays).
//
// Errors the Python layer finds itself (the shape or type of an argument, a word outside its list)
// are InputError with the ids of kPythonArguments ("python.shape", "python.type", "python.choice"),
// located by the argument's name; everything else is the library's own check and id.
// Threading: the GIL is released around every solve and training run but a short ideal solve
// (simulator_handle.hpp); each Python simulator and oracle holds a mutex, so two Python threads
// sharing one never run it at once.
#pragma once

#include <Eigen/Dense>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <span>
#include <vector>

#include "emulator/core/json_reader.hpp"

namespace spiceloop::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_networks(py::module_& m);
void bind_simulators(py::module_& m);
void bind_oracle(py::module_& m);
void bind_training(py::module_& m);
void bind_study(py::module_& m);
void bind_instruments(py::module_& m);

inline const DocumentKind kPythonArguments{.prefix = "python", .wrong_type = "type", .not_a_choice = "choice"};

// A Python value (dict, list, tuple, str, int, float, bool, None, numpy scalars and arrays) as the
// JSON document the library's strict readers take; a NaN stays a NaN, for the reader to refuse at
// its pointer. Another type is InputError "<kind.prefix>.<kind.wrong_type>" at its pointer.
nlohmann::json to_json(py::handle value, const DocumentKind& kind, const std::string& pointer = "");
// JSON as Python values (an ordered_json keeps its key order in the dict).
template <class Json>
py::object from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = from_json(v);
      return d;
    }
    case Json::value_t::array: {
      py::list l;
      for (const auto& v : j) l.append(from_json(v));
      return l;
    }
    case Json::value_t::string: return py::str(j.template get<std::string>());
    case Json::value_t::boolean: return py::bool_(j.template get<bool>());
    case Json::value_t::number_integer: return py::int_(j.template get<std::int64_t>());
    case Json::value_t::number_unsigned: return py::int_(j.template get<std::uint64_t>());
    case Json::value_t::number_float: return py::float_(j.template get<double>());
    default: return py::none();
  }
}
// keyword arguments as a JSON object (the library reads it as it reads the same keys in a file)
nlohmann::json kwargs_json(const py::kwargs& kwargs, const DocumentKind& kind);

// A 1-D sequence of numbers, named `what` in errors (python.shape, python.type); None: empty.
std::vector<double> to_vector(py::handle value, const std::string& what);
// A 2-D array of numbers: rows of equal length (python.shape, python.type).
std::vector<std::vector<double>> to_rows(py::handle value, const std::string& what);
py::array_t<double> to_array(std::span<const double> values);
py::array_t<double> to_array(const Eigen::MatrixXd& m);

// tools/<name> for the plots train() and sweep() draw: found as the command finds it
// (core/plot_script.hpp), else in the source tree this module was built from (a Python process runs
// from anywhere, and /usr/bin is not beside the build).
std::filesystem::path tools_script(const std::string& name, const char* env_override);

// One of `words`, with "did you mean" (python.choice).
std::string choose(const std::string& word, const std::string& what, const std::vector<std::string_view>& words);

}  // namespace spiceloop::python
