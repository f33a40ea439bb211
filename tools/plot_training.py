#!/usr/bin/python3
"""Plot a spiceloop training run: loss, accuracy (classification tasks) and Q = sum k^2 over training
(for transistor networks, learning gate voltages: sum (V_G - V_T)^2); for curve tasks also the output
error's Legendre modes (mean, slope, curvature) per epoch.

Usage: plot_training.py DIR/metrics.jsonl DIR/loss.png

Reads the records emulator/learning/run/metrics.hpp writes: a header, optional per-step records and
per-epoch records. Exit status 0 on success, 2 on bad arguments or an unreadable file, 3 when
matplotlib is missing (the trainer turns that into a warning).
"""
import json
import sys


def read_records(path):
    header, steps, epochs = {}, [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            kind = r.get("type")
            if kind == "header":
                header = r
            elif kind == "step":
                steps.append(r)
            elif kind == "epoch":
                epochs.append(r)
    return header, steps, epochs


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (Debian: apt install python3-matplotlib)", file=sys.stderr)
        return 3
    try:
        header, steps, epochs = read_records(argv[1])
    except (OSError, ValueError) as e:
        print(f"cannot read {argv[1]}: {e}", file=sys.stderr)
        return 2

    # Epoch records carry the step count too, so every panel shares one x axis: steps. Accuracy gets
    # its own panel (not a twin axis over the losses), and the test loss is drawn dashed with open
    # markers over the solid train loss, so that close curves both show (equal ones, allostery's, are
    # one curve named as both).
    acc = [(e["step"], e["test_accuracy"], e.get("train_accuracy")) for e in epochs if e.get("test_accuracy") is not None]
    modes = [e for e in epochs if "error_modes" in e]
    gates = header.get("parameter") == "gate_voltage"
    q_key, q_label = ("sum_overdrive2", "sum (V_G - V_T)^2") if gates else ("Q", "Q = sum k^2")
    rows = 2 + bool(acc) + bool(modes)
    fig, axes = plt.subplots(rows, 1, sharex=True, figsize=(7, 3 + 2.3 * rows))
    ax_loss, ax_q = axes[0], axes[1 + bool(acc)]
    if steps:
        ax_loss.plot([s["step"] for s in steps], [s["loss"] for s in steps], color="0.75", lw=0.6,
                     label="batch loss (before step)", zorder=1)
    if epochs:
        x = [e["step"] for e in epochs]
        train, test = [e["train_loss"] for e in epochs], [e["test_loss"] for e in epochs]
        every = max(1, len(x) // 25)  # markers readable however many epochs
        same = train == test  # allostery, XOR: the test set is the training set
        ax_loss.plot(x, train, "o-", color="tab:blue", ms=4, lw=1.5, markevery=every, zorder=2,
                     label="train loss = test loss (the test set is the training set)" if same else "train loss")
        if not same:
            ax_loss.plot(x, test, "s--", color="tab:orange", ms=7, mfc="none", mew=1.2, lw=1.2, markevery=every,
                         label="test loss", zorder=3)
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("loss  1/2 |T - V_O|^2  (V^2)")
    ax_loss.legend(loc="upper right", fontsize=8)
    if acc:
        ax_acc = axes[1]
        every = max(1, len(acc) // 25)
        ax_acc.plot([a[0] for a in acc], [100 * a[1] for a in acc], "s--", color="tab:green", ms=6, mfc="none",
                    markevery=every, label="test accuracy", zorder=3)
        train_acc = [a for a in acc if a[2] is not None]
        if train_acc:
            ax_acc.plot([a[0] for a in train_acc], [100 * a[2] for a in train_acc], "o-", color="tab:olive", ms=3,
                        lw=1, markevery=every, label="train accuracy", zorder=2)
        ax_acc.set_ylabel("accuracy (%)")
        ax_acc.set_ylim(0, 105)
        ax_acc.legend(loc="lower right", fontsize=8)

    series = [r for r in (steps if steps else epochs) if q_key in r]
    q_epochs = [e for e in epochs if q_key in e]
    if series:
        q0 = q_epochs[0][q_key] if q_epochs else series[0][q_key]
        x = [r["step"] for r in series]
        y = [r[q_key] / q0 - 1 for r in series]
        if steps and epochs and epochs[0]["step"] == 0:  # start from the untrained network
            x, y = [0] + x, [0.0] + y
        ax_q.plot(x, y, color="tab:red")
    ax_q.set_ylabel("Q / Q0 - 1   ({})".format(q_label))
    ax_q.axhline(0, color="0.5", lw=0.5)
    if modes:
        ax_m = axes[-1]
        x = [e["step"] for e in modes]
        for name, style in (("mean", "o-"), ("slope", "s-"), ("curvature", "^-")):
            ax_m.plot(x, [max(abs(e["error_modes"][name]), 1e-12) for e in modes], style, ms=2.5, label=name)
        ax_m.set_yscale("log")
        ax_m.set_ylabel("|error mode| (V), Legendre P0 P1 P2")
        ax_m.legend(loc="upper right", fontsize=8)
    axes[-1].set_xlabel("step")

    rule = header.get("rule", "?")
    nudge = {"cl": "eta {:g}", "ep": "beta {:g} S", "ep_centered": "beta {:g} S"}.get(rule, "nudge {:g}")
    title = "{} ({}, {} convention) on {}: {}, {} update, alpha {:g}".format(
        {"cl": "CL", "ep": "EP", "ep_centered": "centered EP"}.get(rule, rule),
        nudge.format(header.get("nudge", float("nan"))), header.get("convention", "?"), header.get("backend", "?"),
        header.get("task", "?"), header.get("update", "?"), header.get("alpha", float("nan")))
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
