"""spiceloop.sweep(): the finite-nudging study from Python writes the command's results.csv, and
its rows come back as dicts of numbers and labels."""
import json
import os
import subprocess

from harness import BUILD, expect_error, netlist, run, scratch
import spiceloop

SWEEP = {"networks": [netlist("lab16.json")], "rules": ["cl", "ep"], "eta": [1e-3, 1e-1], "beta": [1e-8, 1e-6],
         "alpha": [1e-9], "alpha_ep": [1e-14], "seeds": [1, 2]}


def test_a_sweep_from_python_writes_the_commands_results_and_returns_its_rows():
    out = scratch("sweep")
    r = spiceloop.sweep(SWEEP, out=out)
    assert r["complete"] and r["points"] == 8 and r["measured"] == 8
    rows = r["rows"]
    assert len(rows) == 8
    assert [row["index"] for row in rows] == list(range(8))
    assert {row["rule"] for row in rows} == {"cl", "ep"} and rows[0]["backend"] == "ideal"
    assert all(isinstance(row["nudge_term"], float) for row in rows)
    assert rows[0]["reltol"] is None  # the ideal backend has no tolerances
    cli_dir = os.path.join(scratch("sweep-cli"), "out")
    path = os.path.join(os.path.dirname(cli_dir), "sweep.json")
    json.dump(SWEEP, open(path, "w"))
    done = subprocess.run([os.path.join(BUILD, "spiceloop"), "sweep", path, "--out", cli_dir, "--no-plot", "--no-progress"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert open(os.path.join(cli_dir, "results.csv"), "rb").read() == open(r["results"], "rb").read()
    assert spiceloop.read_sweep_rows(r["results"]) == rows


def test_a_sweep_resumes_the_points_already_on_disk():
    out = scratch("sweep-resume")
    first = spiceloop.sweep(SWEEP, out=out, max_points=3)
    assert not first["complete"] and first["measured"] == 3 and first["rows"] == []
    rest = spiceloop.sweep(SWEEP, out=out)
    assert rest["complete"] and rest["resumed"] == 3 and rest["measured"] == 5


def test_a_bad_sweep_names_its_key():
    e = expect_error("config.invalid", spiceloop.sweep, dict(SWEEP, eta=[-1.0]), out=scratch("bad"))
    assert e.where.startswith("/eta"), e.where
    expect_error("python.choice", spiceloop.sweep, SWEEP, out=scratch("bad2"), backend="spice")


run(globals())
