#!/usr/bin/python3
"""Hostile traffic against `spiceloop serve`, watching its ngspice workers (a script, not CI).

Starts `spiceloop serve BENCH --backend ngspice --port 0` (lab16_hil by default) and for --minutes
runs client threads that misbehave on every port: random bytes, lines past the limit, block headers
announcing gigabytes, unterminated quotes, settings at and beyond their limits, long learning
clocks, pipelined queries never read, connect-and-vanish storms, idle connections beyond the
limits, and control-port faults (delay, silence, garbage, drop on instrument ports), pause/resume,
reseed and reset. A monitor thread lists the server's children every 0.2 s (its ngspice workers),
reports each worker that dies or lingers as a zombie, and probes every instrument with *IDN? and a
scanner READ?, recording answer latency. The server's stderr (where a worker's death is logged with
its signal) is kept.

Run: /usr/bin/python3 tests/soak/hostile_soak.py --spiceloop build/spiceloop --minutes 10
Prints a summary: workers started and died (with the server's log lines about them), zombies seen,
probe failures and latency percentiles, and the traffic sent.
"""
import argparse
import collections
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STOP = threading.Event()
STATS = collections.Counter()
LOCK = threading.Lock()


def count(key, n=1):
    with LOCK:
        STATS[key] += n


def start_server(spiceloop, bench, workdir, extra):
    addresses = os.path.join(workdir, "addresses.json")
    err = open(os.path.join(workdir, "serve.stderr"), "w")
    proc = subprocess.Popen([spiceloop, "serve", bench, "--port", "0", "--backend", "ngspice", "--no-pty",
                             "--addresses", addresses] + extra,
                            stdout=subprocess.PIPE, stderr=err, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("ready"):
            with open(addresses) as f:
                return proc, json.load(f)
    proc.kill()
    raise RuntimeError("spiceloop serve did not get ready")


def port_of(address):
    if "::" in address:
        return int(address.split("::")[2])
    return int(address.rsplit(":", 1)[1])


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def query(port, text, timeout=10.0):
    with connect(port, timeout) as s:
        s.sendall(text.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data


HOSTILE_SCPI = [
    "VOLT 1e999,(@1)", "VOLT -21,(@1:4)", "VOLT 20,(@1:4);:OUTP ON,(@1:7)", "OUTP ON,(@1:7)", "CURR 1e-9,(@1:4)",
    "DPOT:CODE 0,(@1:16)", "DPOT:CODE 127,(@1:16)", "DPOT:CODE 99999,(@1)", "DPOT:STEP UP,65535,(@1:16)",
    "DPOT:STEP DOWN,65535,(@1:16)", "LEARN:CLOCK 100000", "LEARN:CLOCK 200", "LEARN:RULE EP;:LEARN:BETA 1;:LEARN:CLOCK 50",
    "LEARN:RULE SIGN;:LEARN:CLOCK 100", "LEARN:RATE 1;:LEARN:CLOCK 20", "LEARN:TARGET 1000,(@1:3);:LEARN:CLOCK 20",
    "EDGE:CONDUCTANCE 1e9,(@1:16)", "EDGE:CONDUCTANCE 0,(@1:16)", "EDGE:PRES", "NODE:VOLT? FREE", "NODE:VOLT? CLAM",
    "READ?", "MEAS:VOLT:DC? (@101:109)", "CONF:VOLT:DC (@101:109);:ROUT:SCAN (@101:109)", "SENS:VOLT:DC:NPLC 200,(@101)",
    "TRIG:COUN 50000;:INIT", "FETC?", "*RST", "*CLS", "VOLT #9999999999", "DATA #15ab", "'unterminated",
    "shell rm -rf /; .control; `ls`", "*IDN?;" * 300, ":" * 5000, "LEARN:COST?", "SYST:ERR?",
]


def random_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def scpi_attacker(ports, seed):
    rng = random.Random(seed)
    while not STOP.is_set():
        port = rng.choice(ports)
        try:
            with connect(port, 10) as s:
                for _ in range(rng.randrange(1, 40)):
                    kind = rng.randrange(10)
                    if kind < 5:
                        msg = rng.choice(HOSTILE_SCPI).encode() + b"\n"
                    elif kind == 5:
                        msg = random_bytes(rng, rng.randrange(1, 4096))
                    elif kind == 6:
                        msg = b"A" * rng.randrange(60000, 200000) + b"\n"
                    elif kind == 7:
                        msg = b"\x00\xff" * 100 + b"\n*IDN?\n"
                    elif kind == 8:
                        msg = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    else:
                        msg = b"*IDN?\n" * rng.randrange(1, 2000)
                    s.sendall(msg)
                    count("scpi_bytes", len(msg))
                    if rng.random() < 0.5:
                        s.settimeout(0.5)
                        try:
                            count("scpi_read_bytes", len(s.recv(65536)))
                        except (socket.timeout, OSError):
                            pass
                if rng.random() < 0.3:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset
            count("scpi_sessions")
        except OSError:
            count("scpi_connect_errors")
            time.sleep(0.05)


def line_attacker(port, seed):
    rng = random.Random(seed)
    lines = [b"SET 1 50", b"SET 1 -5", b"SET 99 1", b"INC 1 65535", b"DEC 1 65535", b"GET? 1", b"ALL?", b"FOO", b"X" * 400]
    while not STOP.is_set():
        try:
            with connect(port, 10) as s:
                for _ in range(rng.randrange(1, 50)):
                    msg = rng.choice(lines) + rng.choice([b"\n", b"\r\n", b"\r"])
                    if rng.random() < 0.1:
                        msg = random_bytes(rng, 300)
                    s.sendall(msg)
                    count("line_bytes", len(msg))
            count("line_sessions")
        except OSError:
            count("line_connect_errors")
            time.sleep(0.05)


def hog(ports, seed):
    """Clients that never read, and connect storms that leave at once."""
    rng = random.Random(seed)
    while not STOP.is_set():
        port = rng.choice(ports)
        try:
            socks = []
            for _ in range(rng.randrange(1, 80)):
                s = connect(port, 5)
                socks.append(s)
                if rng.random() < 0.3:
                    s.setblocking(False)
                    try:
                        s.send(b"READ?\n" * 5000)
                    except OSError:
                        pass
            count("hog_connections", len(socks))
            time.sleep(rng.random() * 3)
            for s in socks:
                s.close()
        except OSError:
            count("hog_connect_errors")
            time.sleep(0.1)


def control_attacker(control_port, instrument_names, seed):
    rng = random.Random(seed)
    while not STOP.is_set():
        try:
            with connect(control_port, 10) as s:
                f = s.makefile("rwb")
                for _ in range(rng.randrange(1, 20)):
                    name = rng.choice(instrument_names)
                    req = rng.choice([
                        {"cmd": "fault", "port": name, "kind": "delay", "ms": rng.choice([1, 50, 500])},
                        {"cmd": "fault", "port": name, "kind": "silence"},
                        {"cmd": "fault", "port": name, "kind": "garbage", "bytes": 4096, "seed": rng.randrange(100)},
                        {"cmd": "fault", "port": name, "kind": "drop"},
                        {"cmd": "fault", "port": name, "kind": "clear"},
                        {"cmd": "fault", "port": name, "kind": "error", "code": -222},
                        {"cmd": "pause"}, {"cmd": "resume"}, {"cmd": "reseed", "seed": rng.randrange(1000)},
                        {"cmd": "reset"}, {"cmd": "truth"}, {"cmd": "ports"}, {"cmd": "traffic", "since": 0, "max": 1000},
                    ])
                    f.write(json.dumps(req).encode() + b"\n")
                    f.flush()
                    f.readline()
                    count("control_requests")
                    if req.get("cmd") == "pause":
                        time.sleep(rng.random())
                        f.write(b'{"cmd":"resume"}\n')
                        f.flush()
                        f.readline()
                # Leave nothing behind that would stop the probes for long.
                for name in instrument_names:
                    f.write(json.dumps({"cmd": "fault", "port": name, "kind": "clear"}).encode() + b"\n")
                f.write(b'{"cmd":"resume"}\n')
                f.flush()
                for _ in range(len(instrument_names) + 1):
                    f.readline()
            time.sleep(rng.random() * 2)
        except OSError:
            count("control_errors")
            time.sleep(0.1)


def children(pid):
    out = set()
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out.update(int(x) for x in f.read().split())
    except OSError:
        pass
    return out


def state_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def monitor(proc, addr, report):
    known = {}
    latencies = collections.defaultdict(list)
    instruments = [n for n in ("source", "scanner", "digipots", "network") if n in addr]
    last_probe = 0
    while not STOP.is_set():
        now = time.time()
        kids = children(proc.pid)
        for pid in kids:
            if pid not in known:
                known[pid] = {"started": now, "state": state_of(pid)}
                report["workers_started"].append((round(now - report["t0"], 1), pid))
        for pid, info in known.items():
            if info.get("gone"):
                continue
            st = state_of(pid)
            if st == "Z" and not info.get("zombie_since"):
                info["zombie_since"] = now
                report["zombies"].append((round(now - report["t0"], 1), pid))
            if st is None or pid not in kids:
                info["gone"] = now
                report["workers_gone"].append((round(now - report["t0"], 1), pid,
                                               round(now - info["zombie_since"], 2) if info.get("zombie_since") else 0.0))
        if now - last_probe > 1.0:
            last_probe = now
            for name in instruments:
                t = time.time()
                try:
                    answer = query(port_of(addr[name]), "*IDN?", timeout=30)
                    latencies[name].append(time.time() - t)
                    if answer.count(b",") < 3:
                        report["probe_odd"] += 1  # garbage from a fault, or an answer owed to nobody
                except OSError as e:
                    report["probe_failures"].append((round(time.time() - report["t0"], 1), name, str(e)))
        if proc.poll() is not None:
            report["server_exit"] = proc.returncode
            break
        time.sleep(0.2)
    report["latency"] = {n: sorted(v) for n, v in latencies.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spiceloop", required=True)
    parser.add_argument("--bench", default=os.path.join(ROOT, "netlists", "benches", "lab16_hil.json"))
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("serve_args", nargs="*", help="more options for spiceloop serve (after --)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="spiceloop_soak_")
    proc, addr = start_server(args.spiceloop, args.bench, tmp, args.serve_args)
    report = {"t0": time.time(), "workers_started": [], "workers_gone": [], "zombies": [], "probe_failures": [],
              "probe_odd": 0}
    names = [n for n in addr if n not in ("spiceloop_addresses", "bench", "control", "digipots-pty")]
    scpi_ports = [port_of(addr[n]) for n in names if n != "digipots-line"]
    threads = [threading.Thread(target=monitor, args=(proc, addr, report))]
    for i in range(args.threads):
        threads.append(threading.Thread(target=scpi_attacker, args=(scpi_ports, args.seed * 100 + i)))
    if "digipots-line" in addr:
        threads.append(threading.Thread(target=line_attacker, args=(port_of(addr["digipots-line"]), args.seed)))
    threads.append(threading.Thread(target=hog, args=(scpi_ports, args.seed)))
    threads.append(threading.Thread(target=control_attacker, args=(port_of(addr["control"]), names, args.seed)))
    for t in threads:
        t.daemon = True
        t.start()
    try:
        STOP.wait(args.minutes * 60)
    finally:
        STOP.set()
        for t in threads:
            t.join(timeout=60)
        alive_after = None
        try:
            # An attacker stopped mid-way may have left a fault or a pause: clear them first, as lab
            # code would, so that the probe asks whether the server recovered, not whether it obeys.
            for name in names:
                query(port_of(addr["control"]), json.dumps({"cmd": "fault", "port": name, "kind": "clear"}), timeout=30)
            query(port_of(addr["control"]), '{"cmd":"resume"}', timeout=30)
            ok = query(port_of(addr["source"]), "*IDN?", timeout=30)
            alive_after = ok.decode(errors="replace").strip()
        except OSError as e:
            alive_after = "no answer: %s" % e
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    log = open(os.path.join(tmp, "serve.stderr")).read().splitlines()
    print("soak: %.1f min, %d attacker threads, bench %s, server stderr %s" %
          (args.minutes, args.threads, os.path.basename(args.bench), os.path.join(tmp, "serve.stderr")))
    print("traffic:", dict(STATS))
    print("workers started (t s, pid):", report["workers_started"])
    print("workers gone (t s, pid, seconds as zombie):", report["workers_gone"])
    print("zombies seen (t s, pid):", report["zombies"])
    print("server lines about workers:")
    for line in [l for l in log if "worker" in l][:40]:
        print("   ", line)
    print("probe failures: %d %s" % (len(report["probe_failures"]), report["probe_failures"][:10]))
    print("probe answers that were not *IDN? (garbage faults, answers owed to nobody): %d" % report["probe_odd"])
    for name, v in report.get("latency", {}).items():
        if v:
            print("  %-10s *IDN? latency: n=%d median %.1f ms p99 %.1f ms max %.1f ms" %
                  (name, len(v), 1e3 * v[len(v) // 2], 1e3 * v[int(len(v) * 0.99)], 1e3 * v[-1]))
    print("server exit during the run:", report.get("server_exit"), "; answer after the run:", alive_after)


if __name__ == "__main__":
    main()
