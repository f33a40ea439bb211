#!/usr/bin/env python3
"""A trained digits network read by ngspice and by the ideal backend: every image, both backends.

Usage: PYTHONPATH=build/python /usr/bin/python3 tools/digits_ngspice.py RUN_DIR [--data netlists/digits.csv]

RUN_DIR is a finished `spiceloop train netlists/experiments/digits.json` run (its network.json, the
trained crossbar). Each of the 1,797 images is driven as the digits task drives it with the bundled
experiment's encoding (pixel / 16 of 0-1 V on inputs 0-63, 1 V minus that on 64-127) and solved in
the free phase on both backends. Prints the largest |V_ngspice - V_ideal| over the ten outputs of
every image, how many images the two backends read as a different digit, each backend's accuracy
over all images, and the seconds each took. Exit status 1 when an output differs by 1e-6 V or more
or a reading differs.
"""
import argparse
import os
import sys
import time

import numpy as np

import spiceloop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dir")
    p.add_argument("--data", default=os.path.join(ROOT, "netlists/digits.csv"))
    a = p.parse_args()
    net = spiceloop.load_network(os.path.join(a.run_dir, "network.json"))
    data = np.loadtxt(a.data, delimiter=",", dtype=int, ndmin=2)
    u = data[:, :64] / 16.0
    inputs = np.hstack([u, 1.0 - u])
    labels = data[:, 64]
    outputs = list(net.outputs)
    volts, seconds = {}, {}
    for name, sim in (("ideal", spiceloop.Ideal()), ("ngspice", spiceloop.Ngspice())):
        sim.load(net)
        t = time.monotonic()
        states = sim.solve_batch("free", inputs=inputs)
        seconds[name] = time.monotonic() - t
        volts[name] = np.array([s.node_volts[outputs] for s in states])
    worst = float(np.max(np.abs(volts["ngspice"] - volts["ideal"])))
    read = {name: np.argmax(v, axis=1) for name, v in volts.items()}
    differ = int(np.sum(read["ngspice"] != read["ideal"]))
    print(f"{len(labels)} images, {net.edge_count} edges")
    print(f"max |V_ngspice - V_ideal| over the outputs: {worst:.3e} V")
    print(f"images read as another digit by ngspice: {differ}")
    for name in volts:
        print(f"{name:>8}: accuracy over all images {100 * np.mean(read[name] == labels):.2f} %, "
              f"{seconds[name]:.2f} s for the {len(labels)} solves")
    return 0 if worst < 1e-6 and differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
