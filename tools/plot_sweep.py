#!/usr/bin/env python3
"""Plots of a finite-nudging sweep: python3 plot_sweep.py DIR/results.csv DIR.

Writes DIR/drift_signal.png (every network: the update signal's drift from its small-nudge limit
against the nudge, per network and simulator), DIR/drift_vs_nudge.png and DIR/drift_vs_alpha.png
(linear networks), log-log, one panel per rule (CL against
eta, EP against beta in siemens), measured |dQ| per step as markers over the theory
|nudge_pred + euler_pred| (DOMAIN.md section 3) as dashed lines, for the plain rows (the ideal
backend, or without it the tightest ngspice reltol; continuous conductance updates, no symmetry
breaker, first seed).
Exits 1 with a message if matplotlib is missing (the sweep then warns and carries on)."""
import csv
import math
import statistics
import sys
from collections import defaultdict

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib is missing: apt-get install python3-matplotlib")


def reference(rows):
    """The reference rows' (backend, reltol): the ideal backend when the sweep has it, else (a sweep
    run with --backend ngspice) the tightest reltol, as the fits in summary.json take them."""
    if any(r["backend"] == "ideal" for r in rows):
        return ("ideal", "")
    r = min(rows, key=lambda r: float(r["reltol"]))
    return (r["backend"], r["reltol"])


def unbroken(r):
    return r["update"] == "continuous" and all(
        float(r[b]) == 0 for b in ("load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts"))


def plain(r, ref):
    """A linear network's row (its identity prediction is a number) on the reference simulator."""
    return ((r["backend"], r["reltol"]) == ref and r["parameter"] == "conductance" and unbroken(r)
            and math.isfinite(float(r["nudge_pred"])))


def simulator(r):
    if r["backend"] == "ideal":
        return "ideal"
    return f"{r['backend']} reltol {float(r['reltol']):.0e}"


def plot_signal(rows, out):
    """Every network: the first step's signal drift |g - g0| / |g0| from its small-nudge prediction
    against the nudge, one panel per rule, one series per network and simulator (median over seeds
    and alphas). Physics gives a line of slope 1 (2 for centered EP); a simulator's tolerances a
    rise towards small nudges."""
    rules = [r for r in ("cl", "ep", "ep_centered") if any(row["rule"] == r for row in rows)]
    fig, axes = plt.subplots(1, len(rules), figsize=(6.2 * len(rules), 5), squeeze=False)
    for ax, rule in zip(axes[0], rules):
        series = defaultdict(lambda: defaultdict(list))
        for r in rows:
            if r["rule"] == rule and math.isfinite(float(r["signal_rel_err"])):
                series[(r["network"], simulator(r))][float(r["nudge"])].append(float(r["signal_rel_err"]))
        nets = sorted({k[0] for k in series})
        colours = dict(zip(nets, plt.cm.tab10.colors))
        sims = sorted({k[1] for k in series})
        for (net, sim), by_nudge in sorted(series.items()):
            x = sorted(by_nudge)
            y = [statistics.median(by_nudge[v]) for v in x]
            ideal = sim == "ideal"
            ax.plot(x, y, "--" if ideal else "-", marker=None if ideal else MARKERS[sims.index(sim) % len(MARKERS)],
                    color=colours[net], lw=1.2, ms=5, label=f"{net}, {sim}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("nudge eta (dimensionless)" if rule == "cl" else "nudge beta (S)")
        ax.set_ylabel("|g - g0| / |g0|, first step")
        ax.set_title(f"{rule}: dashed ideal (physics), markers each simulator", fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle("update signal against its small-nudge limit g0 (exact backend)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


RULES = [("cl", "CL", "eta", ""), ("ep", "EP", "beta", " S")]  # rule, label, its nudge, the nudge's unit
MARKERS = "osD^vP*Xh"


def label(name, value, unit=""):
    return f"{name} = {float(value):.0e}{unit}"


def plot(rows, axis, out, ref):
    """One panel per rule (CL's eta is dimensionless, EP's beta in siemens: never on one axis).
    axis "nudge": x = the rule's nudge, one series per alpha; axis "alpha": x = alpha, one series
    per nudge. Measured points are markers on top; theory is a dashed line underneath, same colour."""
    panels = [r for r in RULES if any(row["rule"] == r[0] for row in rows)]
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 5), squeeze=False)
    for ax, (rule, name, nudge, unit) in zip(axes[0], panels):
        rs = [r for r in rows if r["rule"] == rule]
        series_key = "alpha" if axis == "nudge" else "nudge"
        values = sorted({float(r[series_key]) for r in rs})
        colours = plt.cm.viridis([i / max(1, len(values) - 1) * 0.9 for i in range(len(values))])
        for i, v in enumerate(values):
            pts = sorted((r for r in rs if float(r[series_key]) == v), key=lambda r: float(r[axis]))
            x = [float(r[axis]) for r in pts]
            measured = [abs(float(r["dq"])) for r in pts]
            theory = [abs(float(r["nudge_pred"]) + float(r["euler_pred"])) for r in pts]
            ax.plot(x, theory, "--", color=colours[i], lw=1.2, zorder=1)
            series = label("alpha", v) if series_key == "alpha" else label(nudge, v, unit)
            ax.plot(x, measured, MARKERS[i % len(MARKERS)], color=colours[i], ms=6, mec="white", mew=0.6,
                    zorder=3, label=f"{name}, {series}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"nudge {nudge}{' (S)' if unit else ' (dimensionless)'}" if axis == "nudge" else "alpha")
        ax.set_ylabel("|dQ| per step (S^2)")
        ax.set_title(f"{name}: markers measured, dashed lines theory", fontsize=10)
        ax.legend(fontsize=7, title=f"{name} series", title_fontsize=7)
    fig.suptitle(f"{' '.join(ref).strip()}: |dQ| per step against " + ("the nudge" if axis == "nudge" else "alpha") +
                 "; theory |-f alpha nu S + alpha^2 |g0|^2| (DOMAIN.md section 3)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_sweep.py RESULTS.csv OUT_DIR")
    with open(sys.argv[1]) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{sys.argv[1]} has no rows")
    plot_signal([r for r in rows if unbroken(r)], f"{sys.argv[2]}/drift_signal.png")
    ref = reference(rows)
    rows = [r for r in rows if plain(r, ref)]
    if not rows:
        return  # nonlinear networks only: no identity to plot
    first_seed = min(r["seed"] for r in rows)
    rows = [r for r in rows if r["seed"] == first_seed and r["rule"] != "ep_centered"]
    plot(rows, "nudge", f"{sys.argv[2]}/drift_vs_nudge.png", ref)
    plot(rows, "alpha", f"{sys.argv[2]}/drift_vs_alpha.png", ref)


if __name__ == "__main__":
    main()
