#!/usr/bin/env python3
"""Regression loss on a crossbar of memristors against the ideal-resistor crossbar, swept over
up/down asymmetry and over cycle-to-cycle step noise, with each pulse model, and the conservation
law's drift under asymmetric updates:
python3 tools/memristor_sweep.py [--spiceloop build/spiceloop] [--out runs/memristor_sweep]
    [--experiment netlists/experiments/memristor_crossbar.json] [--seeds 3] [--rows R --columns C]
    [--alphas 2e-6,6e-6,2e-5,6e-5,2e-4] [--epochs E] [--asymmetry 0,0.1,0.2,0.4,0.6]
    [--noise 0,0.3,1,2] [--jobs J] [--no-drift]

Every point is one `spiceloop train --backend ideal` of the experiment with the edge template
changed (other device effects off unless swept: no spread, no stuck devices, no drift), over
--seeds seeds. The learning rate is chosen per variant (the resistor crossbar, and each model at
each swept value) by one rule, so that no variant is compared at a rate that suits another: each
alpha of --alphas is tried on seed 1 and the one with the lowest final TRAINING loss (a diverged
run counts as infinite) is used for every seed; the test loss is never looked at to choose. (One
fixed alpha is unfair both ways: memristor steps are capped at max_pulses pulses, resistor steps
are not, so an alpha that suits the devices makes the resistors diverge.) Seed 1 at the chosen
alpha is the grid's own run (same seed, same result), a variant that two sweeps share
(asymmetry 0 and noise 0) is trained once, and a killed sweep resumes: run the same command again
(finished trainings in OUT/runs are not redone).

Conservation-law drift (DOMAIN.md section 3; unless --no-drift): the noise-free variants (the
resistor crossbar, the asymmetry sweep) run with the Eigen oracle, whose metrics.jsonl gives per
step the rule's own k.dk_rule, the applied k.dk (after the device) and the finite-nudge prediction
pred = f alpha eta S (S = r^T H r; the identity says 2 k.dk_rule = -pred on a network without fixed
conductances). Over a run, with sums over steps:
  device_drift  = sum 2 k.(dk - dk_rule) / sum pred   what the device adds to dQ beyond the rule,
                                                     in units of the law's own finite-nudge shrink
  rule_residual = sum (2 k.dk_rule + pred) / sum pred what the fixed wires and loads break already
  law_residual  = their sum: the applied step's violation of the identity.
The drift is measured against the symmetric case at one alpha per model (the one chosen for its
symmetric variant), so that only the asymmetry changes. For a constant-step device with up/down
asymmetry a, dk_j ~ dk_rule_j + a |dk_rule_j|, so device_drift(a) - device_drift(0) ~ c a with
c ~ sum_j k_j |g_j| / (eta S) (code convention): how much the rule's signal cancels across edges.
c is fitted per model (least squares through the symmetric point) and also against |1 - ratio|
with the up/down step ratio (1 + a) / (1 - a).
Writes OUT/alphas.csv (the grid's training losses and the choice), OUT/results.csv (model, swept,
value, seed, alpha, initial and final test loss, final training loss, Q = sum k^2 and sum ln k
before and after, and the drift columns at the variant's own alpha), OUT/drift.csv (the drift
runs: model, up_down, ratio, seed, alpha, loss, Q, the three drift columns), OUT/drift_fit.csv
(per model: alpha, device_drift(0), c per a and per |1 - ratio|), and the plots
OUT/loss_vs_asymmetry.png, OUT/loss_vs_noise.png (median over seeds; the ideal resistor crossbar,
trained with continuous conductance updates at its own chosen alpha, as a dashed line) and
OUT/drift_vs_asymmetry.png."""
import argparse
import concurrent.futures
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

MODELS = ["constant_step", "soft_bounds", "power_step"]


def floats(text):
    return [float(x) for x in text.split(",")]


