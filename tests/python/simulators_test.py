"""Simulators from Python: Ideal() and Ngspice() solve the four phases into numpy arrays that match
the spiceloop command and each other; batches; the oracle's gradient, H and Jacobian."""
import json
import os
import subprocess
import threading

import numpy as np

from harness import BUILD, expect_error, netlist, run
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


def test_tolerances_are_read_like_an_experiments():
    sim = spiceloop.Ngspice(reltol=1e-6)
    assert sim.name == "ngspice"
    e = expect_error("config.unknown_key", spiceloop.Ngspice, reltoll=1e-6)
    assert "reltol" in e.message
    expect_error("config.invalid", spiceloop.Ideal, kcl_tolerance=-1.0)


run(globals())
