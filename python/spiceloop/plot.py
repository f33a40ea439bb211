"""spiceloop.plot.network(net, state): a picture of a network's state (matplotlib).

Layout: a lattice (nodes n<x>_<y>) on its grid; a crossbar (rows r<i>, columns c<j>, cross-points
x<i>_<j>) as its matrix of cross-points; any other graph by a deterministic layered layout (inputs
on the left, outputs on the right, the ground below, the rest by hop distance from the inputs).
Edges are coloured by conductance (log scale; gate voltage, linear, in a transistor network) or,
given `change`, by the change of it; nodes by voltage when a State is given. Inputs are squares,
outputs diamonds, the ground a bar. Nothing here computes physics: values come from the network and
the State.

This is also the drawing of `spiceloop train`'s network.png (tools/plot_network.py loads this file
by its path, without the compiled module): `net` need only have name, nodes, edges (name, a, b,
kind), node_count, inputs, outputs and conductances(); `state` only node_volts.
"""
import re

import numpy as np

_LATTICE = re.compile(r"^n(\d+)_(\d+)$")
_ROW = re.compile(r"^r(\d+)(?:_(\d+))?$")
_COLUMN = re.compile(r"^c(\d+)(?:_(\d+))?$")
_CELL = re.compile(r"^x(\d+)_(\d+)$")


def _lattice_layout(net):
    pos = {}
    for i, name in enumerate(net.nodes):
        m = _LATTICE.match(name)
        if not m:
            return None
        pos[i] = (float(m.group(1)), float(m.group(2)))
    return pos


def _crossbar_layout(net):
    """Rows run left to right at y = -i, columns top to bottom at x = j; None if not a crossbar."""
    if not any(_CELL.match(e.name) for e in net.edges):
        return None
    pos, rows, columns = {}, 0, 0
    for i, name in enumerate(net.nodes):
        r, c = _ROW.match(name), _COLUMN.match(name)
        if r:
            row, col = int(r.group(1)), r.group(2)
            pos[i] = (-1.0 if col is None else int(col) - 0.2, -float(row))
            rows = max(rows, row + 1)
        elif c:
            a, b = int(c.group(1)), c.group(2)
            pos[i] = (float(a), 1.0) if b is None else (float(b) + 0.2, -float(a) - 0.2)
            columns = max(columns, (a if b is None else int(b)) + 1)
        elif i != 0:
            return None
    pos[0] = ((columns - 1) / 2.0, -float(rows) - 0.5)
    return pos


def _layered_layout(net):
    """Hop distance from the inputs (breadth first, in node and edge order): deterministic."""
    n = net.node_count
    neighbours = [[] for _ in range(n)]
    for e in net.edges:
        neighbours[e.a].append(e.b)
        neighbours[e.b].append(e.a)
    depth = [None] * n
    frontier = list(net.inputs)
    for i in frontier:
        depth[i] = 0
    while frontier:
        nxt = []
        for i in frontier:
            for j in neighbours[i]:
                if depth[j] is None and j != 0:
                    depth[j] = depth[i] + 1
                    nxt.append(j)
        frontier = nxt
    inner = max([d for d in depth if d is not None] + [1]) + 1
    for o in net.outputs:
        depth[o] = inner
    layers = {}
    for i in range(1, n):
        layers.setdefault(depth[i] if depth[i] is not None else inner - 1, []).append(i)
    pos = {}
    for d, members in layers.items():
        for k, i in enumerate(members):
            pos[i] = (float(d), (len(members) - 1) / 2.0 - k)
    tallest = max(len(m) for m in layers.values())
    pos[0] = (inner / 2.0, -tallest / 2.0 - 1.0)
    return pos


def layout(net):
    """Node index -> (x, y), and the kind of layout ("lattice", "crossbar" or "layered")."""
    for kind, make in (("lattice", _lattice_layout), ("crossbar", _crossbar_layout)):
        pos = make(net)
        if pos is not None:
            return pos, kind
    return _layered_layout(net), "layered"


def _has_transistors(net):
    return any(getattr(e.kind, "name", e.kind) == "transistor" for e in net.edges)


