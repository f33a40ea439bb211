"""The finite-nudging study from Python: sweep the nudge eta of Coupled Learning at a small learning
rate, take the rows, and plot the measured change of Q = sum k^2 per step against the nudge
(theory: |dQ| grows like eta while the nudge term dominates, DOMAIN.md section 3).

Run: PYTHONPATH=build/python python3 examples/finite_nudging.py [OUT_DIR]
"""
import os
import sys
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spiceloop  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="finite-nudging-")
sweep = {"networks": [os.path.join(HERE, "..", "netlists", "lab16.json")], "rules": ["cl"],
         "eta": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "alpha": [1e-10], "seeds": [1, 2]}
result = spiceloop.sweep(sweep, out=out)
rows = result["rows"]

fig, ax = plt.subplots(figsize=(5, 4))
for seed in sorted({r["seed"] for r in rows}):
    mine = sorted((r for r in rows if r["seed"] == seed), key=lambda r: r["nudge"])
    eta = np.array([r["nudge"] for r in mine])
    dq = np.abs([r["dq"] for r in mine])
    pred = np.abs([r["nudge_pred"] for r in mine])
    ax.loglog(eta, dq, "o-", label=f"measured |dQ|, seed {seed}")
    ax.loglog(eta, pred, "k:", label="nudge term prediction" if seed == 1 else None)
    slope = np.polyfit(np.log(eta), np.log(dq), 1)[0]
    print(f"seed {seed}: |dQ| ~ eta^{slope:.3f}")
    assert 0.8 < slope < 1.2, slope
ax.set_xlabel("nudge eta")
ax.set_ylabel("|dQ| per step (S^2)")
ax.legend(fontsize=7)
fig.tight_layout()
png = os.path.join(out, "dq_vs_eta.png")
fig.savefig(png, dpi=100)
print(f"{len(rows)} rows; plot in {png}")
