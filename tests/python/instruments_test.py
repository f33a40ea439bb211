"""spiceloop.serve(): the bench's instruments in this process as a context manager; the truth read
through the control port agrees with a solve of the same network; leaving the block closes the ports."""
import socket

import numpy as np

from harness import expect_error, netlist, run
import spiceloop

BENCH = netlist("benches", "lab16_hil.json")


def scpi(address, command):
    host, port = address.split("::")[1], int(address.split("::")[2])
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall((command + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode().strip()


def test_the_truth_through_the_control_port_equals_an_in_process_solve():
    with spiceloop.serve(BENCH, backend="ideal") as lab:
        addresses = lab.addresses
        assert {"source", "scanner", "digipots", "network", "control"} <= set(addresses)
        assert scpi(addresses["source"], "*IDN?").count(",") == 3
        truth = lab.truth()
        assert truth["ok"] is True and "n2" in truth["node_volts"]
        net = spiceloop.Network.load(netlist("lab16_digipot.json"))
        sim = spiceloop.Ideal()
        sim.load(net)
        # The source starts with its outputs off: the bench's inputs are not driven yet, so the truth is
        # the network with every source off. Drive them through SCPI and compare with a solve.
        scpi(addresses["source"], "VOLT 1,(@1,3);:VOLT -1,(@2,4);:OUTP ON,(@1:4);*OPC?")
        truth = lab.truth()
        state = sim.solve(inputs=[1.0, -1.0, 1.0, -1.0])
        for i, name in enumerate(net.nodes):
            assert abs(truth["node_volts"][name] - state.node_volts[i]) < 1e-9, (name, truth["node_volts"][name])
        control_port = int(addresses["control"].rsplit(":", 1)[1])
    assert not lab.running
    try:
        socket.create_connection(("127.0.0.1", control_port), timeout=1).close()
        raise AssertionError("the control port still accepts connections after the with block")
    except OSError:
        pass


def test_control_refusals_and_a_stopped_lab_are_errors():
    with spiceloop.serve(BENCH, backend="ideal") as lab:
        e = expect_error("control.unknown_cmd", lab.control, {"cmd": "truht"})
        assert "truth" in e.message
        assert lab.control({"cmd": "pause"})["ok"] is True
        assert lab.control({"cmd": "resume"})["ok"] is True
    expect_error("python.stopped", lab.truth)
    expect_error("bench.unreadable_file", spiceloop.serve, "/nonexistent/bench.json")


run(globals())
