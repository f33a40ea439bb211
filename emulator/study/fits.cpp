#include "emulator/study/fits.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace spiceloop::study {

namespace {

using nlohmann::json;
const std::vector<std::string> kAxes = {"network", "backend", "reltol", "abstol_amps", "vntol_volts", "rule",
                                        "parameter", "update", "taps", "load_ohms", "source_ohms", "wiper_ohms",
                                        "clip_margin", "noise_volts", "seed", "nudge", "alpha"};
const std::vector<std::string> kBreakers = {"load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts"};

std::string group_key(const ResultTable& t, std::size_t r, const std::vector<std::string>& leave_out) {
  std::string key;
  for (const auto& a : kAxes)
    if (std::find(leave_out.begin(), leave_out.end(), a) == leave_out.end()) key += a + "=" + t.text(r, a) + " ";
  if (!key.empty()) key.pop_back();
  return key;
}

bool breakers_off(const ResultTable& t, std::size_t r) {
  for (const auto& b : kBreakers)
    if (t.number(r, b) != 0.0) return false;
  return true;
}

// A linear network's row: its identity predictions are numbers (NaN on diodes and transistors).
bool linear(const ResultTable& t, std::size_t r) { return std::isfinite(t.number(r, "nudge_pred")); }

// The reference rows: the ideal backend's when the sweep has any; otherwise (a sweep run with
// --backend ngspice) the rows of its tightest reltol, so that such a sweep still has its fits.
struct Reference {
  std::string backend = "ideal", reltol;
  explicit Reference(const ResultTable& t) {
    bool ideal = false;
    double tightest = 0;
    for (std::size_t r = 0; r < t.size(); ++r) {
      if (t.text(r, "backend") == "ideal") ideal = true;
      else if (!ideal && (reltol.empty() || t.number(r, "reltol") < tightest))
        backend = t.text(r, "backend"), reltol = t.text(r, "reltol"), tightest = t.number(r, "reltol");
    }
    if (ideal) backend = "ideal", reltol.clear();
  }
  bool operator()(const ResultTable& t, std::size_t r) const {
    return t.text(r, "backend") == backend && t.text(r, "reltol") == reltol;
  }
};

// The rows of the plain experiment: the reference solver, continuous conductance updates, nothing
// broken.
bool clean(const ResultTable& t, std::size_t r, const Reference& ref) {
  return ref(t, r) && t.text(r, "update") == "continuous" && t.text(r, "parameter") == "conductance" &&
         breakers_off(t, r) && linear(t, r);
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

json stats(const std::vector<double>& v, double theory) {
  if (v.empty()) return json{{"groups", 0}, {"theory", theory}};
  return json{{"groups", v.size()},
              {"mean", std::accumulate(v.begin(), v.end(), 0.0) / v.size()},
              {"min", *std::min_element(v.begin(), v.end())},
              {"max", *std::max_element(v.begin(), v.end())},
              {"theory", theory}};
}

// A slope fit of log|dq| over one varied axis, per group, restricted by `keep`.
template <typename Keep>
json slope_fit(const ResultTable& t, const Reference& ref, const std::string& axis, double theory, Keep keep) {
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> groups;
  std::map<std::string, bool> clean_group;
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (!keep(r)) continue;
    const double dq = std::abs(t.number(r, "dq"));
    if (!(dq > 0)) continue;
    const std::string key = group_key(t, r, {axis});
    groups[key].first.push_back(std::log(t.number(r, axis)));
    groups[key].second.push_back(std::log(dq));
    clean_group[key] = clean(t, r, ref);
  }
  json list = json::array();
  std::vector<double> clean_slopes;
  for (const auto& [key, xy] : groups) {
    const double s = fit_slope(xy.first, xy.second);
    if (!std::isfinite(s)) continue;
    list.push_back({{"group", key}, {"slope", s}, {"points", xy.first.size()}});
    if (clean_group[key]) clean_slopes.push_back(s);
  }
  json out = stats(clean_slopes, theory);
  out["per_group"] = list;
  return out;
}

}  // namespace

