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
time tau_s is where the short-tau line D = s tau meets the plateau D_sat:
tau_s = D_sat / s, from a fit of D = D_sat (1 - exp(-tau / tau_s)). A run the flow takes past a conductance of 0
(the transient does not clip) is recorded as failed, with its error. One ngspice spot check runs the standard machine at one tau on both backends
and compares D and the trajectories. A check at one tau (--check-tau) gives D after 3, 10 and 30 s
of transient: a limit cycle keeps its D, a convergence's D falls.

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
    r = subprocess.run([spiceloop, "transient", exp, "--backend", backend, "--out", out, "--no-plot"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - started
    if r.returncode != 0:  # e.g. a conductance the flow took below 0 (the transient does not clip)
        raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}")
    return read_rows(os.path.join(out, "trajectory.csv")) + (wall,)


def saturation(taus, ds):
    """Fits D = D_sat (1 - exp(-tau / tau_s)) (least squares on log D; D_sat linear given tau_s, tau_s on a
    log grid): D ~ (D_sat / tau_s) tau for short tau, D_sat for long. Returns tau_s, the short-tau slope, D_sat."""
    pts = [(t, d) for t, d in zip(taus, ds) if d == d and d > 0]
    best = None
    for i in range(400):
        ts = 1e-3 * 10 ** (i / 80)  # 1 ms .. 100 s
        shape = [1 - math.exp(-t / ts) for t, _ in pts]
        log_sat = sum(math.log(d / f) for (t, d), f in zip(pts, shape)) / len(pts)
        err = sum((math.log(d / f) - log_sat) ** 2 for (t, d), f in zip(pts, shape))
        if best is None or err < best[0]:
            best = (err, ts, math.exp(log_sat))
    _, ts, sat = best
    return ts, sat / ts, sat


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "transient_limit_cycle"))
    ap.add_argument("--taus", default="0.004,0.01,0.03,0.1,0.3,1,2")
    ap.add_argument("--settle", type=float, default=10.0, help="seconds of transient before the measured cycle")
    ap.add_argument("--spot-tau", type=float, default=0.01, help="tau of the ngspice spot check")
    ap.add_argument("--check-tau", type=float, default=0.1, help="tau of the longer-transient check")
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
                try:
                    times, params, losses, wall = run(args.spiceloop, doc, "ideal", work, f"{machine}_{tau:g}")
                except RuntimeError as e:
                    table.append({"tau_s": tau, "machine": machine, "D": float("nan"), "final_loss": float("nan"),
                                  "simulated_s": float("nan"), "wall_s": float("nan"), "failure": str(e)})
                    print(f"{machine:9s} tau {tau:8.4g} s  failed: {e}", file=sys.stderr)
                    continue
                d = span(times, params, tau)
                table.append({"tau_s": tau, "machine": machine, "D": d, "final_loss": losses[-1],
                              "simulated_s": times[-1], "wall_s": wall, "failure": ""})
                print(f"{machine:9s} tau {tau:8.4g} s  D {d:.4g}  loss {losses[-1]:.3g}  "
                      f"({times[-1]:.3g} s simulated in {wall:.1f} s)", file=sys.stderr)
        # Is it a limit cycle, or what is left of the convergence? D at one tau after longer transients.
        settle_check = []
        for machine in ("standard", "overclamp", "perfect"):
            for settle in (3.0, 10.0, 30.0):
                doc = machine_doc(base, args.check_tau, machine, settle)
                try:
                    times, params, _, _ = run(args.spiceloop, doc, "ideal", work, f"settle_{machine}_{settle:g}")
                    d, failure = span(times, params, args.check_tau), ""
                except RuntimeError as e:
                    d, failure = float("nan"), str(e)
                settle_check.append({"machine": machine, "settle_s": settle, "D": d, "failure": failure})
                print(f"{machine:9s} tau {args.check_tau} s after {settle:g} s: D {d:.4g} {failure}", file=sys.stderr)
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
               "D": series, "ngspice_spot_check": spot, "check_tau_s": args.check_tau, "settle_check": settle_check}
    for m in ("standard", "overclamp"):
        tau_s, slope, plateau = saturation(taus, series[m])
        summary[m] = {"saturation_tau_s": tau_s, "short_tau_slope_per_s": slope, "plateau_D": plateau}
    summary["shrink_factor"] = [s / o if o > 0 and s == s else None
                                for s, o in zip(series["standard"], series["overclamp"])]
    summary["failures"] = [{"tau_s": r["tau_s"], "machine": r["machine"], "failure": r["failure"]}
                           for r in table if r["failure"]]
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
        pts = [(t, d) for t, d in zip(taus, series[m]) if d == d and d > 0]
        if pts:
            ax.loglog(*zip(*pts), marker, color=color, label=label)
    st = summary["standard"]
    ax.loglog(taus, [st["plateau_D"] * (1 - math.exp(-t / st["saturation_tau_s"])) for t in taus], ":", color="C0",
              lw=1, label=f"fit D_sat (1 - exp(-tau / tau_s)), tau_s = {st['saturation_tau_s']:.2g} s")
    if spot:
        ax.loglog([spot["tau_s"]], [spot["D_ngspice"]], "kx", ms=9,
                  label=f"ngspice spot check from the start, 4 cycles (ODE: gap {spot['max_relative_parameter_gap']:.0e})")
    ax.set_xlabel("task period tau (s): each task held for tau")
    ax.set_ylabel("limit-cycle span D (relative parameters)")
    ax.set_title("lab16 alternating two tasks (ODE): span of the limit cycle")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "limit_cycle.png"), dpi=120)


if __name__ == "__main__":
    main()
