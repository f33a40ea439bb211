"""Bad input from Python is a spiceloop.Error with the library's id, never a crash of the
interpreter: wrong array shapes, NaN, a network of the wrong kind, a solve after the worker died."""
import os
import signal
import time

import numpy as np

from harness import expect_error, netlist, run
import spiceloop


def lab16(sim):
    net = spiceloop.Network.load(netlist("lab16.json"))
    sim.load(net)
    return net


def test_the_exception_classes_carry_id_where_and_message():
    assert issubclass(spiceloop.InputError, spiceloop.Error) and issubclass(spiceloop.SimulationError, spiceloop.Error)
    assert issubclass(spiceloop.Error, Exception)
    sim = spiceloop.Ideal()
    e = expect_error("drive.not_loaded", sim.solve)
    assert isinstance(e, spiceloop.InputError) and e.message


def test_arrays_of_the_wrong_shape_or_length_are_refused_by_name():
    sim = spiceloop.Ideal()
    lab16(sim)
    e = expect_error("python.shape", sim.solve, inputs=np.zeros((2, 2)))
    assert e.where == "inputs" and "(2, 2)" in e.message
    e = expect_error("drive.size", sim.solve, inputs=[1.0, 2.0])
    assert "input_volts" in e.where, e.where
    expect_error("drive.size", sim.solve, "clamped", clamp=[0.1])
    expect_error("python.shape", sim.solve_batch, inputs=[0.1, 0.2, 0.3, 0.4])
    expect_error("python.shape", sim.solve_batch, inputs=np.zeros((3, 4)), clamp=np.zeros((2, 3)), phase="clamped")
    expect_error("python.type", sim.solve, inputs=["a", "b", "c", "d"])
    expect_error("drive.size", sim.set_conductances, np.ones(15))
    e = expect_error("python.choice", sim.solve, "clampd")
    assert "clamped" in e.message  # did you mean


def test_nan_and_infinity_are_refused_before_any_solve():
    sim = spiceloop.Ngspice()
    net = lab16(sim)
    expect_error("drive.not_finite", sim.solve, inputs=[1.0, float("nan"), 0.0, 0.0])
    expect_error("drive.not_finite", sim.solve, "nudged", nudge=[0.0, float("inf"), 0.0])
    k = net.conductances()
    k[2] = np.nan
    expect_error("drive.not_finite", sim.set_conductances, k)
    expect_error("drive.not_finite", net.set_conductances, k)
    doc = net.to_json()
    doc["inputs"][0]["volts"] = float("nan")
    e = expect_error("network.not_finite", spiceloop.Network, doc)
    assert e.where == "/inputs/0/volts", e.where
    expect_error("drive.out_of_range", sim.solve, "twin", eta=1.5, targets=[0, 0, 0])
    assert sim.counters()["solves"] == 0


def test_a_network_of_the_wrong_kind_is_refused_with_its_id():
    diodes = spiceloop.Network.load(netlist("diode_xor.json"))
    expect_error("oracle.nonlinear", spiceloop.Oracle, diodes)
    net = spiceloop.Network.load(netlist("lab16.json"))
    doc = {"network": net.to_json(), "task": {"kind": "allostery", "targets_volts": [0.1, 0.2, 0.3]},
           "rule": {"kind": "cl", "eta": 0.5}, "alpha": 0.01, "epochs": 1, "update": {"mode": "quantised"}}
    e = expect_error("config.invalid", spiceloop.Trainer, doc, "ideal")  # taps need digipots, lab16 has resistors
    assert e.where == "/update/mode", e.where
    expect_error("python.type", spiceloop.Trainer, 42, "ideal")


def test_a_solve_after_the_worker_died_is_an_error_and_the_next_solve_works():
    sim = spiceloop.Ngspice()
    lab16(sim)
    good = sim.solve().node_volts
    pid = sim.worker_pid
    assert pid > 0
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.05)
    e = expect_error("spice.worker_crashed", sim.solve)
    assert isinstance(e, spiceloop.SimulationError)
    np.testing.assert_array_equal(sim.solve().node_volts, good)
    assert sim.worker_pid != pid and sim.counters()["worker_restarts"] >= 1


def test_wrong_python_types_are_type_errors_not_crashes():
    sim = spiceloop.Ideal()
    for bad in (None, 3, "net.json"):
        try:
            sim.load(bad)
        except TypeError:
            continue
        raise AssertionError(f"load({bad!r}) did not raise TypeError")
    expect_error("network.wrong_type", spiceloop.Network, {"spiceloop": 1, "nodes": {1, 2}})


run(globals())
