"""spiceloop.Network from Python: the JSON format, generators, inspection and validated changes."""
import copy
import json
import os

import numpy as np

from harness import expect_error, netlist, run, scratch
import spiceloop


def test_a_bundled_network_loads_with_its_nodes_edges_and_boundary():
    net = spiceloop.Network.load(netlist("lab16.json"))
    assert net.name == "lab16"
    assert net.nodes[0] == "gnd" and net.node_count == 10 and net.edge_count == 16
    assert [net.nodes[i] for i in net.inputs] == ["n1", "n4", "n7", "n9"]
    assert [net.nodes[i] for i in net.outputs] == ["n2", "n3", "n8"]
    e0 = net.edges[0]
    assert (e0.name, net.nodes[e0.a], net.nodes[e0.b], e0.kind, e0.trainable) == ("e0", "n2", "n5", spiceloop.ElementKind.resistor, True)
    assert e0.siemens == 1.0325158433092446e-05 and e0.min_siemens == 1e-05
    assert net.find_edge("e14") == 14 and net.find_node("n8") == 8 and net.find_node("nope") is None
    np.testing.assert_array_equal(net.input_volts(), [1.0, -1.0, 1.0, -1.0])


def test_save_then_load_gives_the_same_network_and_the_same_text():
    net = spiceloop.Network.load(netlist("lab16.json"))
    path = os.path.join(scratch("net"), "copy.json")
    net.save(path)
    again = spiceloop.Network.load(path)
    assert again == net
    assert open(path).read() == net.to_text()
    assert spiceloop.Network(net.to_json()) == net
    assert spiceloop.Network(net.to_text()) == net


def test_a_generator_from_keywords_equals_the_same_spec_as_a_document():
    a = spiceloop.generate("crossbar", rows=3, columns=2, seed=7, edge={"kind": "resistor", "ohms": {"min": 1e3, "max": 1e4}})
    b = spiceloop.Network({"spiceloop": 1, "generator": "crossbar", "rows": 3, "columns": 2, "seed": 7,
                           "edge": {"kind": "resistor", "ohms": {"min": 1e3, "max": 1e4}}})
    assert a == b
    assert a.edge_count == 3 * 2 + 2 and a.node_count == 1 + 3 + 2
    lattice = spiceloop.generate("lattice", width=3, height=3, inputs=2, outputs=1, seed=1)
    assert lattice.edge_count == 12


def test_set_conductances_changes_the_values_and_refuses_out_of_bounds_ones_leaving_the_network_unchanged():
    net = spiceloop.Network.load(netlist("lab16.json"))
    k = net.conductances()
    k[3] = 2e-4
    net.set_conductances(k)
    assert net.edges[3].siemens == 2e-4
    bad = k.copy()
    bad[5] = 5.0  # above max_siemens 1e-3
    e = expect_error("network.outside_bounds", net.set_conductances, bad)
    assert "/edges/5" in e.where, e.where
    assert net.edges[5].siemens == k[5]


def test_a_copy_is_independent_of_its_original():
    net = spiceloop.Network.load(netlist("lab16.json"))
    twin = copy.deepcopy(net)
    twin.set_input_volts([0.5, 0.5, 0.5, 0.5])
    assert net.input_volts()[0] == 1.0 and twin.input_volts()[0] == 0.5


def test_a_bad_document_names_its_id_and_json_pointer():
    doc = json.load(open(netlist("lab16.json")))
    doc["edges"][2]["siemens"] = -1.0
    e = expect_error("network.not_positive", spiceloop.Network, doc)
    assert e.where == "/edges/2/siemens", e.where
    expect_error("network.unknown_key", spiceloop.generate, "crossbar", rows=2, colums=2)
    expect_error("network.unreadable_file", spiceloop.Network.load, "/nonexistent/net.json")


run(globals())
