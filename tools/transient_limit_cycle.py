#!/usr/bin/python3
"""The limit cycle of an imperfect learning machine alternating two tasks (issue 12 item 3d).

Runs `spiceloop transient` on the ideal backend (the ODE) for the bundled experiment
netlists/transient/lab16_two_tasks.json at log-spaced task_seconds tau, three machines each:
  perfect     no spread, mismatch or bias
  standard    the experiment's imperfections, the standard clamp
  overclamp   the same imperfections, overclamping (clamp at 0 or 0.45 V by the error's sign, the
              rate times |T - V_F| / error_volts)
After the transient (the first `settle` seconds, or 3 cycles if longer), the span of the limit
cycle over the last full cycle (2 tau):
  D = max over two period ends t, t' of that cycle of || (p(t) - p(t')) / p(0) ||_2
(parameters relative to their start: for resistors, the control node's volts). The saturation
time tau_s is where the short-tau line D = s tau meets the plateau D_sat (the largest tau's D):
tau_s = D_sat / s. One ngspice spot check runs the standard machine at one tau on both backends
and compares D and the trajectories.

Usage: /usr/bin/python3 tools/transient_limit_cycle.py [--spiceloop build/spiceloop]
       [--out docs/transient_limit_cycle] [--taus 0.004,0.01,...] [--no-ngspice]
Writes DIR/limit_cycle.csv (tau, machine, D, final loss, wall seconds), DIR/summary.json and
DIR/limit_cycle.png.
"""
import argparse
import copy
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPERIMENT = os.path.join(ROOT, "netlists", "transient", "lab16_two_tasks.json")
OVERCLAMP = {"low_volts": 0.0, "high_volts": 1.0, "error_volts": 0.25, "eta": 0.25}
IMPERFECTIONS = ("device_spread", "twin_mismatch", "bias_amps")


def machine_doc(base, tau, machine, settle):
    doc = copy.deepcopy(base)
    dyn = doc["dynamics"]
    period = dyn["period_seconds"]
    dyn["alternate"]["task_seconds"] = tau
    if machine == "perfect":
        for key in IMPERFECTIONS:
            dyn.pop(key, None)
    if machine == "overclamp":
        dyn["overclamp"] = OVERCLAMP
    # Whole cycles: the transient, then at least 3 cycles, the last one measured.
    cycles = max(3, math.ceil(settle / (2 * tau))) + 1
    train = base["task"]["train_samples"]
    doc["epochs"] = int(math.ceil(cycles * 2 * tau / period / train))
    doc["network"] = os.path.join(os.path.dirname(EXPERIMENT), base["network"])
    return doc


