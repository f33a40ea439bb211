#!/usr/bin/env python3
"""Benchmark of data-parallel training: `mpirun -n K spiceloop train EXPERIMENT --perf` for K = 1, 2
(default: digits on ngspice, cut to --steps steps), the measured speed-up of 2 ranks, and its
projection to more ranks from the measured costs.

Each K runs --repeats times, interleaved (1, 2, 1, 2, ...) so that a change in the machine's load
hits both; the medians are used. From the perf-json line every rank prints (cmd_train.cpp):
  s  = serial seconds a step (every rank: the edge pass, the update, the checks) = (step wall
       - solving - gathering) / steps, at K = 1;
  a, b = a step's solving time on the busiest rank, a + b * n for n samples on that rank, fitted
       through K = 1 (n = B) and K = 2 (n = ceil(B / 2)); b is the per-sample solve cost, a what a
       step costs whatever its share (the conductance changes sent to the rank's own workers).
       When the fit is not physical (a < 0 or b <= 0, a noisy machine), a = 0 and b from K = 1;
  g  = one step's allgather alone at K = 2 (the median of 101 with a step's payload, timed after
       the run: the exchange without the waiting for a slower rank, which under load dominates the
       gathering measured inside the steps, also printed);
  e  = evaluation solve seconds a sample at K = 1, ge the evaluation's gathering at K = 2 (as
       measured inside the run, waiting included).
The projection, per epoch of S steps of batch B and one evaluation of N samples:
  T(K) = S * (s + a + b * ceil(B / K) + g * log2 K) + e * ceil(N / K) + ge * log2 K
(an allgather takes log2 K rounds; its payload, B x nodes doubles, is small). Speed-up = T(1) / T(K):
a step's share stops shrinking at K = B.

Writes OUT/runs.csv (every run; the runs' own folders go to a temporary directory), OUT/projection.csv and OUT/speedup.png (measured and projected).
Usage: tools/mpi_train_bench.py [--steps 144] [--repeats 3] [--backend ngspice]
                                [--experiment netlists/experiments/digits.json] [--out runs/mpi-train-bench]
"""
import argparse
import csv
import json
import math
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT = [1, 2, 4, 8, 16, 32, 64]


def run(a, ranks, rep, work):
    out = os.path.join(work, f"run-{ranks}-{rep}")
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks)]
    if os.geteuid() == 0:
        cmd.insert(1, "--allow-run-as-root")  # Open MPI refuses root without it
    cmd += [a.spiceloop, "train", a.experiment, "--backend", a.backend, "--max-steps", str(a.steps), "--out", out,
            "--overwrite", "--no-plot", "--progress", "off", "--perf"]
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.monotonic() - t0
    perf = next(json.loads(l[len("perf-json "):]) for l in p.stdout.splitlines() if l.startswith("perf-json "))
    perf["process_wall_s"] = wall
    perf["load_before"] = load
    return perf


