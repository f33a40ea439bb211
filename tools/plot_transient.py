#!/usr/bin/env python3
"""Plots `spiceloop transient`'s trajectory.csv: learned parameters, loss and Q against time.

Usage: plot_transient.py trajectory.csv out.png
"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src, png = sys.argv[1], sys.argv[2]
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    head, data = rows[0], [[float(x) for x in r] for r in rows[1:]]
    t = [r[0] for r in data]
    names = head[5:]
    fig, ax = plt.subplots(3, 1, figsize=(7, 8), sharex=True)
    for j, name in enumerate(names):
        ax[0].plot(t, [r[5 + j] for r in data], lw=0.8, label=name if len(names) <= 8 else None)
    ax[0].set_ylabel("parameter (S or V)")
    if len(names) <= 8:
        ax[0].legend(fontsize=7)
    lt = [(r[0], r[3]) for r in data if not math.isnan(r[3]) and r[3] > 0]
    if lt:
        ax[1].semilogy([x for x, _ in lt], [y for _, y in lt], ".", ms=2)
    ax[1].set_ylabel("loss of the period's sample (V^2)")
    ax[2].plot(t, [r[4] for r in data])
    ax[2].set_ylabel("Q")
    ax[2].set_xlabel("time (s)")
    fig.suptitle("learning machine in time: " + src)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main()
