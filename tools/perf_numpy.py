#!/usr/bin/python3
"""The ideal backend against a numpy/scipy Coupled Learning loop, side by side in one run.

Usage: tools/perf_numpy.py [--sizes 16,64,256] [--budget 2] [--spiceloop build/spiceloop]

For each N, the N x N crossbar of `spiceloop perf train` (10 .. 100 kOhm cells drawn with seed 1,
a 1 kOhm load per column; written by `spiceloop generate crossbar` with the same keys) is trained
by CL on its allostery task (batch 1, eta 0.5, alpha 1e-7, code convention) by a loop written the
way a researcher writes one: the Laplacian from the incidence matrix and the conductances, a
sparse solve per phase (scipy's spsolve), and a vectorised update. Then `spiceloop perf train
--json --ideal-only` runs the same steps in C++, and the table prints steps/s of both and their
ratio, with the ideal step against the time of one pass over each edge's step data.
Needs Debian's python3-numpy and python3-scipy (run with /usr/bin/python3).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

ETA, ALPHA = 0.5, 1e-7


def generate(spiceloop, n, path):
    subprocess.run([spiceloop, "generate", "crossbar", "--set", f"rows={n}", f"columns={n}", "seed=1",
                    'edge={"siemens": {"min": 1e-5, "max": 1e-4}}', "-o", path], check=True)
    with open(path) as f:
        return json.load(f)


class ClLoop:
    """Coupled Learning on a resistor network: free and clamped solves, then k += alpha g."""

    def __init__(self, net):
        names = net["nodes"]
        index = {name: i for i, name in enumerate(names)}
        edges = net["edges"]
        a = np.array([index[e["a"]] for e in edges])
        b = np.array([index[e["b"]] for e in edges])
        m, n = len(edges), len(names)
        self.incidence = sp.csr_matrix((np.r_[np.ones(m), -np.ones(m)], (np.r_[np.arange(m), np.arange(m)], np.r_[a, b])),
                                       shape=(m, n))
        self.k = np.array([e["siemens"] for e in edges])
        self.trainable = np.array([bool(e.get("trainable", False)) for e in edges])
        self.lo = np.array([e.get("min_siemens", 1e-9) for e in edges])
        self.hi = np.array([e.get("max_siemens", 1.0) for e in edges])
        ground = index[net["ground"]]
        self.inputs = np.array([index[i["node"]] for i in net["inputs"]])
        self.input_volts = np.array([i["volts"] for i in net["inputs"]])
        self.outputs = np.array([index[o] for o in net["outputs"]])
        # allostery's targets (task_allostery.cpp) need the C++ random source; any fixed targets
        # in the same range make the same work.
        lo_v, hi_v = min(0.0, self.input_volts.min()), max(0.0, self.input_volts.max())
        self.targets = np.linspace(lo_v + 0.2 * (hi_v - lo_v), lo_v + 0.8 * (hi_v - lo_v), len(self.outputs))
        held_free = np.zeros(n, bool)
        held_free[[ground, *self.inputs]] = True
        held_clamped = held_free.copy()
        held_clamped[self.outputs] = True
        self.phases = [(np.flatnonzero(~h), np.flatnonzero(h)) for h in (held_free, held_clamped)]
        self.n = n

    def solve(self, lap, phase, held_volts):
        free, held = self.phases[phase]
        v = np.zeros(self.n)
        v[held] = held_volts
        if len(free):
            rhs = -lap[free][:, held] @ v[held]
            v[free] = spla.spsolve(lap[free][:, free].tocsc(), rhs)
        return v

    def step(self):
        lap = (self.incidence.T @ sp.diags(self.k) @ self.incidence).tocsr()
        held_free = self.phases[0][1]
        vf = np.zeros(self.n)
        vf[self.inputs] = self.input_volts
        v_free = self.solve(lap, 0, vf[held_free])
        v_out = v_free[self.outputs]
        vc = vf.copy()
        vc[self.outputs] = v_out + ETA * (self.targets - v_out)
        v_clamped = self.solve(lap, 1, vc[self.phases[1][1]])
        df, dc = self.incidence @ v_free, self.incidence @ v_clamped
        g = np.where(self.trainable, -(dc * dc - df * df) / ETA, 0.0)
        self.k = np.clip(self.k + ALPHA * g, self.lo, self.hi)


def median_step_seconds(loop, budget):
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        loop.step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="16,64,256")
    p.add_argument("--budget", type=float, default=2.0, help="seconds per measurement")
    p.add_argument("--spiceloop", default=os.path.join(root, "build", "spiceloop"))
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]

    numpy_rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            loop = ClLoop(generate(a.spiceloop, n, os.path.join(tmp, f"x{n}.json")))
            numpy_rows[n] = (len(loop.k),) + median_step_seconds(loop, a.budget)
    out = subprocess.run([a.spiceloop, "perf", "train", "--ideal-only", "--json", "--sizes", a.sizes,
                          "--budget", str(a.budget)], check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    cpp = {r["case"]: r for r in report["cases"]}

    print(f"{'crossbar':<12} {'edges':>7} | {'ideal step/s':>12} {'step us':>9} {'bound us':>9} {'step/bound':>10} | "
          f"{'numpy step/s':>12} {'step us':>9} | {'ideal/numpy':>11}")
    for n in sizes:
        edges, np_s, _ = numpy_rows[n]
        r = cpp[f"crossbar {n}x{n}"]
        ideal_s, bound_s = r["ideal"]["step_median_s"], r["ideal"]["edge_data_pass_median_s"]
        if r["edges"] != edges:
            sys.exit(f"crossbar {n}: {r['edges']} edges in C++, {edges} in numpy: not the same network")
        print(f"{n:>4} x {n:<5} {edges:>7} | {1 / ideal_s:>12.0f} {ideal_s * 1e6:>9.1f} {bound_s * 1e6:>9.1f} "
              f"{ideal_s / bound_s:>10.2f} | {1 / np_s:>12.0f} {np_s * 1e6:>9.1f} | {np_s / ideal_s:>11.1f}")
    print("CL allostery, batch 1, medians from this run; bound = one pass reading and writing each edge's "
          "step data once (perf train's EdgeDataPass, timed alternately with the steps); "
          f"the fused pass ran its {report.get('step_pass_build', '?')} build")


if __name__ == "__main__":
    main()