double fit_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return std::nan("");
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  return sxx > 0 ? sxy / sxx : std::nan("");
}

nlohmann::json fit_results(const ResultTable& t) {
  json out;
  if (t.size() == 0) return out;
  const Reference ref(t);
  out["reference"] = ref.reltol.empty() ? ref.backend : ref.backend + " reltol=" + ref.reltol;

  // Smallest alpha and smallest nudge per rule, over the whole sweep.
  std::map<std::string, double> min_alpha, min_nudge;
  for (std::size_t r = 0; r < t.size(); ++r) {
    const std::string rule = t.text(r, "rule");
    const double a = t.number(r, "alpha"), n = t.number(r, "nudge");
    if (!min_alpha.count(rule) || a < min_alpha[rule]) min_alpha[rule] = a;
    if (!min_nudge.count(rule) || n < min_nudge[rule]) min_nudge[rule] = n;
  }
  const auto nudge_dominates = [&](std::size_t r) {
    return std::abs(t.number(r, "nudge_term")) >= 10.0 * t.number(r, "euler_term");
  };
  out["eta_slope"] = slope_fit(t, ref, "nudge", 1.0, [&](std::size_t r) {
    return t.number(r, "alpha") == min_alpha[t.text(r, "rule")] && nudge_dominates(r);
  });
  out["alpha_slope"] = slope_fit(t, ref, "alpha", 2.0, [&](std::size_t r) {
    return t.number(r, "nudge") == min_nudge[t.text(r, "rule")] &&
           t.number(r, "euler_term") >= 10.0 * std::abs(t.number(r, "nudge_term"));
  });

  // Sign flip: consecutive nudges of one group with opposite signs of dQ.
  {
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t r = 0; r < t.size(); ++r)
      if (t.text(r, "rule") != "ep_centered" && linear(t, r)) groups[group_key(t, r, {"nudge"})].push_back(r);
    json list = json::array();
    std::vector<double> ratios;
    for (auto& [key, rows] : groups) {
      std::sort(rows.begin(), rows.end(), [&](auto a, auto b) { return t.number(a, "nudge") < t.number(b, "nudge"); });
      for (std::size_t i = 1; i < rows.size(); ++i) {
        const double d0 = t.number(rows[i - 1], "dq"), d1 = t.number(rows[i], "dq");
        if (!(d0 > 0 && d1 < 0)) continue;
        const double x0 = std::log(t.number(rows[i - 1], "nudge")), x1 = std::log(t.number(rows[i], "nudge"));
        const double measured = std::exp(x0 + (x1 - x0) * d0 / (d0 - d1));
        const double predicted =
            std::sqrt(t.number(rows[i - 1], "eta_star_pred") * t.number(rows[i], "eta_star_pred"));
        list.push_back({{"group", key}, {"measured", measured}, {"predicted", predicted},
                        {"ratio", measured / predicted}});
        if (clean(t, rows[i], ref)) ratios.push_back(measured / predicted);
        break;
      }
    }
    out["sign_flip"] = {{"groups", list.size()}, {"median_ratio", ratios.empty() ? json(nullptr) : json(median(ratios))},
                        {"theory_ratio", 1.0}, {"per_group", list}};
  }

  // Invariants: per parameterisation, plain rows only.
  {
    json inv = json::object();
    const std::map<std::string, std::string> theory = {
        {"conductance", "sum_k2"}, {"resistance", "sum_r2"}, {"log_conductance", "sum_ln_k"}};
    for (const auto& [param, expected] : theory) {
      std::vector<double> k2, r2, lnk, tk2, tr2, tlnk;
      for (std::size_t r = 0; r < t.size(); ++r) {
        // The small-step limit: the smallest alpha and nudge of the rule.
        const std::string rule = t.text(r, "rule");
        if (t.text(r, "parameter") != param || !ref(t, r) || !linear(t, r) || t.text(r, "update") != "continuous" ||
            !breakers_off(t, r) || t.number(r, "alpha") != min_alpha[rule] || t.number(r, "nudge") != min_nudge[rule])
          continue;
        k2.push_back(t.number(r, "drift_k2")), r2.push_back(t.number(r, "drift_r2")), lnk.push_back(t.number(r, "drift_lnk"));
        if (t.number(r, "run_steps") > 0)
          tk2.push_back(t.number(r, "total_k2")), tr2.push_back(t.number(r, "total_r2")), tlnk.push_back(t.number(r, "total_lnk"));
      }
      if (k2.empty()) continue;
      const double m[3] = {median(k2), median(r2), median(lnk)};
      const char* names[3] = {"sum_k2", "sum_r2", "sum_ln_k"};
      const int best = static_cast<int>(std::min_element(m, m + 3) - m);
      json e = {{"rows", k2.size()},
                {"median_step_drift", {{"sum_k2", m[0]}, {"sum_r2", m[1]}, {"sum_ln_k", m[2]}}},
                {"conserved", names[best]},
                {"theory", expected},
                {"agrees", expected == names[best]}};
      if (!tk2.empty())
        e["median_run_drift"] = {{"sum_k2", median(tk2)}, {"sum_r2", median(tr2)}, {"sum_ln_k", median(tlnk)}};
      inv[param] = e;
    }
    out["invariants"] = inv;
  }

  // Breakers: identity error with exactly one breaker on, against every breaker off.
  {
    json br = json::object();
    std::vector<double> off;
    for (std::size_t r = 0; r < t.size(); ++r)
      if (ref(t, r) && linear(t, r) && t.text(r, "update") == "continuous" && breakers_off(t, r))
        off.push_back(t.number(r, "nudge_rel_err"));
    const auto entry = [&](const std::vector<double>& on) {
      return json{{"rows", on.size()},
                  {"median_rel_err_on", median(on)},
                  {"max_rel_err_off", off.empty() ? json(nullptr) : json(*std::max_element(off.begin(), off.end()))}};
    };
    for (const auto& b : kBreakers) {
      std::vector<double> on;
      for (std::size_t r = 0; r < t.size(); ++r) {
        if (!ref(t, r) || !linear(t, r) || t.text(r, "update") != "continuous" || t.number(r, b) == 0.0) continue;
        int active = 0;
        for (const auto& o : kBreakers) active += t.number(r, o) != 0.0;
        if (active == 1) on.push_back(t.number(r, "nudge_rel_err"));
      }
      if (!on.empty()) br[b] = entry(on);
    }
    for (const std::string mode : {"quantised", "sign"}) {
      std::vector<double> on;
      for (std::size_t r = 0; r < t.size(); ++r)
        if (ref(t, r) && linear(t, r) && t.text(r, "update") == mode && breakers_off(t, r))
          on.push_back(t.number(r, "nudge_rel_err"));
      if (!on.empty()) br[mode] = entry(on);
    }
    out["breakers"] = br;
  }

  // Backends: the identity error per (backend, reltol, rule, nudge), breaker-free continuous rows.
  {
    std::map<std::string, std::map<double, std::vector<double>>> groups;
    for (std::size_t r = 0; r < t.size(); ++r) {
      if (t.text(r, "update") != "continuous" || !breakers_off(t, r) || !linear(t, r)) continue;
      const std::string key = t.text(r, "backend") + (t.text(r, "reltol").empty() ? "" : " reltol=" + t.text(r, "reltol")) +
                              " rule=" + t.text(r, "rule");
      groups[key][t.number(r, "nudge")].push_back(t.number(r, "nudge_rel_err"));
    }
    json list = json::array();
    for (const auto& [key, by_nudge] : groups) {
      json pts = json::array();
      double dominated_below = 0;  // the largest nudge whose identity error exceeds 10 %
      for (const auto& [nudge, errs] : by_nudge) {
        const double m = median(errs);
        pts.push_back({{"nudge", nudge}, {"median_rel_err", m}});
        if (m > 0.1) dominated_below = std::max(dominated_below, nudge);
      }
      list.push_back({{"group", key}, {"points", pts},
                      {"simulator_dominates_at_or_below", dominated_below > 0 ? json(dominated_below) : json(nullptr)}});
    }
    out["backends"] = list;
  }

  // Continuous limit: total dQ against the integrated nudge term.
  {
    json list = json::array();
    for (std::size_t r = 0; r < t.size(); ++r) {
      if (!clean(t, r, ref) || !(t.number(r, "run_steps") > 0) || t.text(r, "rule") == "ep_centered") continue;
      list.push_back({{"rule", t.text(r, "rule")}, {"nudge", t.number(r, "nudge")}, {"alpha", t.number(r, "alpha")},
                      {"seed", t.text(r, "seed")}, {"steps", t.number(r, "run_steps")},
                      {"total_dq", t.number(r, "total_dq")}, {"total_nudge_pred", t.number(r, "total_nudge_pred")},
                      {"ratio", t.number(r, "total_dq") / t.number(r, "total_nudge_pred")}});
    }
    out["continuous_limit"] = list;
  }

  // Below about 1e-7 both backends sit at the rounding floor of the update's clamp difference
  // (measured on the ideal backend, transistors and diodes): a factor 2 there is noise.
  constexpr double kRoundingFloor = 1e-6;
  // Signal drift against the small-nudge prediction (measure.hpp), every network, per network,
  // rule and simulator (backend and tolerances): the median over the other axes at each nudge.
  // A simulator group is compared with the ideal group of its network and rule at each nudge:
  // "simulator_dominates_below" is the largest nudge where its drift exceeds twice the ideal's
  // (physics) and 1e-6, i.e. where the tolerances, not the devices, set the measured drift.
  {
    const auto simulator = [&](std::size_t r) {
      return t.text(r, "backend") + (t.text(r, "reltol").empty() ? ""
                                      : " reltol=" + t.text(r, "reltol") + " abstol_amps=" + t.text(r, "abstol_amps") +
                                            " vntol_volts=" + t.text(r, "vntol_volts"));
    };
    // (network rule) -> simulator -> nudge -> errors
    std::map<std::string, std::map<std::string, std::map<double, std::vector<double>>>> groups;
    for (std::size_t r = 0; r < t.size(); ++r) {
      if (t.text(r, "update") != "continuous" || !breakers_off(t, r)) continue;
      const double e = t.number(r, "signal_rel_err");
      if (!std::isfinite(e)) continue;
      groups["network=" + t.text(r, "network") + " rule=" + t.text(r, "rule")][simulator(r)][t.number(r, "nudge")].push_back(e);
    }
    json list = json::array();
    for (const auto& [net_rule, sims] : groups) {
      const auto ideal = sims.find("ideal");
      for (const auto& [sim, by_nudge] : sims) {
        json pts = json::array();
        double dominated_below = 0, best = std::numeric_limits<double>::infinity(), best_nudge = 0;
        for (const auto& [nudge, errs] : by_nudge) {
          const double m = median(errs);
          json pt = {{"nudge", nudge}, {"median_signal_rel_err", m}};
          if (m < best) best = m, best_nudge = nudge;
          if (ideal != sims.end() && sim != "ideal") {
            const auto at = ideal->second.find(nudge);
            if (at != ideal->second.end()) {
              const double phys = median(at->second);
              pt["ideal"] = phys;
              if (m > 2.0 * phys && m > kRoundingFloor) dominated_below = std::max(dominated_below, nudge);
            }
          }
          pts.push_back(pt);
        }
        json g = {{"group", net_rule + " " + sim}, {"points", pts}, {"smallest_drift_at", best_nudge}};
        if (sim != "ideal")
          g["simulator_dominates_below"] = dominated_below > 0 ? json(dominated_below) : json(nullptr);
        list.push_back(g);
      }
    }
    out["signal"] = list;
  }
  return out;
}

}  // namespace spiceloop::study
