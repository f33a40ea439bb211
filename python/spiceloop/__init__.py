"""spiceloop from Python: a thin layer over the C++ library (the compiled module _spiceloop).

    import spiceloop
    net = spiceloop.Network.load("netlists/lab16.json")
    sim = spiceloop.Ngspice()            # or spiceloop.Ideal()
    sim.load(net)
    state = sim.solve("free")            # numpy arrays: state.node_volts, state.edge_amps, ...

Errors are spiceloop.Error (InputError, SimulationError) with .id, .where and .message.
Plots: spiceloop.plot (matplotlib, imported on use).
"""
from ._spiceloop import *  # noqa: F401,F403
