#!/usr/bin/python3
"""Can a transistor network represent XOR from where it starts? Exact-loss descent (L-BFGS-B on the
ideal backend's free states, gates clipped to their bounds) from gates drawn uniformly in
[lo, hi] V, per seed: the loss and accuracy it reaches. Not a learning rule: the reference for
what CL on the same network and encoding could reach (README, "XOR on the transistor lattice").

Run: PYTHONPATH=build/python /usr/bin/python3 tools/xor_reach.py [NET.json] [--gates 4.5,5.5]
         [--seeds 1-6] [--targets 0.1,0.25] [--encoding complementary|plain]
The inputs are the network's first four (complementary: x1, not x1, x2, not x2 at 0 / 0.45 V;
plain: x1, x2, the others at their own volts); one output, read against the targets' midpoint.
"""
import argparse
import os

import numpy as np
from scipy.optimize import minimize

import spiceloop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pair(text):
    a, b = (float(x) for x in text.split(","))
    return a, b


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("network", nargs="?", default=os.path.join(ROOT, "netlists/clln4x4.json"))
    p.add_argument("--gates", type=pair, default=(4.5, 5.5), help="start gates drawn in [lo, hi] V")
    p.add_argument("--seeds", default="1-6")
    p.add_argument("--targets", type=pair, default=(0.1, 0.25))
    p.add_argument("--encoding", default="complementary", choices=["complementary", "plain"])
    a = p.parse_args()
    lo_s, _, hi_s = a.seeds.partition("-")
    seeds = range(int(lo_s), int(hi_s or lo_s) + 1)

    net = spiceloop.load_network(a.network)
    sim = spiceloop.Ideal()
    sim.load(net)
    own = list(net.input_volts())
    # The Python Edge carries no gate bounds; the network's JSON does (defaults of netlists/README.md).
    bounds = [(e.get("min_gate_volts", 0.75), e.get("max_gate_volts", 8.0)) for e in net.to_json()["edges"]]
    cases = [(x1, x2) for x1 in (0, 1) for x2 in (0, 1)]

    def inputs(x1, x2):
        v = list(own)
        if a.encoding == "complementary":
            v[:4] = [0.45 * x1, 0.45 * (1 - x1), 0.45 * x2, 0.45 * (1 - x2)]
        else:
            v[:2] = [0.45 * x1, 0.45 * x2]
        return v

    target = np.array([a.targets[1] if x1 ^ x2 else a.targets[0] for x1, x2 in cases])
    threshold = 0.5 * sum(a.targets)
    out = net.outputs[0]

    def outputs(g):
        sim.set_conductances([min(max(x, b[0]), b[1]) for x, b in zip(g, bounds)])
        return np.array([s.node_volts[out] for s in sim.solve_batch("free", inputs=[inputs(*c) for c in cases])])

    def loss(g):
        return 0.5 * np.mean((outputs(g) - target) ** 2)

    print(f"{a.network}: gates from [{a.gates[0]}, {a.gates[1]}] V, {a.encoding} inputs, targets {a.targets}")
    print(f"{'seed':>4} {'loss start':>11} {'loss end':>9} {'accuracy':>8}  outputs (V) for 00 01 10 11")
    for seed in seeds:
        g0 = np.random.default_rng(seed).uniform(a.gates[0], a.gates[1], len(bounds))
        r = minimize(loss, g0, method="L-BFGS-B", bounds=bounds, options={"maxfun": 5000})
        o = outputs(r.x)
        acc = np.mean((o > threshold) == (target > threshold))
        print(f"{seed:>4} {loss(g0):>11.2e} {r.fun:>9.2e} {100 * acc:>7.0f}%  {np.round(o, 3)}")


if __name__ == "__main__":
    main()
