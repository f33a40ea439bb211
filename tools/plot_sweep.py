#!/usr/bin/env python3
"""Plots of a finite-nudging sweep: python3 plot_sweep.py DIR/results.csv DIR.

Writes DIR/drift_vs_nudge.png and DIR/drift_vs_alpha.png, log-log, one panel per rule (CL against
eta, EP against beta in siemens), measured |dQ| per step as markers over the theory
|nudge_pred + euler_pred| (DOMAIN.md section 3) as dashed lines, for the plain rows (the ideal
backend, or without it the tightest ngspice reltol; continuous conductance updates, no symmetry
breaker, first seed).
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


def reference(rows):
    """The reference rows' (backend, reltol): the ideal backend when the sweep has it, else (a sweep
    run with --backend ngspice) the tightest reltol, as the fits in summary.json take them."""
    if any(r["backend"] == "ideal" for r in rows):
        return ("ideal", "")
    r = min(rows, key=lambda r: float(r["reltol"]))
    return (r["backend"], r["reltol"])


def plain(r, ref):
    return ((r["backend"], r["reltol"]) == ref and r["update"] == "continuous" and r["parameter"] == "conductance"
            and all(float(r[b]) == 0 for b in ("load_ohms", "source_ohms", "wiper_ohms", "clip_margin", "noise_volts")))


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
    ref = reference(rows)
    rows = [r for r in rows if plain(r, ref)]
    if not rows:
        sys.exit(f"{sys.argv[1]}: no continuous conductance rows without a symmetry breaker on {' '.join(ref)}; no plots")
    first_seed = min(r["seed"] for r in rows)
    rows = [r for r in rows if r["seed"] == first_seed and r["rule"] != "ep_centered"]
    plot(rows, "nudge", f"{sys.argv[2]}/drift_vs_nudge.png", ref)
    plot(rows, "alpha", f"{sys.argv[2]}/drift_vs_alpha.png", ref)


if __name__ == "__main__":
    main()
