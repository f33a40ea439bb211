"""Simulators from Python: Ideal() and Ngspice() solve the four phases into numpy arrays that match
the spiceloop command and each other; batches; the oracle's gradient, H and Jacobian."""
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np

from harness import BUILD, expect_error, netlist, run, scratch
import spiceloop

LAB16 = netlist("lab16.json")


def loaded(sim, path=LAB16):
    net = spiceloop.Network.load(path)
    sim.load(net)
    return net, sim


def test_a_free_solve_from_python_equals_spiceloop_solve_json_bit_for_bit():
    for backend, sim in (("ideal", spiceloop.Ideal()), ("ngspice", spiceloop.Ngspice())):
        net, _ = loaded(sim)
        state = sim.solve("free")
        out = subprocess.run([os.path.join(BUILD, "spiceloop"), "solve", LAB16, "--backend", backend, "--json"],
                             check=True, capture_output=True, text=True).stdout
        cli = json.loads(out)
        volts = cli["node_volts"]
        for i, name in enumerate(net.nodes):
            assert state.node_volts[i] == volts[name], (backend, name, state.node_volts[i], volts[name])
        assert isinstance(state.edge_amps, np.ndarray) and state.edge_amps.shape == (16,)


def test_the_backends_agree_on_every_phase():
    net, ideal = loaded(spiceloop.Ideal())
    _, ng = loaded(spiceloop.Ngspice())
    outputs = len(net.outputs)
    drives = [dict(phase="free", inputs=[0.5, -0.2, 0.3, 0.1]),
              dict(phase="clamped", clamp=[0.1, 0.2, 0.3]),
              dict(phase="nudged", nudge=[1e-6] * outputs)]
    for d in drives:
        a, b = ideal.solve(**d), ng.solve(**d)
        np.testing.assert_allclose(a.node_volts, b.node_volts, rtol=1e-6, atol=1e-9)
    ta = ideal.solve("twin", eta=0.5, targets=[0.1, 0.2, 0.3])
    tb = ng.solve("twin", eta=0.5, targets=[0.1, 0.2, 0.3])
    np.testing.assert_allclose(ta.clamped.node_volts, tb.clamped.node_volts, rtol=1e-6, atol=1e-9)
    free_out = ta.free.node_volts[net.outputs]
    np.testing.assert_allclose(ta.clamped.node_volts[net.outputs], 0.5 * free_out + 0.5 * np.array([0.1, 0.2, 0.3]),
                               atol=1e-12)


def test_a_batch_solve_equals_single_solves():
    net, sim = loaded(spiceloop.Ideal())
    rows = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, -1.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.2]])
    batch = sim.solve_batch("free", inputs=rows)
    assert len(batch) == 3
    for row, state in zip(rows, batch):
        np.testing.assert_array_equal(state.node_volts, sim.solve("free", inputs=row).node_volts)


def test_set_conductances_on_the_simulator_changes_the_solution():
    net, sim = loaded(spiceloop.Ideal())
    before = sim.solve().node_volts
    k = net.conductances() * 2.0
    sim.set_conductances(k)
    after = sim.solve().node_volts
    np.testing.assert_allclose(before, after, atol=1e-12)  # scaling every conductance keeps the voltages
    k[0] *= 10
    sim.set_conductances(k)
    assert np.max(np.abs(sim.solve().node_volts - before)) > 1e-6


def test_the_oracle_gradient_matches_central_differences_and_h_is_symmetric():
    net = spiceloop.Network.load(LAB16)
    oracle = spiceloop.Oracle(net)
    inputs, targets = [0.5, -0.5, 0.2, 0.1], [0.1, 0.0, -0.1]
    g = oracle.gradient(inputs, targets)
    k = net.conductances()
    for j in (0, 7, 14):
        h = 1e-6 * k[j]
        kp, km = k.copy(), k.copy()
        kp[j] += h
        km[j] -= h
        oracle.set_conductances(kp)
        lp = oracle.gradient(inputs, targets)["loss"]
        oracle.set_conductances(km)
        lm = oracle.gradient(inputs, targets)["loss"]
        assert abs((lp - lm) / (2 * h) - g["gradient"][j]) <= 1e-5 * abs(g["gradient"][j]) + 1e-12
    oracle.set_conductances(k)
    H = oracle.H()
    assert H.shape == (3, 3)
    np.testing.assert_allclose(H, H.T, rtol=1e-12)
    np.testing.assert_allclose(H @ oracle.H_inverse(), np.eye(3), atol=1e-9)
    J = oracle.jacobian(inputs)
    assert J.shape == (3, 16)
    np.testing.assert_allclose(-J.T @ g["residual"], g["gradient"], rtol=1e-9, atol=1e-15)


def test_two_threads_sharing_one_simulator_take_turns_and_both_get_answers():
    _, sim = loaded(spiceloop.Ngspice())
    results, errors = [], []

    def work():
        try:
            for _ in range(50):
                results.append(sim.solve("free").node_volts[1])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 150 and len(set(results)) == 1


def test_states_kept_from_a_loop_of_solves_stay_as_they_were_solved():
    # solve() reuses the State objects nobody holds any more (python/state_pool.hpp): kept ones never change.
    _, sim = loaded(spiceloop.Ideal())
    kept = []
    for v in np.linspace(-1.0, 1.0, 7):
        s = sim.solve("free", inputs=[v, -v, 0.2, 0.1])
        kept.append((s, s.node_volts.copy(), s.power_watts))
        sim.solve()
        s = sim.solve()
    for s, volts, watts in kept:
        assert np.array_equal(s.node_volts, volts) and s.power_watts == watts
    assert len({id(s) for s, _, _ in kept}) == len(kept)
    a, b = sim.solve(), sim.solve()
    assert a is not b and np.array_equal(a.node_volts, b.node_volts)
    assert "Solves one phase" in sim.solve.__doc__ and "Solves one phase" in spiceloop.Ideal.solve.__doc__


SHARED = textwrap.dedent("""
    import sys, threading
    import spiceloop
    sim = spiceloop.Ideal()
    sim.load(spiceloop.Network.load(sys.argv[1]))
    finished = []
    def train():
        spiceloop.train(sys.argv[2], sim, out=sys.argv[3], plot=False, callback=lambda record: sim.solve())
        finished.append("train")
    def solve():
        for _ in range(20000):
            sim.solve()
        finished.append("solve")
    threads = [threading.Thread(target=f) for f in (train, solve, solve)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join(sorted(finished)))
""")


def test_threads_sharing_a_small_ideal_simulator_with_a_training_run_on_it_all_finish():
    # A small ideal solve keeps the GIL; a thread that finds the simulator busy (here: a training run,
    # whose callback takes the GIL to solve on it too) must let go of the GIL and wait, not deadlock.
    # In a child process: a deadlock holds the GIL, so only a timeout from outside can see it.
    child = subprocess.run([sys.executable, "-c", SHARED, LAB16, netlist("experiments", "default.json"), scratch("shared")],
                           capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python")))
    assert child.returncode == 0 and child.stdout.split() == ["solve", "solve", "train"], (child.stdout, child.stderr)


def test_tolerances_are_read_like_an_experiments():
    sim = spiceloop.Ngspice(reltol=1e-6)
    assert sim.name == "ngspice"
    e = expect_error("config.unknown_key", spiceloop.Ngspice, reltoll=1e-6)
    assert "reltol" in e.message
    expect_error("config.invalid", spiceloop.Ideal, kcl_tolerance=-1.0)


run(globals())