def read_rows(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    first = head.index("Q") + 1
    times = [float(r[0]) for r in body]
    params = [[float(x) for x in r[first:]] for r in body]
    losses = [float(r[3]) for r in body]
    return times, params, losses


def span(times, params, tau):
    """D over the last full cycle (2 tau) of the rows (period ends)."""
    end = times[-1]
    start = params[0]
    idx = [i for i, t in enumerate(times) if t >= end - 2 * tau - 1e-12]
    worst = 0.0
    for a in range(len(idx)):
        pa = params[idx[a]]
        for b in range(a + 1, len(idx)):
            pb = params[idx[b]]
            d2 = sum(((x - y) / s) ** 2 for x, y, s in zip(pa, pb, start))
            worst = max(worst, math.sqrt(d2))
    return worst


def run(spiceloop, doc, backend, workdir, name):
    exp = os.path.join(workdir, name + ".json")
    out = os.path.join(workdir, name)
    with open(exp, "w") as f:
        json.dump(doc, f)
    started = time.monotonic()
    subprocess.run([spiceloop, "transient", exp, "--backend", backend, "--out", out, "--no-plot"], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    return read_rows(os.path.join(out, "trajectory.csv")) + (wall,)


def saturation(taus, ds):
    """tau_s = D_sat / s: s the slope of D over the two shortest taus (through 0), D_sat the longest's D."""
    slope = sum(d / t for t, d in zip(taus[:2], ds[:2])) / 2
    return ds[-1] / slope, slope, ds[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "transient_limit_cycle"))
    ap.add_argument("--taus", default="0.004,0.01,0.02,0.05,0.1,0.2,0.5,1,2")
    ap.add_argument("--settle", type=float, default=1.5, help="seconds of transient before the measured cycle")
    ap.add_argument("--spot-tau", type=float, default=0.01, help="tau of the ngspice spot check")
    ap.add_argument("--no-ngspice", action="store_true")
    args = ap.parse_args()
    with open(EXPERIMENT) as f:
        base = json.load(f)
    taus = [float(x) for x in args.taus.split(",")]
    os.makedirs(args.out, exist_ok=True)
    table = []
    with tempfile.TemporaryDirectory(prefix="limit_cycle_") as work:
        for machine in ("standard", "overclamp", "perfect"):
            for tau in taus:
                doc = machine_doc(base, tau, machine, args.settle)
                times, params, losses, wall = run(args.spiceloop, doc, "ideal", work, f"{machine}_{tau:g}")
                d = span(times, params, tau)
                table.append({"tau_s": tau, "machine": machine, "D": d, "final_loss": losses[-1],
                              "simulated_s": times[-1], "wall_s": wall})
                print(f"{machine:9s} tau {tau:8.4g} s  D {d:.4g}  loss {losses[-1]:.3g}  "
                      f"({times[-1]:.3g} s simulated in {wall:.1f} s)", file=sys.stderr)
        spot = None
        if not args.no_ngspice:
            # A short run of the standard machine: both backends from the same start.
            doc = machine_doc(base, args.spot_tau, "standard", 0.0)
            doc["epochs"] = int(round(4 * 2 * args.spot_tau / base["dynamics"]["period_seconds"] /
                                      base["task"]["train_samples"]))
            t_i, p_i, _, w_i = run(args.spiceloop, doc, "ideal", work, "spot_ideal")
            t_n, p_n, _, w_n = run(args.spiceloop, doc, "ngspice", work, "spot_ngspice")
            gap = max(abs(a - b) / abs(a) for ra, rb in zip(p_i, p_n) for a, b in zip(ra, rb))
            spot = {"tau_s": args.spot_tau, "simulated_s": t_n[-1], "D_ideal": span(t_i, p_i, args.spot_tau),
                    "D_ngspice": span(t_n, p_n, args.spot_tau), "max_relative_parameter_gap": gap,
                    "wall_ideal_s": w_i, "wall_ngspice_s": w_n}
            print(f"spot check tau {args.spot_tau} s: D ideal {spot['D_ideal']:.6g}, ngspice {spot['D_ngspice']:.6g}, "
                  f"max parameter gap {gap:.2g}", file=sys.stderr)

    with open(os.path.join(args.out, "limit_cycle.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0].keys()))
        w.writeheader()
        for row in table:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
    series = {m: [r["D"] for r in table if r["machine"] == m] for m in ("standard", "overclamp", "perfect")}
    summary = {"experiment": os.path.relpath(EXPERIMENT, ROOT), "overclamp": OVERCLAMP, "taus_s": taus,
               "D": series, "ngspice_spot_check": spot}
    for m in ("standard", "overclamp"):
        tau_s, slope, plateau = saturation(taus, series[m])
        summary[m] = {"saturation_tau_s": tau_s, "short_tau_slope_per_s": slope, "plateau_D": plateau}
    summary["shrink_factor"] = [s / o if o > 0 else None for s, o in zip(series["standard"], series["overclamp"])]
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps({k: summary[k] for k in ("standard", "overclamp", "shrink_factor")}, indent=1), file=sys.stderr)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    style = {"standard": ("o-", "C0", "imperfect, standard clamp"),
             "overclamp": ("s-", "C3", "imperfect, overclamping"),
             "perfect": ("^--", "0.5", "perfect machine")}
    for m, (marker, color, label) in style.items():
        pts = [(t, d) for t, d in zip(taus, series[m]) if d > 0]
        if pts:
            ax.loglog(*zip(*pts), marker, color=color, label=label)
    st = summary["standard"]
    ax.loglog(taus, [min(st["short_tau_slope_per_s"] * t, st["plateau_D"]) for t in taus], ":", color="C0", lw=1,
              label=f"D = s tau, plateau (tau_s = {st['saturation_tau_s']:.2g} s)")
    if spot:
        ax.loglog([spot["tau_s"]], [spot["D_ngspice"]], "kx", ms=9, label="ngspice spot check")
    ax.set_xlabel("task period tau (s): each task held for tau")
    ax.set_ylabel("limit-cycle span D (relative parameters)")
    ax.set_title("lab16 alternating two tasks (ODE): span of the limit cycle")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "limit_cycle.png"), dpi=120)


if __name__ == "__main__":
    main()
