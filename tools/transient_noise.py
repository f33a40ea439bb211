#!/usr/bin/env python3
"""Johnson noise in the learning machine in time (issue 12c): Q's diffusion against the fluctuation
prediction, and the accuracy cost of noise on Iris. Runs `spiceloop transient` many times.

1. Q diffusion (netlists/transient/lab16_noise.json): --ode-seeds runs of the ODE (Euler-Maruyama) and
   --ngspice-seeds runs of the ngspice transient, one noise seed each. Per period: the variance of Q
   over seeds on each backend, the prediction (noise_prediction.csv, emulator/dynamics/noise.hpp:
   dVar(Q)/dt = 32 k T_eff (c (1 - eta) rate)^2 v_win^2 r^T H r), and what Q's variance would be if
   the edges diffused independently (4 sum_j k_j^2 Var(k_j), from the ODE's per-edge variances).
   -> OUT/q_diffusion.csv, OUT/q_diffusion.png
2. Iris (netlists/transient/iris16_noise.json): test accuracy of the parameters a run ends with, per
   noise_gain (--gains), --iris-seeds noise seeds on the ODE, one ngspice run at --ngspice-gain.
   -> OUT/iris_accuracy_vs_noise.csv, OUT/iris_accuracy_vs_noise.png

Usage: tools/transient_noise.py [--spiceloop build/spiceloop] [--out docs/transient_noise]
       [--ode-seeds 200] [--ngspice-seeds 6] [--iris-seeds 4] [--gains 0,1e8,...] [--ngspice-gain 1e10]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB16 = os.path.join(ROOT, "netlists", "transient", "lab16_noise.json")
IRIS = os.path.join(ROOT, "netlists", "transient", "iris16_noise.json")


def run(spiceloop, experiment, backend, out, dynamics):
    """One `spiceloop transient` of experiment with its dynamics section updated; returns out."""
    doc = json.load(open(experiment))
    doc["dynamics"].update(dynamics)
    for key in ("network",):
        doc[key] = os.path.join(os.path.dirname(experiment), doc[key])
    doc["task"]["data"] = os.path.join(os.path.dirname(experiment), doc["task"]["data"]) if "data" in doc["task"] else None
    if doc["task"]["data"] is None:
        del doc["task"]["data"]
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "experiment.json")
    json.dump(doc, open(path, "w"))
    subprocess.run([spiceloop, "transient", path, "--backend", backend, "--out", out, "--no-plot"], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def variance(xs):
    return statistics.variance(xs) if len(xs) > 1 else float("nan")


def q_diffusion(a, tmp):
    trajectories = {"ideal": [], "ngspice": []}
    prediction = None
    for backend, seeds in (("ideal", a.ode_seeds), ("ngspice", a.ngspice_seeds)):
        for s in range(1, seeds + 1):
            out = run(a.spiceloop, LAB16, backend, os.path.join(tmp, f"q-{backend}-{s}"), {"noise_seed": s})
            trajectories[backend].append(read_rows(os.path.join(out, "trajectory.csv")))
            if backend == "ideal" and s == 1:
                prediction = read_rows(os.path.join(out, "noise_prediction.csv"))
            print(f"q diffusion: {backend} seed {s}/{seeds}", file=sys.stderr, flush=True)
    ode = trajectories["ideal"]
    edges = [k for k in ode[0][0] if k.startswith("e")]
    rows = []
    for r in range(len(prediction)):
        q_ode = [float(t[r]["Q"]) for t in ode]
        q_ng = [float(t[r]["Q"]) for t in trajectories["ngspice"]]
        independent = 0.0
        for e in edges:
            ks = [float(t[r][e]) for t in ode]
            independent += 4 * statistics.mean(ks) ** 2 * variance(ks)
        rows.append({"time_s": float(prediction[r]["time_s"]), "period": int(prediction[r]["period"]),
                     "predicted_var_Q": float(prediction[r]["predicted_var_Q"]),
                     "var_Q_ode": variance(q_ode), "var_Q_ngspice": variance(q_ng),
                     "independent_edges_var_Q": independent, "mean_Q_ode": statistics.mean(q_ode)})
    with open(os.path.join(a.out, "q_diffusion.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    last = rows[-1]
    print(f"Var(Q) after {last['period'] + 1} periods ({last['time_s']:.4g} s): predicted {last['predicted_var_Q']:.4g}, "
          f"ODE {last['var_Q_ode']:.4g} ({a.ode_seeds} seeds, ratio {last['var_Q_ode'] / last['predicted_var_Q']:.3f}), "
          f"ngspice {last['var_Q_ngspice']:.4g} ({a.ngspice_seeds} seeds, ratio "
          f"{last['var_Q_ngspice'] / last['predicted_var_Q']:.3f}); independent edges would give "
          f"{last['independent_edges_var_Q']:.4g} ({last['independent_edges_var_Q'] / last['predicted_var_Q']:.3g} x)")
    return rows


def iris(a, tmp):
    gains = [float(g) for g in a.gains.split(",")]
    rows = []
    for g in gains:
        accs, failed = [], 0
        for s in range(1, (a.iris_seeds if g > 0 else 1) + 1):
            dyn = {"noise_gain": g, "noise_seed": s} if g > 0 else {"noise_kelvin": 0}
            try:
                out = run(a.spiceloop, IRIS, "ideal", os.path.join(tmp, f"iris-{g:g}-{s}"), dyn)
            except subprocess.CalledProcessError:  # the noise drove a conductance below 0 (no clipping)
                failed += 1
                continue
            accs.append(json.load(open(os.path.join(out, "accuracy.json")))["test"])
        if not accs:
            print(f"iris: gain {g:g}: every run failed", flush=True)
            continue
        rows.append({"backend": "ideal", "noise_gain": g, "seeds": len(accs), "failed": failed,
                     "median_test_accuracy": statistics.median(accs), "min_test_accuracy": min(accs),
                     "max_test_accuracy": max(accs)})
        print(f"iris: gain {g:g}: test accuracy median {statistics.median(accs):.4f} (min {min(accs):.4f}, "
              f"max {max(accs):.4f}, {len(accs)} seeds, {failed} failed)", flush=True)
    if a.ngspice_gain > 0:
        out = run(a.spiceloop, IRIS, "ngspice", os.path.join(tmp, "iris-ngspice"), {"noise_gain": a.ngspice_gain, "noise_seed": 1})
        acc = json.load(open(os.path.join(out, "accuracy.json")))["test"]
        rows.append({"backend": "ngspice", "noise_gain": a.ngspice_gain, "seeds": 1, "failed": 0, "median_test_accuracy": acc,
                     "min_test_accuracy": acc, "max_test_accuracy": acc})
        print(f"iris: ngspice at gain {a.ngspice_gain:g}: test accuracy {acc:.4f}", flush=True)
    with open(os.path.join(a.out, "iris_accuracy_vs_noise.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows


def finish(fig, ax, xlabel, ylabel, title, path):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot(a):
    """Both figures from the CSVs in a.out (whichever are there)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: no plots", file=sys.stderr)
        return
    qpath, ipath = os.path.join(a.out, "q_diffusion.csv"), os.path.join(a.out, "iris_accuracy_vs_noise.csv")
    if os.path.exists(qpath):
        q = [{k: float(v) for k, v in r.items()} for r in read_rows(qpath)]
        t = [r["time_s"] * 1e3 for r in q]
        fig, ax = plt.subplots(figsize=(6.4, 4))
        ax.plot(t, [r["predicted_var_Q"] for r in q], "k-", label="prediction (Tellegen + fluctuation-dissipation)")
        ax.plot(t, [r["var_Q_ode"] for r in q], "o", ms=3, label=f"ODE, Euler-Maruyama ({a.ode_seeds} seeds)")
        ax.plot(t, [r["var_Q_ngspice"] for r in q], "s", ms=4, mfc="none", label=f"ngspice transient ({a.ngspice_seeds} seeds)")
        ax.plot(t, [r["independent_edges_var_Q"] for r in q], "--", color="gray", label="if edges diffused independently")
        ax.set_yscale("log")
        finish(fig, ax, "time (ms)", "Var(Q) over noise seeds (S$^4$)",
               "lab16: Q = sum k$^2$ diffuses under Johnson noise (300 K x 1e7)", os.path.join(a.out, "q_diffusion.png"))
    if os.path.exists(ipath):
        rows = read_rows(ipath)
        ode = [r for r in rows if r["backend"] == "ideal" and float(r["noise_gain"]) > 0]
        fig, ax = plt.subplots(figsize=(6.4, 4))
        for r in rows:
            if r["backend"] == "ideal" and float(r["noise_gain"]) == 0:
                ax.axhline(float(r["median_test_accuracy"]), color="gray", ls=":", label="no noise")
        med = [float(r["median_test_accuracy"]) for r in ode]
        ax.errorbar([float(r["noise_gain"]) for r in ode], med,
                    yerr=[[m - float(r["min_test_accuracy"]) for m, r in zip(med, ode)],
                          [float(r["max_test_accuracy"]) - m for m, r in zip(med, ode)]],
                    fmt="o-", capsize=3, label=f"ODE (median, min-max over {a.iris_seeds} noise seeds)")
        for r in rows:
            if r["backend"] == "ngspice":
                ax.plot([float(r["noise_gain"])], [float(r["median_test_accuracy"])], "rs", ms=9, mfc="none",
                        label="ngspice transient (1 seed)")
        ax.set_xscale("log")
        finish(fig, ax, "noise gain (T_eff / 300 K), noise_seconds 10 us", "Iris test accuracy (120 flowers)",
               "Iris learned in time on iris16: the cost of Johnson noise",
               os.path.join(a.out, "iris_accuracy_vs_noise.png"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "transient_noise"))
    ap.add_argument("--ode-seeds", type=int, default=200)
    ap.add_argument("--ngspice-seeds", type=int, default=6)
    ap.add_argument("--iris-seeds", type=int, default=4)
    ap.add_argument("--gains", default="0,1e8,3e8,1e9,3e9,1e10,3e10,1e11")
    ap.add_argument("--ngspice-gain", type=float, default=1e10)
    ap.add_argument("--skip", choices=["q", "iris"], help="leave out one part")
    ap.add_argument("--plot-only", action="store_true", help="redraw the figures from the CSVs in --out")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if not a.plot_only:
        with tempfile.TemporaryDirectory(prefix="transient_noise_") as tmp:
            if a.skip != "q":
                q_diffusion(a, tmp)
            if a.skip != "iris":
                iris(a, tmp)
    plot(a)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
