#include <cmath>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/plot_script.hpp"
#include "python/bindings.hpp"

namespace spiceloop::python {

namespace {

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

Array numbers(py::handle value, const std::string& what) {
  Array a;
  try {
    a = Array::ensure(value);
  } catch (const py::error_already_set&) {
  }
  if (!a) {
    PyErr_Clear();
    throw InputError("python.type", what,
                     fmt::format("{} must be numbers, not {}", what, std::string(py::str(py::type::of(value).attr("__name__")))));
  }
  return a;
}

}  // namespace

nlohmann::json to_json(py::handle v, const DocumentKind& kind, const std::string& pointer) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) {
    // As the JSON text parser types them: non-negative unsigned, negative signed; beyond 64 bits a
    // double, which the reader refuses where it wants an integer, as it would in a file.
    try {
      if (v.cast<py::int_>() >= py::int_(0)) return v.cast<std::uint64_t>();
      return v.cast<std::int64_t>();
    } catch (const py::cast_error&) {
      return v.cast<double>();
    }
  }
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    nlohmann::json o = nlohmann::json::object();
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(v)) {
      if (!py::isinstance<py::str>(key))
        kind.fail(kind.wrong_type, pointer, fmt::format("keys must be strings, not {}", std::string(py::repr(key))));
      const std::string k = key.cast<std::string>();
      o[k] = to_json(value, kind, pointer_append(pointer, k));
    }
    return o;
  }
  if (py::isinstance<py::array>(v) || py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    if (py::isinstance<py::array>(v) && py::reinterpret_borrow<py::array>(v).ndim() == 0)
      return to_json(v.attr("item")(), kind, pointer);
    nlohmann::json a = nlohmann::json::array();
    std::size_t i = 0;
    for (py::handle item : v) a.push_back(to_json(item, kind, pointer_append(pointer, i++)));
    return a;
  }
  if (py::hasattr(v, "item") && py::hasattr(v, "dtype")) return to_json(v.attr("item")(), kind, pointer);  // numpy scalar
  if (py::hasattr(v, "__fspath__")) return py::str(v.attr("__fspath__")()).cast<std::string>();  // pathlib
  kind.fail(kind.wrong_type, pointer.empty() ? "/" : pointer,
            fmt::format("a {} cannot be written in JSON (use dict, list, str, numbers, bool or None)",
                        std::string(py::str(py::type::of(v).attr("__name__")))));
}

nlohmann::json kwargs_json(const py::kwargs& kwargs, const DocumentKind& kind) {
  return to_json(kwargs, kind);
}

std::vector<double> to_vector(py::handle value, const std::string& what) {
  if (value.is_none()) return {};
  if (py::isinstance<Array>(value)) {  // already float64 and contiguous: read in place, no conversion
    const auto a = py::reinterpret_borrow<Array>(value);
    if (a.ndim() == 1) return {a.data(), a.data() + a.shape(0)};
  }
  const Array a = numbers(value, what);
  if (a.ndim() != 1)
    throw InputError("python.shape", what,
                     fmt::format("{} must be one-dimensional (one value per entry), not of shape {}", what, shape_text(a)));
  return {a.data(), a.data() + a.shape(0)};
}

std::vector<std::vector<double>> to_rows(py::handle value, const std::string& what) {
  if (value.is_none()) return {};
  const Array a = numbers(value, what);
  if (a.ndim() != 2)
    throw InputError("python.shape", what,
                     fmt::format("{} must be two-dimensional (one row per sample), not of shape {}", what, shape_text(a)));
  std::vector<std::vector<double>> rows(a.shape(0));
  for (py::ssize_t r = 0; r < a.shape(0); ++r) rows[r].assign(a.data(r, 0), a.data(r, 0) + a.shape(1));
  return rows;
}

py::array_t<double> to_array(std::span<const double> values) {
  py::array_t<double> a(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

py::array_t<double> to_array(const Eigen::MatrixXd& m) {
  py::array_t<double> a({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto out = a.mutable_unchecked<2>();
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) out(r, c) = m(r, c);
  return a;
}

std::filesystem::path tools_script(const std::string& name, const char* env_override) {
  std::filesystem::path found = find_plot_script(name, env_override);
  if (found.empty() && std::filesystem::exists(std::filesystem::path(SPICELOOP_TOOLS_DIR) / name))
    found = std::filesystem::path(SPICELOOP_TOOLS_DIR) / name;
  return found;
}

std::string choose(const std::string& word, const std::string& what, const std::vector<std::string_view>& words) {
  const nlohmann::json value = word;
  return JsonValue(value, kPythonArguments, {}, what, what).choice(words);
}

}  // namespace spiceloop::python
