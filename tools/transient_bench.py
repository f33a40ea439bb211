#!/usr/bin/env python3
"""Benchmark of `spiceloop transient`: simulated seconds per wall second on both backends, for the
bundled lab16 (16 resistors) and clln4x4 (32 transistors) machines (netlists/transient/).

Each (machine, backend) runs --repeats times; the median of summary.json's simulated_per_wall_second
(simulated time over the run's wall time, worker start-up included on ngspice) is printed, written to
OUT/bench.csv and drawn in OUT/bench.png.

Usage: tools/transient_bench.py [--spiceloop build/spiceloop] [--repeats 3] [--out runs/transient-bench]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MACHINES = ["lab16", "clln4x4"]
BACKENDS = ["ngspice", "ideal"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default="runs/transient-bench")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for m in MACHINES:
        exp = os.path.join(ROOT, "netlists", "transient", m + ".json")
        for b in BACKENDS:
            rates, sim = [], 0.0
            for r in range(a.repeats):
                d = os.path.join(a.out, f"{m}-{b}-{r}")
                subprocess.run([a.spiceloop, "transient", exp, "--backend", b, "--out", d, "--no-plot"],
                               check=True, stdout=subprocess.DEVNULL)
                s = json.load(open(os.path.join(d, "summary.json")))
                rates.append(s["simulated_per_wall_second"])
                sim = s["simulated_seconds"]
            med = statistics.median(rates)
            rows.append({"machine": m, "backend": b, "simulated_seconds": sim,
                         "median_simulated_per_wall_second": med, "runs": a.repeats})
            print(f"{m:8s} {b:8s} {sim:.3g} simulated s: {med:.4g} simulated s per wall s "
                  f"(median of {a.repeats}; wall {sim / med:.3g} s)", flush=True)
    for m in MACHINES:
        ng = next(r for r in rows if r["machine"] == m and r["backend"] == "ngspice")
        ideal = next(r for r in rows if r["machine"] == m and r["backend"] == "ideal")
        print(f"{m}: ideal / ngspice = {ideal['median_simulated_per_wall_second'] / ng['median_simulated_per_wall_second']:.3g}x")
    with open(os.path.join(a.out, "bench.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: no bench.png", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.38
    for k, b in enumerate(BACKENDS):
        vals = [next(r for r in rows if r["machine"] == m and r["backend"] == b)["median_simulated_per_wall_second"]
                for m in MACHINES]
        ax.bar([i + (k - 0.5) * width for i in range(len(MACHINES))], vals, width, label=b)
    ax.set_xticks(range(len(MACHINES)))
    ax.set_xticklabels(["lab16 (16 resistors)", "clln4x4 (32 transistors)"])
    ax.set_yscale("log")
    ax.set_ylabel("simulated s per wall s")
    ax.set_title("spiceloop transient (median of %d)" % a.repeats)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "bench.png"), dpi=110)
    print("wrote", os.path.join(a.out, "bench.png"))


if __name__ == "__main__":
    main()