def median(runs, f):
    return statistics.median(f(r) for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--experiment", default=os.path.join(ROOT, "netlists", "experiments", "digits.json"))
    ap.add_argument("--backend", default="ngspice")
    ap.add_argument("--steps", type=int, default=144, help="steps per run (digits: 144 an epoch)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default="runs/mpi-train-bench")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    exp = json.load(open(a.experiment))
    runs = {1: [], 2: []}
    work = tempfile.mkdtemp(prefix="mpi-train-bench-")  # the runs' folders, removed at the end
    for rep in range(a.repeats):
        for k in (1, 2):
            r = run(a, k, rep, work)
            runs[k].append(r)
            st, ev = r["steps_part"], r["evaluations_part"]
            print(f"K={k} run {rep + 1}: {r['steps']} steps + {ev['rounds']} evaluations in {r['seconds']:.2f} s "
                  f"(steps {st['wall_s']:.2f} s: solving {st['solve_s']:.2f} s, gathering {st['gather_s']:.3f} s; "
                  f"evaluations {ev['wall_s']:.2f} s) load {r['load_before']:.1f}", flush=True)

    shutil.rmtree(work)
    B = exp["batch_size"]
    steps = runs[1][0]["steps"]
    evals = runs[1][0]["evaluations_part"]["rounds"]
    per_step = lambda k, f: median(runs[k], lambda r: f(r["steps_part"])) / steps
    solve1, solve2 = per_step(1, lambda p: p["solve_s"]), per_step(2, lambda p: p["solve_s"])
    s = per_step(1, lambda p: p["wall_s"] - p["solve_s"] - p["gather_s"])
    g = median(runs[2], lambda r: r["step_allgather_alone_s"])
    g_in_run = per_step(2, lambda p: p["gather_s"])
    n2 = math.ceil(B / 2)
    b = (solve1 - solve2) / (B - n2) if B > n2 else 0.0
    fitted = b > 0 and solve1 - b * B >= 0
    if not fitted:
        b = solve1 / B
    a_fixed = solve1 - b * B
    N = median(runs[1], lambda r: r["evaluations_part"]["samples"]) / evals  # samples an evaluation
    e = median(runs[1], lambda r: r["evaluations_part"]["solve_s"]) / (N * evals)
    ge = median(runs[2], lambda r: r["evaluations_part"]["gather_s"]) / evals
    S = math.ceil(exp["task"]["train_samples"] / B) if "train_samples" in exp["task"] else steps  # steps an epoch

    def epoch(k):
        lg = math.log2(k)
        return S * (s + a_fixed + b * math.ceil(B / k) + g * lg) + e * math.ceil(N / k) + ge * lg

    wall = {k: median(runs[k], lambda r: r["seconds"]) for k in (1, 2)}
    measured = wall[1] / wall[2]
    print()
    print(f"per-sample solve cost b = {1e3 * b:.3f} ms ({'fitted through K = 1, 2' if fitted else 'from K = 1; the fit was not physical'}), "
          f"fixed solve cost a step a = {1e3 * a_fixed:.3f} ms, serial s = {1e3 * s:.3f} ms a step")
    print(f"gather (one allgather a step of the batch's node voltages, {runs[2][0]['step_allgather_values']} doubles, "
          f"in place of an allreduce) g = {1e3 * g:.4f} ms alone at K = 2, {1e3 * g_in_run:.3f} ms a step inside the "
          f"run (waiting for the other rank included); evaluation: {1e3 * e:.3f} ms a sample, gather {1e3 * ge:.3f} ms")
    print(f"measured: K=1 {wall[1]:.2f} s, K=2 {wall[2]:.2f} s for {steps} steps and {evals} evaluations: "
          f"speed-up {measured:.2f} (model {epoch(1) / epoch(2):.2f} for an epoch)")
    print("projection T(K) = S (s + a + b ceil(B/K) + g log2 K) + e ceil(N/K) + ge log2 K, "
          f"S = {S} steps, B = {B}, N = {N:.0f}:")
    rows = []
    for k in PROJECT:
        rows.append({"ranks": k, "epoch_seconds": epoch(k), "speedup": epoch(1) / epoch(k)})
        print(f"  K = {k:2d}: {epoch(k):8.2f} s an epoch, speed-up {epoch(1) / epoch(k):5.2f}")
    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ranks", "repeat", "seconds", "process_wall_s", "load_before", "steps", "allgather_alone_s", "step_wall_s",
                    "step_solve_s", "step_gather_s", "step_samples_busiest", "eval_wall_s", "eval_solve_s",
                    "eval_gather_s", "eval_samples_busiest"])
        for k in (1, 2):
            for i, r in enumerate(runs[k]):
                st, ev = r["steps_part"], r["evaluations_part"]
                w.writerow([k, i + 1, r["seconds"], r["process_wall_s"], r["load_before"], r["steps"],
                            r.get("step_allgather_alone_s", 0.0), st["wall_s"],
                            st["solve_s"], st["gather_s"], st["samples"], ev["wall_s"], ev["solve_s"], ev["gather_s"],
                            ev["samples"]])
    with open(os.path.join(a.out, "projection.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["ranks", "epoch_seconds", "speedup"])
        w.writeheader()
        w.writerows(rows)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no speedup.png", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(PROJECT, PROJECT, ":", color="grey", label="K (perfect)")
    ax.plot(PROJECT, [r["speedup"] for r in rows], "o-", label="projected from measured costs")
    ax.plot([1, 2], [1, measured], "s", ms=9, color="C3", label="measured (median)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("MPI ranks K")
    ax.set_ylabel("speed-up over one process")
    ax.set_title(f"spiceloop train {os.path.basename(a.experiment)} on {a.backend}: data-parallel", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "speedup.png"), dpi=120)


if __name__ == "__main__":
    main()
