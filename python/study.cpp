// spiceloop.sweep(): the finite-nudging study of emulator/study/sweep.hpp (`spiceloop sweep`), with
// its rows read back from results.csv (study/result_table.hpp) as dicts: a cell that reads fully as
// a number is a number, an empty one None, the rest (labels, names) strings.
#include <pybind11/stl.h>

#include <charconv>
#include <cstdint>

#include "emulator/learning/config.hpp"
#include "emulator/study/result_row.hpp"
#include "emulator/study/result_table.hpp"
#include "emulator/study/sweep.hpp"
#include "emulator/core/error.hpp"
#include "python/bindings.hpp"
#include "tools/spiceloop/make_simulator.hpp"

namespace spiceloop::python {

namespace {

py::object cell(const std::string& s) {
  if (s.empty()) return py::none();
  const char* end = s.data() + s.size();
  std::int64_t i = 0;
  if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) return py::int_(i);
  double x = 0;
  if (auto r = std::from_chars(s.data(), end, x); r.ec == std::errc() && r.ptr == end) return py::float_(x);
  return py::str(s);
}

study::SweepSpec spec_of(py::handle sweep, const std::string& base_dir) {
  if (py::isinstance<py::dict>(sweep))
    return study::parse_sweep(to_json(sweep, kConfigDocument), base_dir.empty() ? "." : base_dir);
  if (py::isinstance<py::str>(sweep) || py::hasattr(sweep, "__fspath__"))
    return study::load_sweep_file(py::str(sweep).cast<std::string>());
  throw InputError("python.type", "sweep", "a sweep is a dict or the path of its JSON file");
}

py::list read_rows(const std::string& csv) {
  const study::ResultTable table = study::ResultTable::load(csv);
  py::list rows;
  for (std::size_t r = 0; r < table.size(); ++r) {
    py::dict row;
    for (const std::string& c : study::result_columns()) row[py::str(c)] = cell(table.text(r, c));
    rows.append(row);
  }
  return rows;
}

}  // namespace

void bind_study(py::module_& m) {
  m.def("sweep", [](py::handle sweep, const std::string& out, const std::string& backend, bool plot,
                    std::int64_t max_points, const std::string& base_dir) {
    study::SweepSpec spec = spec_of(sweep, base_dir);
    if (!backend.empty()) spec.backends = {choose(backend, "backend", {"ideal", "ngspice"})};
    study::SweepOptions opt;
    opt.out_dir = out;
    opt.factory = [](const std::string& name, const SolverOptions& tolerances) {
      return cli::make_simulator({name, tolerances, {}});
    };
    opt.plot = plot;
    if (plot) opt.plot_script = tools_script("plot_sweep.py", "SPICELOOP_PLOT_SWEEP_SCRIPT");
    opt.progress = false;
    opt.max_points = max_points;
    study::SweepOutcome r;
    {
      py::gil_scoped_release released;
      r = study::run_sweep(spec, opt);
    }
    py::dict d;
    d["points"] = r.points, d["measured"] = r.measured, d["resumed"] = r.resumed, d["complete"] = r.complete;
    d["seconds"] = r.seconds;
    d["results"] = r.results.string(), d["summary"] = r.summary.string();
    d["rows"] = r.complete ? read_rows(r.results.string()) : py::list();
    return d;
  }, py::arg("sweep"), py::kw_only(), py::arg("out") = "runs/sweep", py::arg("backend") = "", py::arg("plot") = false,
     py::arg("max_points") = -1, py::arg("base_dir") = "",
     "`spiceloop sweep` from Python: sweep is a dict (SWEEP.json's keys) or a file; resumes the points already in "
     "out. Returns {points, measured, resumed, complete, seconds, results, summary, rows} (rows: results.csv as dicts)");
  m.def("read_sweep_rows", &read_rows, py::arg("results_csv"), "The rows of a results.csv as dicts");
}

}  // namespace spiceloop::python
