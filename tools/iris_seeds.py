#!/usr/bin/env python3
"""Test accuracy of one experiment over many seeds (the seed draws the train/test split).

Usage: iris_seeds.py [EXPERIMENT.json] [--seeds 1-20] [--backend ideal|ngspice] [--init | --network-seeds]
                     [--spiceloop PATH]

Trains EXPERIMENT (default: netlists/experiments/default.json) once per seed with
`spiceloop train --seed S --out TMP --progress off`, prints each seed's final test accuracy as it
finishes (with an ETA on stderr), then the median, min and max. Exit status 0 when every run
finished, 1 otherwise. This is how the README's claim "median >= 96 % over seeds 1-20" is checked.
With --init the seed also draws the initial conductances: an experiment whose network is a
generator spec (netlists/experiments/digits.json) gets its "seed" set to S as well. With
--network-seeds only the generator spec's seed varies and the run's own seed stays the experiment's
(tasks whose data set has no split, such as XOR).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seed_list(text):
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds.extend(range(int(lo), int(hi or lo) + 1))
    return seeds


def with_network_seed(path, seed, folder):
    """A copy of the experiment in folder whose generated network has this seed (paths made absolute)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc.get("network"), dict) or "generator" not in doc["network"]:
        sys.exit(f"--init/--network-seeds: the network of {path} is not a generator spec, so no seed draws it")
    doc["network"]["seed"] = seed
    if "data" in doc.get("task", {}):
        doc["task"]["data"] = os.path.join(os.path.dirname(os.path.abspath(path)), doc["task"]["data"])
    copy = os.path.join(folder, f"experiment_{seed}.json")
    with open(copy, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return copy


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("experiment", nargs="?", default=os.path.join(ROOT, "netlists/experiments/default.json"))
    p.add_argument("--seeds", default="1-20", help="e.g. 1-20 or 1,5,9")
    p.add_argument("--backend", default="ideal", choices=["ideal", "ngspice"])
    p.add_argument("--init", action="store_true", help="the seed also draws the generated network's conductances")
    p.add_argument("--network-seeds", action="store_true",
                   help="vary the seed of the experiment's network generator spec, not the run's")
    p.add_argument("--spiceloop", default=os.path.join(ROOT, "build/spiceloop"))
    a = p.parse_args()
    if a.init and a.network_seeds:
        p.error("--init and --network-seeds are exclusive")
    seeds = seed_list(a.seeds)
    print(f"{a.experiment} on {a.backend}, {'network ' if a.network_seeds else ''}seeds {a.seeds}")
    print(f"{'seed':>5} {'test accuracy %':>16} {'seconds':>8}")
    accuracies, failed = [], 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="iris_seeds_") as tmp:
        for i, seed in enumerate(seeds):
            out = os.path.join(tmp, str(seed))
            experiment = with_network_seed(a.experiment, seed, tmp) if a.init or a.network_seeds else a.experiment
            t = time.monotonic()
            args = [experiment] if a.network_seeds else [experiment, "--seed", str(seed)]
            run = subprocess.run([a.spiceloop, "-q", "train", *args, "--backend", a.backend, "--out", out,
                                  "--progress", "off", "--no-oracle", "--no-plot"],
                                 capture_output=True, text=True)
            seconds = time.monotonic() - t
            if run.returncode != 0:
                failed += 1
                print(f"{seed:>5} {'failed':>16} {seconds:>8.1f}  {run.stderr.strip()}")
            else:
                with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                    acc = 100 * json.load(f)["final"]["test_accuracy"]
                accuracies.append(acc)
                print(f"{seed:>5} {acc:>16.1f} {seconds:>8.1f}")
            sys.stdout.flush()
            done = i + 1
            eta = (time.monotonic() - start) / done * (len(seeds) - done)
            print(f"  {done}/{len(seeds)} seeds, ETA {eta:.0f} s", file=sys.stderr)
    if accuracies:
        print(f"median {statistics.median(accuracies):.2f} %  min {min(accuracies):.1f} %  "
              f"max {max(accuracies):.1f} %  over {len(accuracies)} seeds ({time.monotonic() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
