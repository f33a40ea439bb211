#!/usr/bin/env python3
"""Plots of a finite-nudging sweep: python3 plot_sweep.py DIR/results.csv DIR.

Writes DIR/drift_vs_nudge.png and DIR/drift_vs_alpha.png, log-log, measured |dQ| per step as
points and the theory |nudge_pred + euler_pred| (DOMAIN.md section 3) as lines, for the plain rows
(ideal backend, continuous conductance updates, no symmetry breaker, first seed).
Exits 1 with a message if matplotlib is missing (the sweep then warns and carries on)."""
import csv
import sys
from collections import defaultdict

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib is missing: apt-get install python3-matplotlib")


def plain(r):
    return (r["backend"] == "ideal" and r["update"] == "continuous" and r["parameter"] == "conductance"
            and all(float(r[b]) == 0 for b in ("load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts")))


def plot(rows, axis, fixed, out, xlabel):
    groups = defaultdict(list)
    for r in rows:
        groups[(r["rule"], r[fixed])].append(r)
    fig, ax = plt.subplots(figsize=(7, 5))
    for (rule, f), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], float(kv[0][1]))):
        rs.sort(key=lambda r: float(r[axis]))
        x = [float(r[axis]) for r in rs]
        y = [abs(float(r["dq"])) for r in rs]
        th = [abs(float(r["nudge_pred"]) + float(r["euler_pred"])) for r in rs]
        line, = ax.plot(x, th, "-", alpha=0.6)
        ax.plot(x, y, "o", color=line.get_color(), label=f"{rule} {fixed}={float(f):.0e}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("|dQ| per step (S^2)")
    ax.set_title("points: measured; lines: theory -f alpha nu S + alpha^2 |g0|^2")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_sweep.py RESULTS.csv OUT_DIR")
    with open(sys.argv[1]) as f:
        rows = [r for r in csv.DictReader(f) if plain(r)]
    if not rows:
        return
    first_seed = min(r["seed"] for r in rows)
    rows = [r for r in rows if r["seed"] == first_seed and r["rule"] != "ep_centered"]
    plot(rows, "nudge", "alpha", f"{sys.argv[2]}/drift_vs_nudge.png", "nudge (eta, or beta in S)")
    plot(rows, "alpha", "nudge", f"{sys.argv[2]}/drift_vs_alpha.png", "alpha")


if __name__ == "__main__":
    main()
