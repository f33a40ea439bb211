#!/usr/bin/python3
"""The lab board's serial protocol on its pseudo-terminal, from Python as lab code talks to a board
on /dev/ttyACM0: `spiceloop board netlists/clln4x4.json` is started, its pty opened with pyserial
(or PyVISA's ASRL resource), and the board is driven: settings acknowledged as the board spells
them, a free relaxation compared with `spiceloop solve --json`, learning steps checked against the
lab's update law from the grids they report, refusals and their reasons, and the settings shared
with the board's TCP port.

pyserial and PyVISA ASRL (which needs pyserial) are not always installed for /usr/bin/python3
(Debian: python3-serial). Without them the same checks run over the pty with the standard
library's termios, as tests/pyvisa/standins_test.py does for the digipot board, and the test says
so on its first line.

Run: /usr/bin/python3 tests/pyvisa/board_pty_test.py --spiceloop build/spiceloop [--via pyserial|visa|termios]
"""
import argparse
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import termios
import time
import tty
import unittest

from serving import start_ready

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NETWORK = os.path.join(ROOT, "netlists", "clln4x4.json")
ARGS = None


class PyserialPort:
    name = "pyserial"

    def __init__(self, path):
        import serial
        self.port = serial.Serial(path, 115200, timeout=10)

    def write(self, text):
        self.port.write(text.encode())

    def readline(self):
        line = self.port.readline().decode()
        if not line.endswith("\n"):
            raise TimeoutError("no line within 10 s (got %r)" % line)
        return line.rstrip("\r\n")

    def close(self):
        self.port.close()


class VisaPort:
    name = "PyVISA ASRL"

    def __init__(self, path):
        import pyvisa
        self.rm = pyvisa.ResourceManager("@py")
        self.res = self.rm.open_resource("ASRL%s::INSTR" % path, read_termination="\r\n",
                                         write_termination="\n", timeout=10000)

    def write(self, text):
        self.res.write_raw(text.encode())

    def readline(self):
        return self.res.read()

    def close(self):
        self.res.close()
        self.rm.close()


class TermiosPort:
    name = "termios (standard library)"

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        termios.tcflush(self.fd, termios.TCIOFLUSH)
        self.buf = b""

    def write(self, text):
        os.write(self.fd, text.encode())

    def readline(self):
        deadline = time.time() + 10
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError("no line within 10 s (got %r)" % self.buf)
            self.buf += os.read(self.fd, 65536)
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode().rstrip("\r")

    def close(self):
        os.close(self.fd)


def open_port(path):
    """The first serial client this Python has: pyserial, PyVISA ASRL, else termios (--via picks one)."""
    if ARGS.via != "auto":
        return {"pyserial": PyserialPort, "visa": VisaPort, "termios": TermiosPort}[ARGS.via](path), None
    why = []
    try:
        return PyserialPort(path), None
    except ImportError as e:
        why.append("pyserial: %s" % e)
    try:
        return VisaPort(path), None
    except Exception as e:  # pyvisa missing, or pyvisa-py without pyserial has no ASRL
        why.append("PyVISA ASRL: %s" % str(e).splitlines()[0])
    return TermiosPort(path), "; ".join(why)


def start_board(spiceloop, workdir):
    addresses = os.path.join(workdir, "board.addresses.json")
    proc, doc, _ = start_ready([spiceloop, "board", NETWORK, "--port", "0", "--backend", "ideal",
                                "--addresses", addresses], addresses)
    return proc, doc


def multi(line, name):
    head = name + ";MULTI;"
    assert line.startswith(head) and line.endswith(";"), line
    return [float(v) for v in line[len(head):-1].split(";")]


