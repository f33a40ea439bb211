"""A learning rule written in Python on top of solve() and the oracle, against the built-in rule.

Coupled Learning (code convention) by hand: solve the free state, clamp the outputs a fraction eta
of the way to their targets, solve the clamped state, and move every trainable conductance by
dk = -(alpha / eta) [(dV_C)^2 - (dV_F)^2], clipped to its bounds. The built-in Trainer does the
same on the same network; both must end at the same conductances. The oracle's exact gradient
says how well each step follows gradient descent (cos > 0: downhill).

Run: PYTHONPATH=build/python python3 examples/custom_rule.py
"""
import os

import numpy as np

import spiceloop

HERE = os.path.dirname(os.path.abspath(__file__))
NETWORK = os.path.join(HERE, "..", "netlists", "lab16.json")
TARGETS = np.array([0.1, -0.2, 0.3])
ETA, ALPHA, STEPS = 0.5, 2e-5, 40

net = spiceloop.Network.load(NETWORK)
sim, oracle = spiceloop.Ideal(), spiceloop.Oracle(net)
sim.load(net)
outputs = net.outputs
trainable = np.array([e.trainable for e in net.edges])
lo = np.array([e.min_siemens for e in net.edges])
hi = np.array([e.max_siemens for e in net.edges])
k = net.conductances()
loss_start = oracle.gradient(net.input_volts(), TARGETS)["loss"]

for step in range(1, STEPS + 1):
    free = sim.solve("free")
    v_out = free.node_volts[outputs]
    clamped = sim.solve("clamped", clamp=v_out + ETA * (TARGETS - v_out))
    dk = -(ALPHA / ETA) * (clamped.edge_volts ** 2 - free.edge_volts ** 2)
    gradient = oracle.gradient(net.input_volts(), TARGETS)
    cos = -dk @ gradient["gradient"] / (np.linalg.norm(dk) * np.linalg.norm(gradient["gradient"]))
    k = np.where(trainable, np.clip(k + dk, lo, hi), k)
    sim.set_conductances(k)
    oracle.set_conductances(k)
    if step % 10 == 0:
        print(f"step {step:3d}  loss {gradient['loss']:.6e}  cos(dk, -dL/dk) {cos:.4f}")

experiment = {"network": NETWORK, "task": {"kind": "allostery", "targets_volts": TARGETS.tolist()},
              "rule": {"kind": "cl", "eta": ETA}, "alpha": ALPHA, "epochs": STEPS}
builtin = spiceloop.Trainer(experiment, "ideal")
while not builtin.done:
    record = builtin.step()
k_builtin = builtin.network.conductances()
worst = np.max(np.abs(k - k_builtin) / k_builtin)
print(f"built-in CL: loss {record['loss']:.6e}; largest relative difference in k: {worst:.2e}")
assert worst < 1e-12, worst
loss_end = oracle.gradient(net.input_volts(), TARGETS)["loss"]
print(f"loss {loss_start:.6e} -> {loss_end:.6e}")
assert loss_end < loss_start, (loss_start, loss_end)
