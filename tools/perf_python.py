#!/usr/bin/python3
"""The Python module's overhead: a free solve of lab16 called from Python against the same solve
timed inside C++ (Simulator.time_solves: the library call in a C++ loop), on both backends, in one
run. Prints the medians side by side and their ratio (target: Python within 2x of C++).

Run: PYTHONPATH=build/python /usr/bin/python3 tools/perf_python.py [--rounds N]
"""
import argparse
import os
import statistics
import time

import spiceloop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_ns(sim, rounds, calls):
    """Mean ns per sim.solve() in each round of `calls` calls (one clock pair per round, as timeit)."""
    solve, clock, out = sim.solve, time.perf_counter_ns, []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            solve()
        out.append((clock() - start) / calls)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--network", default=os.path.join(ROOT, "netlists", "lab16.json"))
    args = parser.parse_args()
    net = spiceloop.Network.load(args.network)
    print(f"{'case':<28} {'C++ median us':>14} {'Python median us':>17} {'Python/C++':>11}")
    for make, calls in ((spiceloop.Ideal, 1000), (spiceloop.Ngspice, 20)):
        sim = make()
        sim.load(net)
        sim.time_solves(5, calls)  # warm up (the ngspice worker starts at the first solve)
        python_ns(sim, 5, calls)
        cpp, py = [], []
        for _ in range(10):  # interleaved, so that load on the machine hits both alike
            cpp += list(sim.time_solves(args.rounds // 10, calls))
            py += python_ns(sim, args.rounds // 10, calls)
        c, p = statistics.median(cpp) / 1e3, statistics.median(py) / 1e3
        print(f"{net.name + ' free solve, ' + sim.name:<28} {c:14.3f} {p:17.3f} {p / c:11.2f}")
    print(f"medians over {args.rounds} rounds (1000 ideal / 20 ngspice solves each) of the mean time per solve")


if __name__ == "__main__":
    main()
