#!/usr/bin/env python3
"""Beyond the quasistatic limit (Stern et al., PRR 2022; issue 12 item 3b): training time against the
ratio R of learning rate to node relaxation rate, on the learning machine in time.

The base is netlists/transient/lab16_relax.json (lab16 learning allostery, learning window open for
the whole run, node voltages integrated: "relaxation": "integrated"). Definitions (README):
  gamma     = G0 / C_node, G0 the mean initial conductance of the learned edges (1 / s)
  alpha_eff = c rate (1 V)^2 / G0, rate = alpha / period the conductance rate per V^2 (spec.hpp), c the
              rule's factor: the rate at which k / G0 moves under a 1 V^2 signal (1 / s)
  R         = alpha_eff / gamma = c alpha C_node / (period G0^2)
For each R (log-spaced) the node capacitance stays fixed and alpha is set; the run lasts
SPAN max(1/R, 1/sqrt(R)) / gamma in PERIODS periods (the loss is read once per period), doubled
until the loss has settled. Training time = the time after which the loss stays below THRESHOLD
times its initial value (log-interpolated between periods), in units of 1 / gamma. Oscillation: the
loss rises (by more than 1 %) at least twice before it settles. The two power laws are fitted
(least squares in log-log) on either side of the split that fits best; R* is where the lines meet.
A few R are run on ngspice too (one transient of the same deck).

Writes OUT/relax_sweep.csv, OUT/loss_curves.csv, OUT/training_time_vs_R.png, OUT/loss_vs_time.png
and prints the fit.
Usage: /usr/bin/python3 tools/transient_relax.py [--spiceloop build/spiceloop] [--out docs/transient_relax]
       [--work runs/transient_relax] [--points 25] [--r-min 0.01] [--r-max 100] [--ngspice 0.1,3,30]
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASE = os.path.join(ROOT, "netlists", "transient", "lab16_relax.json")
THRESHOLD = 1e-3   # training is done when loss < THRESHOLD * initial loss for good
FIRST = 0.1        # first passage: the first time loss < FIRST * initial loss
SPAN = 25.0        # run length in units of max(1/R, 1/sqrt(R)) / gamma
PERIODS = 400
RISE = 0.01        # a rise of the loss by more than 1 % counts towards oscillation


def learned_g0(base):
    net = json.load(open(os.path.join(os.path.dirname(BASE), base["network"])))
    g = [e["siemens"] for e in net["edges"] if e.get("trainable")]
    return sum(g) / len(g)


def run(a, base, g0, r, span, backend):
    """One run at ratio r; returns (rows, period)."""
    c_node = base["dynamics"]["node_farads"]
    gamma = g0 / c_node
    factor = 1.0 if base["rule"].get("convention", "code") == "code" else 0.5
    period = span / gamma / PERIODS
    doc = json.loads(json.dumps(base))
    doc["network"] = os.path.join(os.path.dirname(BASE), base["network"])
    doc["alpha"] = r * period * g0 * g0 / (factor * c_node)
    doc["epochs"] = PERIODS
    doc["dynamics"].update({"period_seconds": period, "edge_seconds": period / 100, "max_step_seconds": period / 20})
    name = f"R{r:.4g}-{backend}"
    os.makedirs(a.work, exist_ok=True)
    exp = os.path.join(a.work, name + ".json")
    json.dump(doc, open(exp, "w"), indent=1)
    out = os.path.join(a.work, name)
    subprocess.run(["nice", a.spiceloop, "transient", exp, "--backend", backend, "--out", out, "--no-plot"],
                   check=True, stdout=subprocess.DEVNULL)
    rows = list(csv.DictReader(open(os.path.join(out, "trajectory.csv"))))[1:]  # the periods, not t = 0
    return rows, period, doc["alpha"], json.load(open(os.path.join(out, "summary.json")))["wall_seconds"]


def analyse(rows, period, gamma):
    """Training time (s, or None), first passage (s), loss rises, parameter reversals, min conductance, loss curve."""
    edges = [k for k in rows[0] if k not in ("time_s", "period", "sample", "loss", "Q")]
    t = [int(r["period"]) * period for r in rows]  # the loss is read at its period's start
    loss = [float(r["loss"]) for r in rows]
    l0 = loss[0]
    below = THRESHOLD * l0
    last_above = max((i for i, v in enumerate(loss) if v > below), default=-1)
    train = None
    if last_above == -1:
        train = t[0]
    elif last_above < len(loss) - 1 and last_above < 0.8 * len(loss):  # settled, with a margin
        i = last_above
        f = (math.log(loss[i]) - math.log(below)) / (math.log(loss[i]) - math.log(max(loss[i + 1], 1e-300)))
        train = t[i] + f * (t[i + 1] - t[i])
    level = FIRST * l0
    first = next((i for i, v in enumerate(loss) if v <= level), None)
    passage = None
    if first is not None:
        passage = t[0] if first == 0 else t[first - 1] + (t[first] - t[first - 1]) * (
            (math.log(loss[first - 1]) - math.log(level)) / (math.log(loss[first - 1]) - math.log(max(loss[first], 1e-300))))
    floor = 1e-12 * l0
    settle = last_above + 1 if last_above >= 0 else 0
    rises = sum(1 for i in range(min(settle, len(loss) - 1)) if loss[i] > floor and loss[i + 1] > loss[i] * (1 + RISE))
    reversals = 0
    for e in edges:
        k = [float(r[e]) for r in rows]
        d = [k[i + 1] - k[i] for i in range(len(k) - 1)]
        scale = max(abs(x) for x in d) or 1.0
        signs = [1 if x > 0 else -1 for x in d if abs(x) > 1e-3 * scale]
        reversals = max(reversals, sum(1 for i in range(len(signs) - 1) if signs[i] != signs[i + 1]))
    kmin = min(float(r[e]) for r in rows for e in edges)
    curve = [(ti * gamma, v / l0) for ti, v in zip(t, loss)]
    return train, passage, rises, reversals, kmin, curve


def fit_line(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    icpt = my - slope * mx
    sse = sum((y - (icpt + slope * x)) ** 2 for x, y in zip(xs, ys))
    return slope, icpt, sse


def two_power_laws(rs, ts):
    """Best split of log10 t(log10 R) into two lines (>= 3 points each): (slope_lo, b_lo, slope_hi, b_hi, R*)."""
    xs, ys = [math.log10(r) for r in rs], [math.log10(t) for t in ts]
    best = None
    for s in range(3, len(xs) - 2):
        lo, hi = fit_line(xs[:s], ys[:s]), fit_line(xs[s:], ys[s:])
        if best is None or lo[2] + hi[2] < best[0]:
            best = (lo[2] + hi[2], lo, hi)
    _, lo, hi = best
    r_star = 10 ** ((hi[1] - lo[1]) / (lo[0] - hi[0]))
    return lo[0], lo[1], hi[0], hi[1], r_star


def main():
    global THRESHOLD, FIRST
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spiceloop", default=os.path.join(ROOT, "build", "spiceloop"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "transient_relax"))
    ap.add_argument("--work", default="runs/transient_relax")
    ap.add_argument("--points", type=int, default=29)
    ap.add_argument("--r-min", type=float, default=0.01)
    ap.add_argument("--r-max", type=float, default=300.0)
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help="training ends at loss < this times the start")
    ap.add_argument("--first", type=float, default=FIRST, help="first passage: loss < this times the start")
    ap.add_argument("--ngspice", default="0.1,3,30", help="R values also run on ngspice (comma list; empty: none)")
    a = ap.parse_args()
    THRESHOLD, FIRST = a.threshold, a.first
    base = json.load(open(BASE))
    g0 = learned_g0(base)
    gamma = g0 / base["dynamics"]["node_farads"]
    print(f"G0 = {g0:.4g} S, C_node = {base['dynamics']['node_farads']:.3g} F, gamma = {gamma:.4g} 1/s", flush=True)
    ratios = [a.r_min * (a.r_max / a.r_min) ** (i / (a.points - 1)) for i in range(a.points)]
    plan = [(r, "ideal", "sweep") for r in ratios]
    for x in a.ngspice.split(","):  # a spot check: ngspice and the ODE at the same R and run length
        if x:
            plan += [(float(x), "ngspice", "check"), (float(x), "ideal", "check")]
    results, curves, spans = [], {}, {}

    def measure(r, backend, role):
        span = spans.get(r, SPAN * max(1 / r, 1 / math.sqrt(r)))
        for _ in range(4):  # lengthen the run until the loss has settled
            rows, period, alpha, wall = run(a, base, g0, r, span, backend)
            train, passage, rises, reversals, kmin, curve = analyse(rows, period, gamma)
            if train is not None:
                break
            span *= 2
        if train is None:
            sys.exit(f"R = {r:.4g} ({backend}): the loss did not settle below {THRESHOLD} of its start")
        if role == "check":
            spans[r] = span
        row = {"role": role, "backend": backend, "R": r, "alpha": alpha, "node_farads": base["dynamics"]["node_farads"],
               "gamma_per_s": gamma, "period_s": period, "rate_S_per_V2_s": alpha / period, "periods": PERIODS,
               "train_time_s": train,
               "train_time_gamma": train * gamma, "first_passage_gamma": passage * gamma, "loss_rises": rises,
               "parameter_reversals": reversals, "oscillating": int(rises >= 2), "min_conductance_S": kmin,
               "wall_s": wall}
        results.append(row)
        curves[(role, backend, r)] = curve
        print(f"R = {r:8.4g} {backend:7s}: training time {train * gamma:9.4g} / gamma (first below {FIRST:g}: "
              f"{passage * gamma:8.4g}), loss rises {rises:3d}, parameter reversals {reversals:3d}, "
              f"min k {kmin:.3g} S ({wall:.2g} s wall)", flush=True)

    for r, backend, role in plan:
        measure(r, backend, role)
    ideal = [x for x in results if x["role"] == "sweep"]
    slope_lo, b_lo, slope_hi, b_hi, r_star = two_power_laws([x["R"] for x in ideal],
                                                            [x["train_time_gamma"] for x in ideal])
    p_lo, _, p_hi, _, p_star = two_power_laws([x["R"] for x in ideal], [x["first_passage_gamma"] for x in ideal])
    print(f"fit of the first passage below {FIRST:g} of the initial loss: R^{p_lo:.3f} below, R^{p_hi:.3f} above "
          f"R = {p_star:.3g}")
    r_osc = min((x["R"] for x in ideal if x["oscillating"]), default=float("nan"))
    print(f"fit: training time x gamma ~ R^{slope_lo:.3f} below R* and R^{slope_hi:.3f} above; R* = {r_star:.3g}; "
          f"the loss first oscillates at R = {r_osc:.3g}")
    for x in results:
        if x["backend"] == "ngspice":
            y = next(z for z in results if z["role"] == "check" and z["backend"] == "ideal" and z["R"] == x["R"])
            print(f"ngspice check R = {x['R']:.4g}: training time {x['train_time_gamma']:.5g} / gamma (ideal "
                  f"{y['train_time_gamma']:.5g}), first passage {x['first_passage_gamma']:.5g} (ideal "
                  f"{y['first_passage_gamma']:.5g}), loss rises {x['loss_rises']} (ideal {y['loss_rises']})")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "relax_sweep.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(results[0]))
        w.writeheader()
        w.writerows(results)
    # loss curves below, near and above R*: the sweep points nearest R*/10, R*, 10 R*
    picks = sorted({min(ideal, key=lambda y: abs(math.log(y["R"] / (r_star * m))))["R"] for m in (0.1, 1, 10)})
    with open(os.path.join(a.out, "loss_curves.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["R", "t_gamma", "loss_over_initial"])
        for r in picks:
            for tg, l in curves[("sweep", "ideal", r)]:
                w.writerow([r, tg, l])
    with open(os.path.join(a.out, "fit.json"), "w") as f:
        json.dump({"slope_below": slope_lo, "slope_above": slope_hi, "R_star": r_star, "R_first_oscillating": r_osc,
                   "first_passage_slope_below": p_lo, "first_passage_slope_above": p_hi, "first_passage_R_star": p_star,
                   "threshold": THRESHOLD, "first_passage_threshold": FIRST, "G0_S": g0, "gamma_per_s": gamma}, f, indent=1)
    plot(a.out, results, (slope_lo, b_lo, slope_hi, b_hi, r_star), two_power_laws(
        [x["R"] for x in ideal], [x["first_passage_gamma"] for x in ideal]), curves, picks)


def plot(out, results, fit, passage_fit, curves, picks):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: skipped the plots", file=sys.stderr)
        return
    slope_lo, b_lo, slope_hi, b_hi, r_star = fit
    ideal = [x for x in results if x["role"] == "sweep"]
    ng = [x for x in results if x["backend"] == "ngspice"]
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for osc, style, label in ((0, "o", "ideal (integrated ODE), loss settles monotonically"),
                              (1, "s", "ideal, loss oscillates")):
        pts = [x for x in ideal if x["oscillating"] == osc]
        if pts:
            ax.loglog([x["R"] for x in pts], [x["train_time_gamma"] for x in pts], style, mfc="none" if osc else None,
                      color="C0", label=label)
    ax.loglog([x["R"] for x in ideal], [x["first_passage_gamma"] for x in ideal], ".", color="C4",
              label=f"ideal: first time loss < {FIRST:g} of its start")
    if ng:
        ax.loglog([x["R"] for x in ng], [x["train_time_gamma"] for x in ng], "x", color="C3", ms=9,
                  label="ngspice transient (spot checks)")
        ax.loglog([x["R"] for x in ng], [x["first_passage_gamma"] for x in ng], "x", color="C3", ms=6)
    rs = [x["R"] for x in ideal]
    lo = [r for r in rs if r <= r_star * 3]
    hi = [r for r in rs if r >= r_star / 3]
    ax.loglog(lo, [10 ** (b_lo + slope_lo * math.log10(r)) for r in lo], "-", color="C1",
              label=f"fit below R*: R^{slope_lo:.2f}")
    ax.loglog(hi, [10 ** (b_hi + slope_hi * math.log10(r)) for r in hi], "--", color="C2",
              label=f"fit above R*: R^{slope_hi:.2f}")
    p_lo, pb_lo, p_hi, pb_hi, p_star = passage_fit
    phi = [r for r in rs if r >= p_star / 3]
    ax.loglog(phi, [10 ** (pb_hi + p_hi * math.log10(r)) for r in phi], ":", color="C4",
              label=f"first passage above R*: R^{p_hi:.2f}")
    ax.axvline(r_star, color="gray", lw=0.8)
    ax.text(r_star * 1.1, ax.get_ylim()[1] * 0.5, f"R* = {r_star:.2g}", color="gray")
    ax.set_xlabel("R = alpha_eff / gamma (learning rate / node relaxation rate)")
    ax.set_ylabel(f"training time x gamma (loss < {THRESHOLD:g} of its start for good)")
    ax.set_title("lab16 allostery, continuous learning, integrated nodes")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "training_time_vs_R.png"), dpi=120)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for i, r in enumerate(picks):
        c = curves[("sweep", "ideal", r)]
        ax.loglog([p[0] for p in c if p[0] > 0], [max(p[1], 1e-16) for p in c if p[0] > 0], color=f"C{i}",
                    label=f"R = {r:.3g} ({'below' if r < r_star / 2 else 'above' if r > 2 * r_star else 'near'} R*)")
    ax.axhline(THRESHOLD, color="gray", lw=0.8, ls=":")
    ax.set_xlabel("t x gamma (log scale)")
    ax.set_ylabel("loss / initial loss")
    ax.set_ylim(1e-9, 3)
    ax.set_xlim(0.03, max(x["train_time_gamma"] for x in ideal if x["R"] in picks) * 1.6)
    ax.set_title("loss in time below and above the quasistatic threshold R*")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "loss_vs_time.png"), dpi=120)


if __name__ == "__main__":
    main()