def network(net, state=None, change=None, ax=None, title=None, labels=None):
    """Draws net (and state, a spiceloop.State) on ax (a new figure when None); returns the Axes.

    change: per-edge conductance changes (siemens), e.g. new.conductances() - old.conductances();
    edges are then coloured by it on a diverging scale instead of by conductance.
    labels: write node names (default: when there are at most 30 nodes).
    """
    import matplotlib.pyplot as plt
    from matplotlib import cm, colors
    from matplotlib.collections import LineCollection

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    pos, kind = layout(net)
    k = np.asarray(net.conductances(), dtype=float)
    quantity = "gate voltage (V)" if _has_transistors(net) else "conductance (S)"
    if change is not None:
        values = np.asarray(change, dtype=float)
        span = max(float(np.max(np.abs(values))) if values.size else 0.0, 1e-300)
        norm, cmap, what = colors.Normalize(-span, span), cm.coolwarm, "change of " + quantity
    elif _has_transistors(net):
        values = k
        lo, hi = (float(k.min()), float(k.max())) if k.size else (0.0, 1.0)
        norm, cmap, what = colors.Normalize(lo, hi if hi > lo else lo + 1.0), cm.viridis, quantity
    else:
        values = k
        positive = k[k > 0]
        lo, hi = (positive.min(), positive.max()) if positive.size else (1.0, 1.0)
        norm = colors.LogNorm(lo, hi if hi > lo else lo * 10)
        cmap, what = cm.viridis, "conductance (S)"
        values = np.where(k > 0, k, lo)

    segments, seg_values, cells = [], [], []
    for j, e in enumerate(net.edges):
        m = _CELL.match(e.name) if kind == "crossbar" else None
        if m:
            cells.append((int(m.group(2)), -int(m.group(1)), values[j]))
        else:
            segments.append([pos[e.a], pos[e.b]])
            seg_values.append(values[j])
    if kind == "crossbar":  # row and column lines under the cross-points
        for i, name in enumerate(net.nodes):
            x, y = pos[i]
            if _ROW.match(name) and _ROW.match(name).group(2) is None:
                ax.plot([x, max(c[0] for c in cells) + 0.5], [y, y], color="0.85", zorder=0)
            if _COLUMN.match(name) and _COLUMN.match(name).group(2) is None:
                ax.plot([x, x], [y, min(c[1] for c in cells) - 0.5], color="0.85", zorder=0)
        for x, y, v in cells:
            ax.add_patch(plt.Rectangle((x - 0.35, y - 0.35), 0.7, 0.7, color=cmap(norm(v)), zorder=2))
    lines = LineCollection(segments, colors=[cmap(norm(v)) for v in seg_values], linewidths=2.5, zorder=1)
    ax.add_collection(lines)
    plt.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label=what, fraction=0.046, pad=0.02)

    xy = np.array([pos[i] for i in range(net.node_count)])
    inputs, outputs = set(net.inputs), set(net.outputs)
    if state is not None and len(state.node_volts) == net.node_count:
        volts = np.asarray(state.node_volts)
        vspan = max(float(np.max(np.abs(volts))), 1e-12)
        vnorm, vmap = colors.Normalize(-vspan, vspan), cm.RdBu_r
        node_colors = [vmap(vnorm(v)) for v in volts]
        plt.colorbar(cm.ScalarMappable(norm=vnorm, cmap=vmap), ax=ax, label="node voltage (V)", fraction=0.046,
                     pad=0.02, orientation="horizontal")
    else:
        node_colors = ["0.7"] * net.node_count
    for i in range(1, net.node_count):
        marker = "s" if i in inputs else "D" if i in outputs else "o"
        size = 110 if (i in inputs or i in outputs) else 40
        ax.scatter(*xy[i], s=size, marker=marker, c=[node_colors[i]], edgecolors="k", linewidths=1.2 if size > 40 else 0.5, zorder=3)
    ax.scatter(*xy[0], s=160, marker="_", c="k", linewidths=3, zorder=3)
    if labels or (labels is None and net.node_count <= 30):
        for i, name in enumerate(net.nodes):
            ax.annotate(name, xy[i], textcoords="offset points", xytext=(5, 5), fontsize=7, zorder=4)
    handles = [plt.Line2D([], [], marker="s", ls="", mfc="w", mec="k", label="input"),
               plt.Line2D([], [], marker="D", ls="", mfc="w", mec="k", label="output"),
               plt.Line2D([], [], marker="_", ls="", mec="k", mew=3, ms=12, label="ground")]
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.8)
    ax.set_title(title if title is not None else f"{net.name} ({kind} layout)")
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.margins(0.1)
    ax.axis("off")
    return ax


def trained(net, initial, state=None, title=None):
    """The figure of a training run (`spiceloop train`'s network.png): net as trained, nodes by state's
    voltages, beside the change of each edge's value from `initial` (per edge). Returns the Figure."""
    import matplotlib.pyplot as plt

    fig, (now, change) = plt.subplots(1, 2, figsize=(13, 5.5))
    network(net, state, ax=now, title="trained" + ("" if state is None else ", nodes at a free state"))
    network(net, change=np.asarray(net.conductances(), dtype=float) - np.asarray(initial, dtype=float), ax=change,
            title="change over the run")
    fig.suptitle(title if title is not None else net.name)
    fig.tight_layout()
    return fig
