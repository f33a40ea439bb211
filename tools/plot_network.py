#!/usr/bin/python3
"""Draws a training run's network.png: the trained network (edges by conductance, nodes by the free
state of the last step's first sample) beside each edge's change over the run.

Usage: plot_network.py PLOT.json OUT.png

PLOT.json is the document emulator/learning/run/network_plot.hpp writes (the network resolved to node
indices). The drawing is the Python module's own (python/spiceloop/plot.py, loaded by its path: it
needs numpy and matplotlib, not the compiled module), so that this picture and spiceloop.plot.network
are one implementation. Exit status 0 on success, 2 on bad arguments or an unreadable file, 3 when
matplotlib (or numpy) is missing (the trainer turns that into a warning).
"""
import importlib.util
import json
import os
import sys
from types import SimpleNamespace

PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "spiceloop", "plot.py")


class PlotNetwork:
    """What spiceloop.plot reads of a spiceloop.Network, from the plot document."""

    def __init__(self, doc):
        self.name = doc["name"]
        self.nodes = list(doc["nodes"])
        self.edges = [SimpleNamespace(**e) for e in doc["edges"]]
        self.inputs = list(doc["inputs"])
        self.outputs = list(doc["outputs"])
        self.node_count = len(self.nodes)
        self.edge_count = len(self.edges)
        self._values = list(doc["values"])

    def conductances(self):
        import numpy as np
        return np.asarray(self._values, dtype=float)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display needed
        import numpy  # noqa: F401 (plot.py's)
    except ImportError:
        print("matplotlib or numpy is not installed (Debian: apt install python3-matplotlib)", file=sys.stderr)
        return 3
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = json.load(f)
        spec = importlib.util.spec_from_file_location("spiceloop_plot", PLOT)
        plot = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(plot)
    except (OSError, ValueError) as e:
        print(f"cannot read {e.filename if isinstance(e, OSError) else argv[1]}: {e}", file=sys.stderr)
        return 2
    net = PlotNetwork(doc)
    state = SimpleNamespace(node_volts=doc["node_volts"]) if doc["node_volts"] else None
    figure = plot.trained(net, doc["initial_values"], state, title=doc["title"])
    figure.savefig(argv[2], dpi=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
