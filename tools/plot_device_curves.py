#!/usr/bin/env python3
"""Conductance vs pulse number, one panel per memristor edge (model):
python3 plot_device_curves.py BANDS.csv CURVES.csv OUT.png (written by `spiceloop device-curves`).

Each panel: the median over devices as a line, the 5-95 % band and the mean +- one sd shaded, and a
few single devices as thin lines, pulses up then down (a dotted line where the direction turns).
Exits 1 with a message if matplotlib is missing (the command then warns and carries on)."""
import csv
import sys
from collections import defaultdict

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib is missing: apt-get install python3-matplotlib")

SINGLE_DEVICES = 5


def main(bands_csv, curves_csv, out_png):
    bands = defaultdict(list)
    models = {}
    with open(bands_csv, newline="") as f:
        for r in csv.DictReader(f):
            bands[r["edge"]].append(r)
            models[r["edge"]] = r["model"]
    singles = defaultdict(lambda: defaultdict(list))
    with open(curves_csv, newline="") as f:
        for r in csv.DictReader(f):
            if int(r["device"]) < SINGLE_DEVICES:
                singles[r["edge"]][int(r["device"])].append((int(r["pulse"]), float(r["siemens"])))
    edges = list(bands)
    fig, axes = plt.subplots(1, len(edges), figsize=(5.2 * len(edges), 4.2), squeeze=False)
    for ax, edge in zip(axes[0], edges):
        rows = bands[edge]
        x = [int(r["pulse"]) for r in rows]
        us = 1e6  # plot in microsiemens
        mean = [float(r["mean"]) * us for r in rows]
        sd = [float(r["sd"]) * us for r in rows]
        ax.fill_between(x, [float(r["p05"]) * us for r in rows], [float(r["p95"]) * us for r in rows],
                        color="tab:blue", alpha=0.18, lw=0, label="5-95 % of devices")
        ax.fill_between(x, [m - s for m, s in zip(mean, sd)], [m + s for m, s in zip(mean, sd)],
                        color="tab:blue", alpha=0.25, lw=0, label="mean +- sd")
        for points in singles[edge].values():
            ax.plot([p for p, _ in points], [g * us for _, g in points], color="grey", lw=0.5, alpha=0.8)
        ax.plot(x, [float(r["p50"]) * us for r in rows], color="tab:blue", lw=1.6, label="median")
        turn = max((int(r["pulse"]) for r in rows if r["direction"] == "up"), default=0)
        ax.axvline(turn, color="black", ls=":", lw=0.8)
        ax.set_title(f"{edge} ({models[edge]})")
        ax.set_xlabel("pulse number (up, then down)")
        ax.set_ylabel("conductance (uS)")
        ax.grid(alpha=0.3)
    axes[0][0].legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
