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
