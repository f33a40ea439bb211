#!/usr/bin/env python3
"""Memory of a running command over time: its resident set and each child's (the ngspice workers),
sampled every --every seconds from /proc, with the lines of a file it writes (metrics.jsonl) as the
step count. Shows whether memory grows per step, and where (issue 13 item 6).

  /usr/bin/python3 tools/rss_trace.py --every 2 --count-lines OUT/metrics.jsonl -- \
      build/spiceloop train EXP.json --backend ngspice --out OUT
"""
import argparse
import os
import subprocess
import sys
import time


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def lines_in(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    ap.add_argument("--seconds", type=float, default=0, help="stop the command after this long (0: let it end)")
    ap.add_argument("--count-lines", help="a file the command appends to; its line count is printed")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        sys.exit("rss_trace.py: give the command after --")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    print("seconds lines main_kB children_kB")
    while proc.poll() is None:
        time.sleep(a.every)
        kids = [rss_kb(c) for c in children(proc.pid)]
        main_kb = rss_kb(proc.pid)
        if main_kb is None:
            break
        lines = lines_in(a.count_lines) if a.count_lines else ""
        print(f"{time.monotonic() - start:7.1f} {lines} {main_kb} {' '.join(str(k) for k in kids if k)}", flush=True)
        if a.seconds and time.monotonic() - start > a.seconds:
            proc.terminate()
    proc.wait()


if __name__ == "__main__":
    main()
