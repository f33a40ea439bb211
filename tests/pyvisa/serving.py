"""Start a `spiceloop serve|board ... --addresses FILE` process and wait for its "ready" line.

Shared by the Python tests in this folder (each runs as a script, so this folder is on sys.path).
"""
import json
import subprocess
import time


def start_ready(command, addresses, timeout=60):
    """Runs command (which writes addresses when ready); returns (process, addresses JSON, banner lines).
    A process that exits or stays silent past timeout is killed and reported with what it printed."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("ready"):
            with open(addresses) as f:
                return proc, json.load(f), lines
    proc.kill()
    raise RuntimeError("%s did not get ready:\n%s" % (" ".join(command[:2]), "".join(lines)))