def train(spiceloop, experiment, out, oracle):
    # A finished run of the same experiment (its copy in sweep_experiment.json, written last) is
    # reused: a killed sweep resumes where it stopped.
    marker = os.path.join(out, "sweep_experiment.json")
    wanted = {"experiment": experiment, "oracle": oracle}
    try:
        with open(marker) as m:
            done = json.load(m) == wanted
    except (OSError, ValueError):
        done = False
    if not done:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(experiment, f)
        try:
            cmd = [spiceloop, "-q", "train", f.name, "--backend", "ideal", "--out", out, "--overwrite", "--no-plot",
                   "--progress", "off"]
            if not oracle:
                cmd.append("--no-oracle")
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        finally:
            os.unlink(f.name)
        with open(marker + ".tmp", "w") as m:
            json.dump(wanted, m)
        os.replace(marker + ".tmp", marker)
    with open(os.path.join(out, "summary.json")) as s:
        summary = json.load(s)
    summary["drift"] = law_drift(os.path.join(out, "metrics.jsonl")) if oracle else None
    return summary


def law_drift(metrics):
    """The run's conservation-law drift, summed over its step records (module docstring)."""
    pred = device = rule = 0.0
    with open(metrics) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") != "step" or r.get("identity_residual") is None:
                continue
            p = r["identity_residual"] - 2.0 * r["k_dot_dk_rule"]
            pred += p
            device += 2.0 * (r["k_dot_dk"] - r["k_dot_dk_rule"])
            rule += r["identity_residual"]
    if pred <= 0.0:
        return None
    return {"device_drift": device / pred, "rule_residual": rule / pred, "law_residual": (rule + device) / pred}


def finite(x):
    return x if x is not None and math.isfinite(x) else math.inf


