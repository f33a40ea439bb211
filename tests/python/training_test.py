"""Training from Python gives the command's results bit for bit: spiceloop.train() and `spiceloop
train` on the bundled default (same seed) write the same network.json and metrics.jsonl (timings
aside); Trainer.step() returns metrics.jsonl's step records; checkpoints resume exactly; Ctrl-C
stops a run between steps with its last checkpoint intact."""
import json
import os
import signal
import subprocess
import sys
import textwrap

from harness import BUILD, SOURCE, expect_error, netlist, run, scratch
import spiceloop

DEFAULT = netlist("experiments", "default.json")
_reference = {}


def lines_without_timing(path):
    out = []
    for line in open(path):
        record = json.loads(line)
        record.pop("steps_per_s", None)
        out.append(record)
    return out


def reference(backend="ngspice"):
    """`spiceloop train` (the bundled default), once per backend for every test here."""
    if backend not in _reference:
        out = scratch("cli-" + backend)
        subprocess.run([os.path.join(BUILD, "spiceloop"), "train", "--backend", backend, "--out", out, "--progress", "off"],
                       check=True, capture_output=True)
        _reference[backend] = out
    return _reference[backend]


def test_python_train_and_the_command_write_the_same_network_and_metrics():
    cli = reference()
    out = scratch("py")
    seen = []
    result = spiceloop.train(DEFAULT, "ngspice", out=out, callback=seen.append, plot=False)
    assert result["completed"] and result["steps"] == 50
    assert open(os.path.join(out, "network.json"), "rb").read() == open(os.path.join(cli, "network.json"), "rb").read()
    assert lines_without_timing(os.path.join(out, "metrics.jsonl")) == lines_without_timing(os.path.join(cli, "metrics.jsonl"))
    steps = [r for r in lines_without_timing(os.path.join(cli, "metrics.jsonl")) if r["type"] == "step"]
    assert seen == steps  # the callback got every step's record, as written
    assert result["network"] == spiceloop.Network.load(os.path.join(cli, "network.json"))
    assert result["final"]["test_accuracy"] > 0.9


def test_trainer_step_returns_the_records_the_command_writes():
    cli = reference()
    records = lines_without_timing(os.path.join(cli, "metrics.jsonl"))
    trainer = spiceloop.Trainer(DEFAULT, "ngspice")
    assert trainer.header() == records[0]
    steps = []
    while not trainer.done:
        steps.append(trainer.step())
    assert steps == [r for r in records if r["type"] == "step"]
    assert trainer.network == spiceloop.Network.load(os.path.join(cli, "network.json"))


# Resumes on the ideal backend: a resumed ngspice run starts fresh worker processes, and the command's
# own --resume then differs from an uninterrupted ngspice run in the last bits of some conductances.
def test_a_trainer_restored_from_a_checkpoint_ends_where_an_uninterrupted_run_ends():
    cli = reference("ideal")
    first = spiceloop.Trainer(DEFAULT, "ideal")
    for _ in range(17):
        first.step()
    path = os.path.join(scratch("ckpt"), "checkpoint.json")
    first.save_checkpoint(path)
    second = spiceloop.Trainer(DEFAULT, "ideal")
    second.restore_checkpoint(path)
    assert second.steps_done == 17
    while not second.done:
        second.step()
    assert second.network == spiceloop.Network.load(os.path.join(cli, "network.json"))
    other = spiceloop.Trainer(netlist("experiments", "xor.json"), "ideal")
    expect_error("checkpoint.mismatch", other.restore_checkpoint, path)


def test_a_stopped_run_resumes_to_the_commands_bytes():
    cli = reference("ideal")
    out = scratch("resume")
    part = spiceloop.train(DEFAULT, "ideal", out=out, max_steps=23, plot=False)
    assert not part["completed"] and part["steps"] == 23
    rest = spiceloop.train(DEFAULT, "ideal", out=out, resume=True)
    assert rest["completed"] and rest["steps"] == 50
    assert os.path.getsize(os.path.join(out, "loss.png")) > 0  # tools/plot_training.py, found from Python
    assert os.path.getsize(os.path.join(out, "network.png")) > 20000  # tools/plot_network.py, the same
    assert open(os.path.join(out, "network.json"), "rb").read() == open(os.path.join(cli, "network.json"), "rb").read()
    assert lines_without_timing(os.path.join(out, "metrics.jsonl")) == lines_without_timing(os.path.join(cli, "metrics.jsonl"))


def test_an_experiment_dict_trains_like_its_file_and_a_python_rule_check_sees_each_step():
    doc = json.load(open(DEFAULT))
    doc["epochs"] = 3
    a = spiceloop.Trainer(doc, "ideal", base_dir=os.path.dirname(DEFAULT))
    records = [a.step() for _ in range(3)]
    assert [r["step"] for r in records] == [1, 2, 3] and a.done
    assert all(abs(r["identity_relative"]) < 1e-6 for r in records)
    bad = dict(doc, alpha=float("nan"))
    e = expect_error("config.invalid", spiceloop.Trainer, bad, "ideal", base_dir=os.path.dirname(DEFAULT))
    assert e.where == "/alpha", e.where


CHILD = textwrap.dedent("""
    import json, os, sys
    import spiceloop
    doc = json.load(open(sys.argv[1]))
    doc["epochs"] = 1000000
    doc["checkpoint_every"] = 5
    def tick(record):
        if record["step"] == 20:
            print("step 20", flush=True)
    try:
        spiceloop.train(doc, "ideal", out=sys.argv[2], callback=tick, plot=False, base_dir=os.path.dirname(sys.argv[1]))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(0)
    sys.exit(3)
""")


def test_ctrl_c_stops_a_long_run_between_steps_and_the_run_resumes_from_its_checkpoint():
    out = scratch("sigint")
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"))
    child = subprocess.Popen([sys.executable, "-c", CHILD, DEFAULT, out], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout.readline().strip() == "step 20"
    child.send_signal(signal.SIGINT)
    rest, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and rest.strip() == "interrupted", (child.returncode, rest)
    doc = json.load(open(DEFAULT))
    doc["epochs"] = 1000000
    doc["checkpoint_every"] = 5
    stopped_at = json.load(open(os.path.join(out, "checkpoint.json")))["step"]
    assert stopped_at >= 20 and stopped_at % 5 == 0
    more = spiceloop.train(doc, "ideal", out=out, resume=True, max_steps=7, plot=False, base_dir=os.path.dirname(DEFAULT))
    assert more["steps"] == stopped_at + 7


run(globals())
