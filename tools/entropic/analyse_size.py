"""NATS size space (no accuracies here): agreement of the entropic score with params, FLOPs and NasPS's LogSynflow
(Program.cs `size`), and of the FreeREA-style combination with the same."""
import csv
import sys

import numpy as np

from analyse import kendall_tau_b, max_abs_sum, spearman

rows = list(csv.DictReader(open(sys.argv[1], newline="")))
col = {k: np.array([float(r[k]) for r in rows]) for k in ("entropic", "logsynflow", "params", "flops")}
col["entropic+logsynflow max-|x| sum"] = max_abs_sum(col["entropic"], col["logsynflow"])
print(f"{len(rows)} NATS size configurations")
for name in ("entropic", "logsynflow", "entropic+logsynflow max-|x| sum"):
    for ref in ("params", "flops", "logsynflow"):
        if name == ref:
            continue
        print(f"  {name:32s} vs {ref:10s} spearman {spearman(col[name], col[ref]):.4f}  kendall {kendall_tau_b(col[name], col[ref]):.4f}")

# Monotonicity: over the pairs where one configuration is at least as wide as the other at every stage (and wider at one),
# the share the score orders the wider one first (ties count one half). Params and FLOPs are 1.0 by construction.
channels = np.array([[int(c) for c in r["channels"].split(":")] for r in rows])
wider = (channels[:, None, :] >= channels[None, :, :]).all(-1) & (channels[:, None, :] != channels[None, :, :]).any(-1)
pairs = np.argwhere(wider)
print(f"  {len(pairs)} dominance pairs (one configuration at least as wide at every stage)")
for name in ("entropic", "logsynflow", "entropic+logsynflow max-|x| sum", "params", "flops"):
    d = col[name][pairs[:, 0]] - col[name][pairs[:, 1]]
    print(f"  {name:32s} orders the wider first in {((d > 0).sum() + 0.5 * (d == 0).sum()) / len(pairs):.4f} of them")
