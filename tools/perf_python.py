#!/usr/bin/python3
"""The Python module's overhead: free solves of lab16 called from Python against the same solves timed
inside C++ (Simulator.time_solves: the library call in a C++ loop), on both backends, in one run.
Prints the medians side by side and their ratio (target: Python within 2x of C++).

Python calls: `sim.solve()` (the result dropped), `s = sim.solve()` (the result kept until the next
one) and `sim.solve(inputs=v)` (a numpy array of input volts; its C++ column solves the same drive).

Run: PYTHONPATH=build/python /usr/bin/python3 tools/perf_python.py [--rounds N]
"""
import argparse
import os
import statistics
import time

import spiceloop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dropped(sim, rounds, calls, _):
    """Mean ns per sim.solve() in each round of `calls` calls (one clock pair per round, as timeit)."""
    solve, clock, out = sim.solve, time.perf_counter_ns, []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            solve()
        out.append((clock() - start) / calls)
    return out


def kept(sim, rounds, calls, _):
    solve, clock, out = sim.solve, time.perf_counter_ns, []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            s = solve()
        out.append((clock() - start) / calls)
    del s
    return out


def with_inputs(sim, rounds, calls, inputs):
    solve, clock, out = sim.solve, time.perf_counter_ns, []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            solve(inputs=inputs)
        out.append((clock() - start) / calls)
    return out


def main():
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--network", default=os.path.join(ROOT, "netlists", "lab16.json"))
    args = parser.parse_args()
    net = spiceloop.Network.load(args.network)
    inputs = np.asarray(net.input_volts()) * 0.5
    cases = (("solve()", dropped, None), ("s = solve()", kept, None), ("solve(inputs=v)", with_inputs, inputs))
    print(f"{'case':<36} {'C++ median us':>14} {'Python median us':>17} {'Python/C++':>11}")
    for make, calls in ((spiceloop.Ideal, 1000), (spiceloop.Ngspice, 20)):
        sim = make()
        sim.load(net)
        sim.time_solves(5, calls)  # warm up (the ngspice worker starts at the first solve)
        for label, python_ns, v in cases:
            python_ns(sim, 5, calls, v)
            cpp, py = [], []
            for _ in range(10):  # interleaved, so that load on the machine hits both alike
                cpp += list(sim.time_solves(args.rounds // 10, calls, inputs=v))
                py += python_ns(sim, args.rounds // 10, calls, v)
            c, p = statistics.median(cpp) / 1e3, statistics.median(py) / 1e3
            print(f"{f'{net.name} {sim.name}, {label}':<36} {c:14.3f} {p:17.3f} {p / c:11.2f}")
    print(f"medians over {args.rounds} rounds (1000 ideal / 20 ngspice solves each) of the mean time per solve")


if __name__ == "__main__":
    main()