class BoardOverPty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc, cls.addr = start_board(ARGS.spiceloop, cls.tmp.name)
        if "board-pty" not in cls.addr:
            raise unittest.SkipTest("no pseudo-terminal on this machine")
        cls.port, missing = open_port(cls.addr["board-pty"])
        print("board pty %s via %s%s" % (cls.addr["board-pty"], cls.port.name,
              "" if missing is None else " -- SKIPPED the serial libraries, not installed for /usr/bin/python3 "
              "(Debian: python3-serial): " + missing), file=sys.stderr)
        with open(NETWORK) as f:
            cls.net = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.port.close()
        cls.proc.terminate()
        cls.proc.wait(timeout=20)
        cls.tmp.cleanup()

    def ask(self, text, until=None):
        """Sends text; reads one line, or lines up to one starting with `until`."""
        self.port.write(text)
        lines = [self.port.readline()]
        while until is not None and not (lines[-1].startswith(until) or lines[-1] == "Aborting experiment."):
            lines.append(self.port.readline())
        return lines if until is not None else lines[0]

    def test_1_settings_relax_and_learning(self):
        self.assertEqual(self.ask("RST;\n"), "RST recieved!")
        self.assertEqual(self.ask("ETA;0.5;\n"), "ETA recieved!")
        self.assertEqual(self.ask("ALF;5;\n"), "ALF recieved!")
        self.assertEqual(self.ask("NST;2;\n"), "NST recieved!")
        inputs = [i["volts"] for i in self.net["inputs"]]
        self.assertEqual(self.ask("INPT;MULTI;%s;\n" % ";".join(repr(v) for v in inputs)), "INPT recieved!")
        self.assertEqual(self.ask("TRGT;SOLO;0.2;\n"), "TRGT recieved!")

        # The free copy at the network file's inputs and gates is what `spiceloop solve` gives.
        lines = self.ask("RELX;\n", until="DONE;")
        self.assertEqual(lines[0], "RELX recieved!")
        solved = json.loads(subprocess.run([ARGS.spiceloop, "solve", NETWORK, "--json", "--backend", "ideal"],
                                           check=True, capture_output=True, text=True).stdout)["node_volts"]
        free = multi(lines[1], "FREE")
        names = self.net["nodes"]
        for i, name in enumerate(names):
            self.assertAlmostEqual(free[i], solved[name], delta=1e-12)

        # Two learning steps: each gate moves by alpha/eta [(dV_F)^2 - (dV_C)^2] from the grids reported.
        lines = self.ask("RUN;\n", until="DONE;")
        self.assertEqual(lines[0], "RUN recieved!")
        self.assertEqual(lines[-1], "DONE;2;")
        before = [e["gate_volts"] for e in self.net["edges"]]
        index = {n: i for i, n in enumerate(names)}
        for k in range(2):
            self.assertEqual(lines[1 + 4 * k], "STEP;%d;" % (k + 1))
            vf, vc, after = multi(lines[2 + 4 * k], "FREE"), multi(lines[3 + 4 * k], "CLMP"), multi(lines[4 + 4 * k], "GATE")
            for j, e in enumerate(self.net["edges"]):
                a, b = index[e["a"]], index[e["b"]]
                want = before[j] + 5 / 0.5 * ((vf[a] - vf[b]) ** 2 - (vc[a] - vc[b]) ** 2)
                want = min(max(want, e["min_gate_volts"]), e["max_gate_volts"])
                self.assertAlmostEqual(after[j], want, delta=1e-12)
            self.assertGreater(max(abs(x - y) for x, y in zip(after, before)), 1e-4)
            before = after

    def test_2_refusals_and_reasons(self):
        self.assertEqual(self.ask("ETA;5;\n"), "Aborting experiment.")
        self.assertIn("ETA 5 outside (0, 1]", self.ask("ERR;\n"))
        self.assertEqual(self.ask("WHAT;\n"), "Invalid Data Codon...")
        self.assertEqual(self.ask("GATE;MULTI;1;2;x;4;\n"), "Aborting experiment.")
        self.assertIn("'x'", self.ask("ERR;\n"))
        self.assertEqual(self.ask("ETA;0.25;\n"), "ETA recieved!")

    def test_3_tcp_and_pty_share_one_board(self):
        self.assertEqual(self.ask("ALF;1.5;\n"), "ALF recieved!")
        port = int(self.addr["board"].split("::")[2])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"READ;\n")
            data = b""
            while b"DONE;" not in data:
                chunk = s.recv(65536)
                self.assertTrue(chunk, "the board closed the connection")
                data += chunk
        lines = data.decode().split("\r\n")
        self.assertEqual(lines[0], "READ recieved!")
        self.assertEqual(lines[2], "ALF;1.5;")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--spiceloop", required=True)
    parser.add_argument("--via", choices=["auto", "pyserial", "visa", "termios"], default="auto")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
