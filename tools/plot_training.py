#!/usr/bin/python3
"""Plot a spiceloop training run: loss (and accuracy) and Q = sum k^2 over training.

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

    # Epoch records carry the step count too, so both kinds share one x axis: steps.
    fig, (ax_loss, ax_q) = plt.subplots(2, 1, sharex=True, figsize=(7, 6.5))
    if steps:
        ax_loss.plot([s["step"] for s in steps], [s["loss"] for s in steps], color="0.75", lw=0.6,
                     label="batch loss (before step)")
    if epochs:
        x = [e["step"] for e in epochs]
        ax_loss.plot(x, [e["train_loss"] for e in epochs], "o-", ms=2.5, label="train loss")
        ax_loss.plot(x, [e["test_loss"] for e in epochs], "s-", ms=2.5, label="test loss")
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("loss  1/2 |T - V_O|^2  (V^2)")
    ax_loss.legend(loc="upper right", fontsize=8)
    acc = [(e["step"], e["test_accuracy"]) for e in epochs if e.get("test_accuracy") is not None]
    if acc:
        ax_acc = ax_loss.twinx()
        ax_acc.plot([a[0] for a in acc], [100 * a[1] for a in acc], color="tab:green", lw=1, label="test accuracy")
        ax_acc.set_ylabel("test accuracy (%)", color="tab:green")
        ax_acc.set_ylim(0, 105)

    series = steps if steps else epochs
    if series:
        q0 = epochs[0]["Q"] if epochs else series[0]["Q"]
        x = [r["step"] for r in series]
        y = [r["Q"] / q0 - 1 for r in series]
        if steps and epochs and epochs[0]["step"] == 0:  # start from the untrained network
            x, y = [0] + x, [0.0] + y
        ax_q.plot(x, y, color="tab:red")
    ax_q.set_ylabel("Q / Q0 - 1   (Q = sum k^2)")
    ax_q.set_xlabel("step")
    ax_q.axhline(0, color="0.5", lw=0.5)

    title = "{} ({} convention) on {}: {}, {} update, alpha {:g}, nudge {:g}".format(
        header.get("rule", "?"), header.get("convention", "?"), header.get("backend", "?"), header.get("task", "?"),
        header.get("update", "?"), header.get("alpha", float("nan")), header.get("nudge", float("nan")))
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
