#!/usr/bin/python3
"""A real VISA client (Debian's PyVISA with the pyvisa-py backend) against `spiceloop serve`.

Starts the server on free ports with the lab16_hil bench, reads the addresses file it writes, and
talks to every stand-in as lab code would: TCPIP0::127.0.0.1::<port>::SOCKET, read_termination
"\\n". Measured voltages are compared with `spiceloop solve --json` of the same circuit.

Run: /usr/bin/python3 tests/pyvisa/standins_test.py --spiceloop build/spiceloop [--backend ngspice]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import termios
import time
import tty
import unittest

import pyvisa

from serving import start_ready

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "netlists", "benches", "lab16_hil.json")
NETWORK = os.path.join(ROOT, "netlists", "lab16_digipot.json")
ARGS = None


def start_server(spiceloop, backend, workdir, bench=BENCH):
    addresses = os.path.join(workdir, os.path.basename(bench) + ".addresses.json")
    return start_ready([spiceloop, "serve", bench, "--port", "0", "--backend", backend, "--addresses", addresses],
                       addresses)


class StandinsOverVisa(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc, cls.addr, cls.banner = start_server(ARGS.spiceloop, ARGS.backend, cls.tmp.name)
        cls.rm = pyvisa.ResourceManager("@py")
        cls.net = json.load(open(NETWORK))
        solved = subprocess.run([ARGS.spiceloop, "solve", NETWORK, "--json", "--backend", ARGS.backend],
                                check=True, capture_output=True, text=True).stdout
        cls.solved = json.loads(solved)["node_volts"]

    @classmethod
    def tearDownClass(cls):
        cls.rm.close()
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.tmp.cleanup()

    def open(self, name):
        inst = self.rm.open_resource(self.addr[name], read_termination="\n", write_termination="\n")
        inst.timeout = 10000
        self.addCleanup(inst.close)
        inst.write("*CLS")
        return inst

    def drain_errors(self, inst):
        errors = []
        for _ in range(100):
            e = inst.query("SYST:ERR?")
            if e.startswith("+0,"):
                return errors
            errors.append(e)
        self.fail("the error queue never emptied: %r" % errors[:5])

    def apply_network_inputs(self):
        src = self.open("source")
        for i, inp in enumerate(self.net["inputs"], start=1):
            src.write("VOLT %.17g,(@%d)" % (inp["volts"], i))
        src.write("OUTP ON,(@1:%d)" % len(self.net["inputs"]))
        src.write("OUTP OFF,(@5:7)")
        self.assertEqual(self.drain_errors(src), [])
        # Every edge back at the network file's code: tests share one bench and some learn on it.
        pots = self.open("digipots")
        units = ["DPOT:CODE %d,(@%d)" % (e["code"], i) for i, e in enumerate(self.net["edges"], start=1)]
        pots.write(";:".join(units))
        self.assertEqual(self.drain_errors(pots), [])
        return src

    def test_every_instrument_answers_idn_with_four_fields(self):
        for name in ("source", "scanner", "digipots", "network"):
            with self.subTest(name=name):
                idn = self.open(name).query("*IDN?")
                self.assertEqual(len(idn.split(",")), 4, idn)

    def test_scan_in_ascii_and_binary_equals_spiceloop_solve(self):
        self.apply_network_inputs()
        scan = self.open("scanner")
        scan.write("*RST")
        nodes = ["n%d" % i for i in range(1, 10)]
        scan.write("CONF:VOLT:DC (@101:109)")
        ascii_values = scan.query_ascii_values("READ?")
        self.assertEqual(len(ascii_values), 9)
        for node, v in zip(nodes, ascii_values):
            self.assertAlmostEqual(v, self.solved[node], delta=1e-8 * max(1.0, abs(v)), msg=node)
        scan.write("FORM:DATA REAL,64")
        binary = scan.query_binary_values("READ?", datatype="d", is_big_endian=True)
        for node, v in zip(nodes, binary):
            self.assertAlmostEqual(v, self.solved[node], delta=1e-11, msg=node)
        scan.write("FORM:BORD SWAP")
        swapped = scan.query_binary_values("READ?", datatype="d", is_big_endian=False)
        self.assertEqual(list(swapped), list(binary))
        # A channel list answers in the order asked.
        scan.write("FORM:DATA ASC")
        three = scan.query_ascii_values("MEAS:VOLT:DC? (@105,101,103)")
        self.assertAlmostEqual(three[0], self.solved["n5"], delta=1e-8)
        self.assertAlmostEqual(three[1], self.solved["n1"], delta=1e-8)
        self.assertEqual(self.drain_errors(scan), [])

    def test_digipot_steps_change_the_circuit(self):
        self.apply_network_inputs()
        pots = self.open("digipots")
        scan = self.open("scanner")
        scan.write("FORM:DATA ASC")
        # Channel 11 is edge e10 (n1-n3); the scanner's channel 103 sees n3.
        before = scan.query_ascii_values("MEAS:VOLT:DC? (@103)")[0]
        code = int(pots.query("DPOT:CODE? (@11)"))
        self.assertEqual(code, self.net["edges"][10]["code"])
        pots.write("DPOT:STEP DOWN,10,(@11)")
        self.assertEqual(int(pots.query("DPOT:CODE? (@11)")), code - 10)
        ohms = float(pots.query("DPOT:RES? (@11)"))
        self.assertAlmostEqual(ohms, 100000.0 * (code - 10) / 128 + 50.0, delta=1e-6)
        after = scan.query_ascii_values("MEAS:VOLT:DC? (@103)")[0]
        self.assertNotAlmostEqual(before, after, delta=1e-6)
        pots.write("DPOT:CODE %d,(@11)" % code)
        # A write answers nothing: wait for it before another connection reads what it changed.
        self.assertEqual(pots.query("*OPC?"), "1")
        self.assertAlmostEqual(scan.query_ascii_values("MEAS:VOLT:DC? (@103)")[0], before, delta=1e-8)
        self.assertEqual(self.drain_errors(pots), [])

    def test_learning_clock_moves_codes_and_lowers_the_cost(self):
        self.apply_network_inputs()
        net = self.open("network")
        net.write("LEARN:RULE SIGN")
        net.write("LEARN:ETA 0.5")
        net.write("LEARN:TARGET 0.1,(@1);:LEARN:TARGET -0.1,(@2);:LEARN:TARGET 0.05,(@3)")
        cost0 = float(net.query("LEARN:COST?"))
        codes0 = net.query_ascii_values("EDGE:CODE? (@1:16)")
        net.write("LEARN:CLOCK 50")
        self.assertEqual(net.query("*OPC?"), "1")
        self.assertEqual(int(net.query("LEARN:CLOCK:COUNT?")), 50)
        codes1 = net.query_ascii_values("EDGE:CODE? (@1:16)")
        self.assertNotEqual(codes0, codes1)
        self.assertLess(float(net.query("LEARN:COST?")), cost0)
        # The digipot bank sees the codes the network learned: one emulated bench.
        pots = self.open("digipots")
        self.assertEqual(pots.query_ascii_values("DPOT:CODE? (@1:16)"), codes1)
        self.assertEqual(self.drain_errors(net), [])

    def test_bad_input_goes_to_the_error_queue_and_the_server_keeps_answering(self):
        src = self.open("source")
        src.write("SOUR:VOLT 1e999,(@1)")
        src.write("VOLT nan,(@1)")
        src.write("VOLT")
        src.write("FOO:BAR 1")
        src.write("shell rm -rf /tmp/x; source /etc/passwd; `ls`")
        codes = [int(e.split(",")[0]) for e in self.drain_errors(src)]
        self.assertEqual(codes[:4], [-222, -104, -109, -113])
        self.assertTrue(all(c < 0 for c in codes[4:]) and len(codes) >= 5)
        for _ in range(60):
            src.write("FOO")
        self.assertEqual(int(src.query("SYST:ERR:COUN?")), 20)
        errors = self.drain_errors(src)
        self.assertEqual(len(errors), 20)
        self.assertTrue(errors[-1].startswith("-350,"), errors[-1])
        self.assertEqual(src.query("*IDN?").split(",")[1], "N6700-emulated")

    def test_raw_socket_garbage_leaves_other_clients_served(self):
        host, port = "127.0.0.1", int(self.addr["source"].split("::")[2])
        with socket.create_connection((host, port)) as s:
            s.sendall(b"\x00\xff\xfe" + os.urandom(4096) + b"\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            s.sendall(b"A" * (1 << 20))
            other = self.open("source")
            self.assertEqual(len(other.query("*IDN?").split(",")), 4)
            s.sendall(b"\n*IDN?\n")
            s.settimeout(10)
            data = b""
            while b"N6700-emulated" not in data:
                chunk = s.recv(4096)
                self.assertTrue(chunk, "connection closed")
                data += chunk

    def test_digipot_line_protocol_on_tcp_and_on_the_pseudo_terminal(self):
        pots = self.open("digipots")
        line = self.rm.open_resource(self.addr["digipots-line"], read_termination="\r\n", write_termination="\n")
        line.timeout = 10000
        self.addCleanup(line.close)
        self.assertEqual(line.query("SET 2 50"), "OK")
        self.assertEqual(line.query("GET? 2"), "50")
        self.assertEqual(int(pots.query("DPOT:CODE? (@2)")), 50)
        self.assertTrue(line.query("SET 99 1").startswith("ERR"))
        # The board's USB serial port: a pseudo-terminal, opened as lab code opens /dev/ttyACM0.
        if "digipots-pty" not in self.addr:
            self.skipTest("this machine gave the server no pseudo-terminal")
        fd = os.open(self.addr["digipots-pty"], os.O_RDWR | os.O_NOCTTY)
        self.addCleanup(os.close, fd)
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIOFLUSH)
        os.write(fd, b"INC 2 3\nGET? 2\n")
        data = b""
        deadline = time.time() + 10
        while data.count(b"\r\n") < 2 and time.time() < deadline:
            data += os.read(fd, 256)
        self.assertEqual(data.split(b"\r\n")[:2], [b"OK", b"53"])
        self.assertEqual(int(pots.query("DPOT:CODE? (@2)")), 53)


class SmuOverVisa(unittest.TestCase):
    """The 2400-style SMU with the commands PyMeasure's Keithley2400 driver sends."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        bench = os.path.join(ROOT, "netlists", "benches", "lab16_smu.json")
        cls.proc, cls.addr, _ = start_server(ARGS.spiceloop, ARGS.backend, cls.tmp.name, bench)
        cls.rm = pyvisa.ResourceManager("@py")

    @classmethod
    def tearDownClass(cls):
        cls.rm.close()
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        cls.tmp.cleanup()

    def test_source_volts_read_current_and_clamp_at_compliance(self):
        smu = self.rm.open_resource(self.addr["smu"], read_termination="\n", write_termination="\n")
        smu.timeout = 10000
        self.addCleanup(smu.close)
        self.assertTrue(smu.query("*IDN?").startswith("KEITHLEY INSTRUMENTS INC.,MODEL 2400"))
        for cmd in ("*RST", ":SOUR:FUNC VOLT", ":SOUR:VOLT:RANG 2", ":SOUR:VOLT:LEV 0.5", ":SENS:FUNC 'CURR'",
                    ":SENS:CURR:PROT 0.1", ":SENS:CURR:RANG 0.1", ":FORM:ELEM VOLT,CURR", ":OUTP ON"):
            smu.write(cmd)
        volts, amps = smu.query_ascii_values(":READ?")
        self.assertAlmostEqual(volts, 0.5, delta=1e-9)
        self.assertNotEqual(amps, 0.0)
        limit = abs(amps) / 10
        smu.write(":SENS:CURR:PROT %.17g" % limit)
        volts2, amps2 = smu.query_ascii_values(":READ?")
        self.assertAlmostEqual(abs(amps2), limit, delta=1e-6 * limit)
        self.assertLess(abs(volts2), 0.5)
        self.assertEqual(smu.query(":SENS:CURR:PROT:TRIP?"), "1")
        self.assertEqual(smu.query("SYST:ERR?").split(",")[0], "+0")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--spiceloop", required=True)
    parser.add_argument("--backend", default="ngspice")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