def fit_through_origin(xs, ys):
    den = sum(x * x for x in xs)
    return sum(x * y for x, y in zip(xs, ys)) / den if den > 0 else math.nan


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spiceloop", default="build/spiceloop")
    p.add_argument("--experiment", default="netlists/experiments/memristor_crossbar.json")
    p.add_argument("--out", default="runs/memristor_sweep")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--rows", type=int)
    p.add_argument("--columns", type=int)
    p.add_argument("--alphas", default="2e-6,6e-6,2e-5,6e-5,2e-4", help="the learning-rate grid, comma-separated")
    p.add_argument("--epochs", type=int)
    p.add_argument("--asymmetry", default="0,0.1,0.2,0.4,0.6", help="up_down values, comma-separated")
    p.add_argument("--noise", default="0,0.3,1,2", help="step_noise values, comma-separated")
    p.add_argument("--jobs", type=int, default=1, help="trainings run at once")
    p.add_argument("--no-drift", action="store_true", help="no oracle: skip the conservation-law drift")
    a = p.parse_args()
    alphas = floats(a.alphas)
    with open(a.experiment) as f:
        base = json.load(f)
    if a.rows:
        base["network"]["rows"] = a.rows
    if a.columns:
        base["network"]["columns"] = a.columns
    if a.epochs:
        base["epochs"] = a.epochs
    os.makedirs(a.out, exist_ok=True)
    quiet = {"spread": 0.0, "stuck_on_rate": 0.0, "stuck_off_rate": 0.0, "drift_nu": 0.0, "step_noise": 0.0,
             "up_down": 0.0}
    drift = not a.no_drift
    started = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs)
    runs = {}  # one training per distinct experiment: shared variants run once

    def experiment(model, edge_changes, seed, alpha):
        e = json.loads(json.dumps(base))
        e["seed"] = seed
        e["network"]["seed"] = seed
        e["alpha"] = alpha
        edge = e["network"]["edge"]
        if model == "resistor":
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
        return e

    def submit(model, edge_changes, seed, alpha, oracle):
        e = experiment(model, edge_changes, seed, alpha)
        key = json.dumps(e, sort_keys=True)
        if key not in runs:
            tag = "_".join(f"{k}{v:g}" for k, v in sorted(edge_changes.items())) or "plain"
            out = os.path.join(a.out, "runs", f"{model}_{tag}_s{seed}_a{alpha:g}")
            runs[key] = pool.submit(train, a.spiceloop, e, out, oracle)
        return runs[key]

    points = [("resistor", "none", 0.0, {})]
    for model in MODELS:
        points += [(model, "asymmetry", v, {"up_down": v}) for v in floats(a.asymmetry)]
        points += [(model, "noise", v, {"step_noise": v}) for v in floats(a.noise)]

    def oracle_for(changes):  # noise-free variants: the resistor crossbar and the asymmetry sweep
        return drift and changes.get("step_noise", 0.0) == 0.0

    # Phase 1: every point's alpha grid on seed 1; phase 2: the other seeds at the chosen alpha.
    grid = [[submit(m, ch, 1, al, oracle_for(ch)) for al in alphas] for m, sw, v, ch in points]
    choices, chosen = [], []
    for (model, swept, value, changes), futures in zip(points, grid):
        summaries = [f.result() for f in futures]
        losses = [finite(s["final"]["train_loss"]) for s in summaries]
        i = min(range(len(alphas)), key=lambda n: losses[n])
        edge = i in (0, len(alphas) - 1)
        if edge:
            print(f"note: {model} {swept} {value:g}: alpha {alphas[i]:g} is at the grid's edge; widen --alphas",
                  flush=True)
        choices.append({"model": model, "swept": swept, "value": value, "alpha": alphas[i], "at_grid_edge": edge,
                        **{f"train_loss_at_{al:g}": l for al, l in zip(alphas, losses)}})
        seeds = [futures[i]] + [submit(model, changes, seed, alphas[i], oracle_for(changes))
                                for seed in range(2, a.seeds + 1)]
        chosen.append(seeds)
        print(f"{model:14s} {swept:10s} {value:<5g} alpha {alphas[i]:<6g} chosen "
              f"({time.monotonic() - started:.0f} s)", flush=True)

    if drift:  # queued now so that they run beside the seeds
        for model in MODELS:
            for c in choices:
                if c["model"] == model and c["swept"] == "asymmetry" and c["value"] == 0.0:
                    for v in floats(a.asymmetry):
                        for seed in range(1, a.seeds + 1):
                            submit(model, {"up_down": v}, seed, c["alpha"], True)
    rows = []
    for (model, swept, value, changes), futures, choice in zip(points, chosen, choices):
        for seed, fut in enumerate(futures, start=1):
            s = fut.result()
            i, f = s["initial"], s["final"]
            qi, qf = s["invariants_initial"], s["invariants_final"]
            d = s["drift"] or {}
            rows.append({"model": model, "swept": swept, "value": value, "seed": seed, "alpha": choice["alpha"],
                         "initial_test_loss": i["test_loss"], "final_test_loss": f["test_loss"],
                         "final_train_loss": f["train_loss"], "Q_initial": qi["Q"], "Q_final": qf["Q"],
                         "sum_ln_k_initial": qi["sum_ln_k"], "sum_ln_k_final": qf["sum_ln_k"],
                         "device_drift": d.get("device_drift", ""), "rule_residual": d.get("rule_residual", ""),
                         "law_residual": d.get("law_residual", "")})
            print(f"{model:14s} {swept:10s} {value:<5g} alpha {choice['alpha']:<6g} seed {seed}: test loss "
                  f"{i['test_loss']:.3e} -> {f['test_loss']:.3e}, Q {qi['Q']:.3e} -> {qf['Q']:.3e}"
                  + (f", device drift {d['device_drift']:+.3f}, law residual {d['law_residual']:+.3f}" if d else ""),
                  flush=True)
    for name, table in (("alphas.csv", choices), ("results.csv", rows)):
        with open(os.path.join(a.out, name), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(table)

    def median(model, swept, value, column):
        vals = [r[column] for r in rows if r["model"] == model and r["swept"] == swept and r["value"] == value
                and r[column] != ""]
        return statistics.median(vals) if vals else math.nan

    # The drift against the symmetric case: each model at its symmetric variant's alpha for every
    # asymmetry, so that only the asymmetry changes (seed 1 of each is a grid run already).
    fits, drift_rows = [], []
    if drift:
        asym = floats(a.asymmetry)
        for model in MODELS:
            alpha0 = next((c["alpha"] for c in choices if c["model"] == model and c["swept"] == "asymmetry"
                           and c["value"] == 0.0), None)
            if alpha0 is None or len(asym) < 2:
                continue
            for v in asym:
                for seed in range(1, a.seeds + 1):
                    s = submit(model, {"up_down": v}, seed, alpha0, True).result()
                    drift_rows.append({"model": model, "up_down": v, "ratio": (1 + v) / (1 - v), "seed": seed,
                                       "alpha": alpha0, "final_test_loss": s["final"]["test_loss"],
                                       "Q_initial": s["invariants_initial"]["Q"],
                                       "Q_final": s["invariants_final"]["Q"], **s["drift"]})
            rows_m = [r for r in drift_rows if r["model"] == model]

            def med(v, column="device_drift"):
                return statistics.median(r[column] for r in rows_m if r["up_down"] == v)

            xs = [v for v in asym if v != 0.0]
            ys = [med(v) - med(0.0) for v in xs]
            ratio = [abs(1 - (1 + v) / (1 - v)) for v in xs]
            fits.append({"model": model, "alpha": alpha0, "device_drift_symmetric": med(0.0),
                         "c_per_up_down": fit_through_origin(xs, ys),
                         "c_per_abs_1_minus_ratio": fit_through_origin(ratio, ys),
                         "rule_residual_symmetric": med(0.0, "rule_residual")})
            print(f"drift {model} (alpha {alpha0:g}): device_drift(0) = {med(0.0):+.3f}, "
                  f"device_drift(a) - device_drift(0) = {fits[-1]['c_per_up_down']:.3f} a = "
                  f"{fits[-1]['c_per_abs_1_minus_ratio']:.3f} |1 - ratio|; "
                  + ", ".join(f"a {v:g}: {med(v):+.3f}" for v in asym), flush=True)
        for name, table in (("drift.csv", drift_rows), ("drift_fit.csv", fits)):
            if table:
                with open(os.path.join(a.out, name), "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=list(table[0]))
                    w.writeheader()
                    w.writerows(table)
    pool.shutdown()
    print(f"{len(runs)} trainings in {time.monotonic() - started:.0f} s", flush=True)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is missing: apt-get install python3-matplotlib (results.csv is written)")
    net = base["network"]
    title = (f"{net['rows']} x {net['columns']} crossbar, wires {net.get('wire_ohms', 0):g} Ohm, {base['epochs']} epochs; "
             f"alpha per variant: best training loss of {a.alphas}")
    ideal = median("resistor", "none", 0.0, "final_test_loss")
    for swept, label, name in (("asymmetry", "up_down (asymmetry)", "loss_vs_asymmetry.png"),
                               ("noise", "step_noise (cycle-to-cycle, relative)", "loss_vs_noise.png")):
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for model in MODELS:
            values = sorted({r["value"] for r in rows if r["model"] == model and r["swept"] == swept})
            ax.plot(values, [median(model, swept, v, "final_test_loss") for v in values], "o-", label=model)
        ax.axhline(ideal, color="black", ls="--", lw=1, label="ideal resistors")
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel(f"final test loss (median of {a.seeds} seeds)")
        ax.set_title(title, fontsize=7)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, name), dpi=110)
        plt.close(fig)
    if fits:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for fit in fits:
            model = fit["model"]
            values = sorted({r["up_down"] for r in drift_rows if r["model"] == model})
            med = [statistics.median(r["device_drift"] for r in drift_rows if r["model"] == model and r["up_down"] == v)
                   for v in values]
            line, = ax.plot(values, med, "o-", label=f"{model} (alpha {fit['alpha']:g}): c = {fit['c_per_up_down']:.2f}")
            ax.plot([0, max(values)], [fit["device_drift_symmetric"],
                                       fit["device_drift_symmetric"] + fit["c_per_up_down"] * max(values)],
                    ls=":", color=line.get_color(), lw=1)
        ax.axhline(median("resistor", "none", 0.0, "device_drift"), color="black", ls="--", lw=1,
                   label="ideal resistors (clipping only)")
        ax.axhline(median("resistor", "none", 0.0, "rule_residual"), color="gray", ls="-.", lw=1,
                   label="ideal resistors: the rule's own residual (fixed wires, loads)")
        ax.set_xlabel("up_down a (up/down step ratio (1 + a) / (1 - a))")
        ax.set_ylabel("device drift: sum 2 k.(dk - dk_rule) / sum f alpha eta S")
        ax.set_title(f"conservation-law drift the device adds, per unit of the finite-nudge shrink "
                     f"(median of {a.seeds} seeds)\n{title}", fontsize=7)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "drift_vs_asymmetry.png"), dpi=110)
        plt.close(fig)
    print(f"wrote {a.out}/results.csv and the plots")


if __name__ == "__main__":
    main()
