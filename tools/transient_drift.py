#!/usr/bin/env python3
"""Conservation in continuous time at circuit level: the drift of Q = sum k^2 over a training run of
the learning machine against the nudge eta (issue 12, 3a; DOMAIN.md section 3, item 5).

Runs `spiceloop transient netlists/transient/drift_lab16.json` (lab16, allostery, 60 periods) at each
eta of --etas, on three series:
  ideal        the ODE (quasistatic nodes)
  ngspice      one ngspice transient, as bundled: 1 fF nodes, reltol 1e-9 (vntol 1e-12 V, abstol 1e-15 A)
  ngspice_1pF  the same with lab16.json's 1 pF nodes (relaxing in 0.1 us, 1e-3 of a window)
  ideal_nodes_1pF  the ODE that integrates the 1 pF nodes too ("relaxation": "integrated", ode_relax.hpp)
and reads summary.json's q_drift: measured = Q(end) - Q(0) from the trajectory, predicted =
-2 eta rate integral v_win r^T H r dt, S = r^T H r taken at every period's two rows
(emulator/dynamics/drift.hpp).
In continuous time there is no Euler |dk|^2 term: the drift is the nudge's alone, so |dQ| ~ eta.
On ngspice the nodes' capacitance adds q_drift's relaxation term (first order in node_farads,
quadratic in alpha, independent of eta), compared too (relative_gap_with_relaxation).
An eta-independent excess (measured - predicted) is a floor under which the slope bends; the fit
takes the etas <= --fit-max whose predicted drift is at least 100 times the series' floor (its
excess at the smallest eta). A second table (floor.csv) measures that floor at eta = 1e-5 against
node capacitance, reltol, the largest step, the learning capacitor, alpha and the window (the 1 pF
floor is the relaxation term, node_farads alpha^2 / window: the analogue of the Euler |dk|^2 term).

Writes OUT/drift_vs_nudge.csv, OUT/floor.csv and OUT/drift_vs_nudge.png (matplotlib); the runs go
to --work.

Usage: tools/transient_drift.py [--spiceloop build/spiceloop] [--out docs/transient_drift]
                                [--work runs/transient-drift] [--etas 1e-5,...,0.3]
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPERIMENT = os.path.join(ROOT, "netlists", "transient", "drift_lab16.json")
ETAS = "1e-5,3e-5,1e-4,3e-4,1e-3,3e-3,1e-2,3e-2,0.1,0.3"
SERIES = [  # name, backend, dynamics and tolerance overrides
    ("ideal", "ideal", {}, {}),
    ("ngspice", "ngspice", {}, {}),
    ("ngspice_1pF", "ngspice", {"node_farads": 1e-12}, {}),
    ("ideal_nodes_1pF", "ideal", {"node_farads": 1e-12, "relaxation": "integrated"}, {}),
]
FLOOR_ETA = 1e-5
FLOOR_CASES = (  # dynamics, tolerances, top-level overrides: node capacitance at reltol 1e-9, then reltol and
    # the largest step and the learning capacitor at 1 fF, then reltol, alpha and the window at 1 pF
    # (how the relaxation floor scales)
    [({"node_farads": f}, {}, {}) for f in (1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16)]
    + [({}, {"reltol": r}, {}) for r in (1e-7, 1e-11)]
    + [({"max_step_seconds": 1e-6}, {}, {})]
    + [({"learning_farads": f}, {}, {}) for f in (2.2e-9, 2.2e-3)]
    + [({"node_farads": 1e-12}, {"reltol": 1e-11}, {}), ({"node_farads": 1e-12}, {}, {"alpha": 1e-7})]
    + [({"node_farads": 1e-12, "window_seconds": 2e-4, "period_seconds": 8e-4}, {}, {})]
)


def run(a, name, backend, eta, dynamics, tolerances, top=None):
    """One transient of the drift machine; its summary.json."""
    doc = json.load(open(EXPERIMENT))
    doc.update(top or {})
    doc["network"] = os.path.normpath(os.path.join(os.path.dirname(EXPERIMENT), doc["network"]))
    doc["rule"]["eta"] = eta
    doc["dynamics"].update(dynamics)
    doc["tolerances"].update(tolerances)
    d = os.path.join(a.work, f"{name}-eta{eta:g}")
    os.makedirs(d, exist_ok=True)
    exp = os.path.join(d, "experiment.json")
    json.dump(doc, open(exp, "w"), indent=1)
    subprocess.run([a.spiceloop, "transient", exp, "--backend", backend, "--out", d, "--no-plot"],
                   check=True, stdout=subprocess.DEVNULL)
    s = json.load(open(os.path.join(d, "summary.json")))
    if not s["complete"] or "q_drift" not in s:
        sys.exit(f"{d}: incomplete run or no q_drift in summary.json")
    return doc, s


def row_of(name, backend, eta, doc, s):
    q = s["q_drift"]
    return {"series": name, "backend": backend, "eta": eta,
            "node_farads": doc["dynamics"]["node_farads"], "reltol": doc["tolerances"]["reltol"],
            "max_step_seconds": doc["dynamics"].get("max_step_seconds", doc["dynamics"]["window_seconds"] / 20),
            "window_seconds": doc["dynamics"]["window_seconds"], "alpha": doc["alpha"], "periods": s["periods"],
            "q_change": q["measured"], "q_change_predicted": q["predicted"],
            "excess": q["measured"] - q["predicted"], "relative_gap": q["measured"] / q["predicted"] - 1,
            "relaxation": q["relaxation"],
            "relative_gap_with_relaxation": q["measured"] / (q["predicted"] + q["relaxation"]) - 1,
            "wall_seconds": s["wall_seconds"]}


def slope(points):
    """Least-squares slope of log|dQ| against log eta."""
    xs = [math.log(e) for e, _ in points]
    ys = [math.log(abs(q)) for _, q in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print("wrote", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "transient_drift"))
    ap.add_argument("--work", default="runs/transient-drift")
    ap.add_argument("--etas", default=ETAS)
    ap.add_argument("--fit-max", type=float, default=1e-2, help="largest eta in the slope fit")
    a = ap.parse_args()
    etas = sorted(float(x) for x in a.etas.split(","))
    os.makedirs(a.out, exist_ok=True)

    rows = []
    for name, backend, dynamics, tolerances in SERIES:
        for eta in etas:
            doc, s = run(a, name, backend, eta, dynamics, tolerances)
            rows.append(row_of(name, backend, eta, doc, s))
            r = rows[-1]
            print(f"{name:12s} eta {eta:<7g} dQ {r['q_change']:+.6e}  predicted {r['q_change_predicted']:+.6e}  "
                  f"gap {r['relative_gap']:+.2e}; with the relaxation term {r['relative_gap_with_relaxation']:+.2e}",
                  flush=True)
    write_csv(os.path.join(a.out, "drift_vs_nudge.csv"), rows)

    fits = {}
    for name, *_ in SERIES:
        rs = [r for r in rows if r["series"] == name]
        floor = abs(rs[0]["excess"])
        used = [r for r in rs if r["eta"] <= a.fit_max and abs(r["q_change_predicted"]) >= 100 * floor]
        small = [r for r in rs if r["eta"] <= a.fit_max]
        fit = {"floor": floor, "q0": None}
        if len(used) >= 2:
            fit["slope"] = slope([(r["eta"], r["q_change"]) for r in used])
            fit["range"] = (used[0]["eta"], used[-1]["eta"])
        fit["slope_all_small"] = slope([(r["eta"], r["q_change"]) for r in small])
        fit["slope_less_relaxation"] = slope([(r["eta"], r["q_change"] - r["relaxation"]) for r in small])
        fit["worst_gap"] = max(abs(r["relative_gap"]) for r in used) if used else float("nan")
        fits[name] = fit
        local = [slope([(r["eta"], r["q_change"]) for r in pair]) for pair in zip(rs, rs[1:])]
        print(f"{name:12s} local slopes between neighbouring etas: " + " ".join(f"{x:.5f}" for x in local))
        rng = f"eta {fit['range'][0]:g}..{fit['range'][1]:g}" if "range" in fit else "no eta above 100 x floor"
        print(f"{name:12s} slope {fit.get('slope', float('nan')):.5f} over {rng} (predicted drift >= 100 x the floor "
              f"{floor:.2e} S^2); over every eta <= {a.fit_max:g}: {fit['slope_all_small']:.5f}; "
              f"|measured/predicted - 1| <= {fit['worst_gap']:.2e} there")
        if name != "ideal":
            print(f"{name:12s} slope of dQ - relaxation over every eta <= {a.fit_max:g}: "
                  f"{fit['slope_less_relaxation']:.5f}; "
                  f"|measured/(predicted + relaxation) - 1| <= "
                  f"{max(abs(r['relative_gap_with_relaxation']) for r in rs):.2e} over every eta")
    pred = [(r["eta"], r["q_change_predicted"]) for r in rows if r["series"] == "ideal" and r["eta"] <= a.fit_max]
    print(f"prediction   slope {slope(pred):.5f} over eta <= {a.fit_max:g} (the trajectory's own O(eta) change)")

    floor_rows = []
    for dynamics, tolerances, top in FLOOR_CASES:
        name = "floor-" + "-".join(f"{k}{v:g}" for k, v in {**dynamics, **tolerances, **top}.items())
        doc, s = run(a, name, "ngspice", FLOOR_ETA, dynamics, tolerances, top)
        floor_rows.append(row_of(name, "ngspice", FLOOR_ETA, doc, s))
        r = floor_rows[-1]
        print(f"floor at eta {FLOOR_ETA:g}: node {r['node_farads']:g} F, reltol {r['reltol']:g}, max step "
              f"{r['max_step_seconds']:g} s, learning {doc['dynamics']['learning_farads']:g} F, alpha {r['alpha']:g}, "
              f"window {r['window_seconds']:g} s: excess "
              f"{r['excess']:+.3e} S^2 ({r['excess'] / s['q_drift']['measured']:+.2e} of dQ); first-order relaxation "
              f"{r['relaxation']:+.3e} S^2 (excess / relaxation - 1 = {r['excess'] / r['relaxation'] - 1:+.2e})",
              flush=True)
    write_csv(os.path.join(a.out, "floor.csv"), floor_rows)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: no drift_vs_nudge.png", file=sys.stderr)
        return
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 5.2))
    styles = {"ideal": ("o", "C0", "ideal ODE"), "ngspice": ("s", "C1", "ngspice, 1 fF nodes"),
              "ngspice_1pF": ("^", "C2", "ngspice, 1 pF nodes"),
              "ideal_nodes_1pF": ("x", "C3", "ODE with 1 pF nodes integrated")}
    for name, *_ in SERIES:
        rs = [r for r in rows if r["series"] == name]
        m, c, label = styles[name]
        f = fits[name]
        if "slope" in f:
            label += f" (slope {f['slope']:.4f}, eta {f['range'][0]:g}..{f['range'][1]:g})"
        ax.loglog([r["eta"] for r in rs], [abs(r["q_change"]) for r in rs], m, color=c, mfc="none", label=label)
        bx.loglog([r["eta"] for r in rs], [abs(r["relative_gap"]) for r in rs], m + "-", color=c, mfc="none",
                  label=styles[name][2])
        if name in ("ngspice", "ngspice_1pF"):
            ax.axhline(f["floor"], color=c, ls=":", lw=1)
        if name != "ideal":
            bx.loglog([r["eta"] for r in rs], [abs(r["relative_gap_with_relaxation"]) for r in rs], m + "--", color=c,
                      alpha=0.6, label=styles[name][2] + ", prediction + relaxation")
    ideal = [r for r in rows if r["series"] == "ideal"]
    ax.loglog([r["eta"] for r in ideal], [abs(r["q_change_predicted"]) for r in ideal], "k-", lw=0.8,
              label=r"predicted $2\eta\,\mathrm{rate}\int v_{win}\, r^T H r\, dt$")
    ax.set_xlabel(r"nudge $\eta$")
    ax.set_ylabel(r"$|\Delta Q|$ over the run (S$^2$)")
    ax.set_title(f"drift of Q over {rows[0]['periods']} periods (lab16); dotted: floors", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1)
    bx.set_xlabel(r"nudge $\eta$")
    bx.set_ylabel(r"|measured / predicted $-$ 1|")
    bx.set_title("agreement with the finite-nudge prediction", fontsize=10)
    bx.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.tight_layout()
    png = os.path.join(a.out, "drift_vs_nudge.png")
    fig.savefig(png, dpi=110)
    print("wrote", png)


if __name__ == "__main__":
    main()
