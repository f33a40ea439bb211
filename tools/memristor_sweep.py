#!/usr/bin/env python3
"""Regression loss on a crossbar of memristors against the ideal-resistor crossbar, swept over
up/down asymmetry and over cycle-to-cycle step noise, with each pulse model:
python3 tools/memristor_sweep.py [--spiceloop build/spiceloop] [--out runs/memristor_sweep]
    [--experiment netlists/experiments/memristor_crossbar.json] [--seeds 3] [--rows R --columns C]

Every point is one `spiceloop train --backend ideal` of the experiment with the edge template
changed (other device effects off unless swept: no spread, no stuck devices, no drift), over
--seeds seeds. Writes OUT/results.csv (model, swept, value, seed, initial and final test loss) and
OUT/loss_vs_asymmetry.png, OUT/loss_vs_noise.png (median over seeds; the ideal resistor crossbar,
trained with continuous conductance updates, as a dashed line)."""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

MODELS = ["constant_step", "soft_bounds", "power_step"]
ASYMMETRY = [0.0, 0.1, 0.2, 0.4, 0.6]
NOISE = [0.0, 0.3, 1.0, 2.0]


def train(spiceloop, experiment, out):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(experiment, f)
    try:
        subprocess.run([spiceloop, "-q", "train", f.name, "--backend", "ideal", "--out", out, "--overwrite", "--no-plot",
                        "--no-oracle", "--progress", "off"], check=True, stdout=subprocess.DEVNULL)
    finally:
        os.unlink(f.name)
    with open(os.path.join(out, "summary.json")) as s:
        summary = json.load(s)
    return summary["initial"]["test_loss"], summary["final"]["test_loss"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spiceloop", default="build/spiceloop")
    p.add_argument("--experiment", default="netlists/experiments/memristor_crossbar.json")
    p.add_argument("--out", default="runs/memristor_sweep")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--rows", type=int)
    p.add_argument("--columns", type=int)
    a = p.parse_args()
    with open(a.experiment) as f:
        base = json.load(f)
    if a.rows:
        base["network"]["rows"] = a.rows
    if a.columns:
        base["network"]["columns"] = a.columns
    os.makedirs(a.out, exist_ok=True)
    quiet = {"spread": 0.0, "stuck_on_rate": 0.0, "stuck_off_rate": 0.0, "drift_nu": 0.0, "step_noise": 0.0,
             "up_down": 0.0}
    rows = []

    def point(model, swept, value, seed, edge_changes, resistor=False):
        e = json.loads(json.dumps(base))
        e["seed"] = seed
        e["network"]["seed"] = seed
        edge = e["network"]["edge"]
        if resistor:
            e["network"]["edge"] = {"siemens": edge["siemens"], "min_siemens": edge["min_siemens"],
                                    "max_siemens": edge["max_siemens"]}
            e.pop("update", None)
        else:
            edge.update(quiet)
            edge.update(edge_changes)
            edge["model"] = model
            if model == "power_step":
                edge["gamma"] = 2.0
            else:
                edge.pop("gamma", None)
        out = os.path.join(a.out, "runs", f"{model}_{swept}_{value}_{seed}")
        initial, final = train(a.spiceloop, e, out)
        rows.append({"model": model, "swept": swept, "value": value, "seed": seed, "initial_test_loss": initial,
                     "final_test_loss": final})
        print(f"{model:14s} {swept:10s} {value:<5g} seed {seed}: test loss {initial:.3e} -> {final:.3e}", flush=True)

    for seed in range(1, a.seeds + 1):
        point("resistor", "none", 0, seed, {}, resistor=True)
        for model in MODELS:
            for v in ASYMMETRY:
                point(model, "asymmetry", v, seed, {"up_down": v})
            for v in NOISE:
                point(model, "noise", v, seed, {"step_noise": v})
    with open(os.path.join(a.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is missing: apt-get install python3-matplotlib (results.csv is written)")
    ideal = statistics.median(r["final_test_loss"] for r in rows if r["model"] == "resistor")
    for swept, label, name in (("asymmetry", "up_down (asymmetry)", "loss_vs_asymmetry.png"),
                               ("noise", "step_noise (cycle-to-cycle, relative)", "loss_vs_noise.png")):
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for model in MODELS:
            values = sorted({r["value"] for r in rows if r["model"] == model and r["swept"] == swept})
            med = [statistics.median(r["final_test_loss"] for r in rows
                                     if r["model"] == model and r["swept"] == swept and r["value"] == v) for v in values]
            ax.plot(values, med, "o-", label=model)
        ax.axhline(ideal, color="black", ls="--", lw=1, label="ideal resistors")
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel(f"final test loss (median of {a.seeds} seeds)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, name), dpi=110)
    print(f"wrote {a.out}/results.csv and the plots")


if __name__ == "__main__":
    main()
