"""Drive the stand-ins with PyVISA while a hardware-in-the-loop training runs.

The bench's instruments are served in this process; the sign-rule experiment trains through their
sockets in a background thread (the GIL is released while it runs), and meanwhile this thread reads
the digipot bank with PyVISA, as a lab script would, and watches the codes move. At the end the codes
PyVISA reads are the trained network's.

Run: PYTHONPATH=build/python python3 examples/pyvisa_training.py
"""
import os
import tempfile
import threading
import time

import pyvisa

import spiceloop

HERE = os.path.dirname(os.path.abspath(__file__))
NETLISTS = os.path.join(HERE, "..", "netlists")
work = tempfile.mkdtemp(prefix="pyvisa-training-")
addresses = os.path.join(work, "addresses.json")

with spiceloop.serve(os.path.join(NETLISTS, "benches", "lab16_hil.json"), backend="ngspice") as lab:
    lab.write_addresses(addresses)
    rm = pyvisa.ResourceManager("@py")
    bank = rm.open_resource(lab.addresses["digipots"], read_termination="\n", write_termination="\n", timeout=5000)
    print(bank.query("*IDN?"))
    initial = [int(c) for c in bank.query("DPOT:CODE? (@1:16)").split(",")]
    result, failure = {}, []

    def train():
        try:
            result.update(spiceloop.train(os.path.join(NETLISTS, "experiments", "sign_rule.json"), "hil",
                                          instruments=addresses, out=os.path.join(work, "run"), plot=False))
        except Exception as e:  # noqa: BLE001 (raised again below, in the main thread)
            failure.append(e)

    trainer = threading.Thread(target=train)
    trainer.start()

    snapshots = []
    while trainer.is_alive():
        snapshots.append(bank.query("DPOT:CODE? (@1:16)"))
        time.sleep(0.005)
    trainer.join()
    if failure:
        raise failure[0]
    final = [int(c) for c in bank.query("DPOT:CODE? (@1:16)").split(",")]
    bank.close()
    rm.close()

trained = [e.code for e in result["network"].edges]
print(f"{len(snapshots)} PyVISA reads during {result['steps']} training steps, {len(set(snapshots))} distinct code sets")
print(f"loss {result['initial']['train_loss']:.4e} -> {result['final']['train_loss']:.4e}")
assert final == trained, (final, trained)
assert final != initial  # the training moved the wipers PyVISA reads
