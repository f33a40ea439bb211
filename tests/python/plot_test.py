"""spiceloop.plot: grids for lattices and crossbars, a deterministic layout otherwise; a figure of a
solved state is written for each kind; `spiceloop train` writes network.png with the same drawing,
the same bytes from two runs."""
import glob
import os
import struct
import subprocess
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from harness import BUILD, netlist, run, scratch  # noqa: E402
import spiceloop  # noqa: E402
import spiceloop.plot  # noqa: E402


def solved(net):
    sim = spiceloop.Ideal()
    sim.load(net)
    return sim.solve()


def test_a_lattice_is_drawn_on_its_grid_and_a_crossbar_as_its_matrix():
    lattice = spiceloop.generate("lattice", width=4, height=3, inputs=2, outputs=1, seed=3)
    pos, kind = spiceloop.plot.layout(lattice)
    assert kind == "lattice"
    assert pos[lattice.find_node("n3_2")] == (3.0, 2.0)
    crossbar = spiceloop.generate("crossbar", rows=3, columns=2, seed=1)
    pos, kind = spiceloop.plot.layout(crossbar)
    assert kind == "crossbar" and pos[crossbar.find_node("r2")][1] == -2.0 and pos[crossbar.find_node("c1")][0] == 1.0
    wires = spiceloop.generate("crossbar", rows=2, columns=2, wire_ohms=1.0, seed=1)
    assert spiceloop.plot.layout(wires)[1] == "crossbar"


def test_another_graph_gets_the_same_layout_every_time_with_inputs_left_of_outputs():
    net = spiceloop.Network.load(netlist("lab16.json"))
    a, kind = spiceloop.plot.layout(net)
    b, _ = spiceloop.plot.layout(spiceloop.Network.load(netlist("lab16.json")))
    assert kind == "layered" and a == b and len(a) == net.node_count
    assert max(a[i][0] for i in net.inputs) < min(a[o][0] for o in net.outputs)


def test_each_kind_of_network_draws_with_its_state_and_with_a_change():
    out = scratch("plot")
    nets = [spiceloop.Network.load(netlist("lab16.json")),
            spiceloop.generate("lattice", width=4, height=4, inputs=2, outputs=2, seed=2),
            spiceloop.generate("crossbar", rows=4, columns=3, seed=5),
            spiceloop.generate("crossbar", rows=2, columns=3, wire_ohms=1.0, seed=5)]
    for n, net in enumerate(nets):
        ax = spiceloop.plot.network(net, solved(net))
        assert len(ax.collections) >= 2  # edges and nodes
        path = os.path.join(out, f"{n}.png")
        ax.figure.savefig(path)
        assert os.path.getsize(path) > 5000
        plt.close(ax.figure)
    change = np.linspace(-1e-5, 1e-5, nets[0].edge_count)
    ax = spiceloop.plot.network(nets[0], change=change)
    assert "change" in ax.figure.axes[-1].get_ylabel()
    plt.close(ax.figure)


def png_size(path):
    """(width, height) from a PNG's IHDR; fails on anything that is not a PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def test_train_writes_network_png_the_same_bytes_each_run_and_leaves_no_temporary_file():
    pngs = []
    for n in range(2):
        out = scratch(f"network-png-{n}")
        child = subprocess.Popen([os.path.join(BUILD, "spiceloop"), "train", netlist("experiments", "xor.json"),
                                  "--backend", "ideal", "--out", out, "--progress", "off"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert "network.png" not in err, err  # no warning about it
        assert not glob.glob(os.path.join(tempfile.gettempdir(), f"spiceloop-network-plot-{child.pid}-*"))
        path = os.path.join(out, "network.png")
        width, height = png_size(path)
        assert (width, height) == (1300, 550), (width, height)
        assert os.path.getsize(path) > 20000  # two drawn panels, not an empty canvas
        pngs.append(open(path, "rb").read())
    assert pngs[0] == pngs[1]


run(globals())
