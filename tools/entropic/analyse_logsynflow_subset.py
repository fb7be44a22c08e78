"""The LogSynflow combination with NasPS's own LogSynflow (Program.cs `logsynflow`, the released ln(1+g) definition)
against the same combination with FreeREA's cached C10 column, on the architectures both cover; CIFAR-10 only."""
import sys

import numpy as np

from analyse import cached_column, kendall_tau_b, load_bench, load_cached, load_scores, max_abs_sum, rank_sum, spearman

bench, cached = load_bench(), load_cached()
_, ent_cols = load_scores(sys.argv[1])
entropic = ent_cols["entropic"]  # whole-space file, row k = index k
idx, ls_cols = [], []
for path in sys.argv[2:]:
    i, cols = load_scores(path)
    idx.append(i)
    ls_cols.append(cols["logsynflow"])
idx, nasps_ls = np.concatenate(idx), np.concatenate(ls_cols)
acc = np.array([float(bench[i]["cifar10_test_acc"]) for i in idx])
e = entropic[idx]
cached_ls = cached_column(cached, idx, "cifar10", "freerea_logsynflow")
print(f"{len(idx)} architectures (official indices {idx.min()}..{idx.max()}), CIFAR-10")
for name, x in {
    "entropic": e,
    "NasPS logsynflow": nasps_ls,
    "cached logsynflow (eps variant)": cached_ls,
    "entropic+NasPS logsynflow max-|x| sum": max_abs_sum(e, nasps_ls),
    "entropic+NasPS logsynflow rank sum": rank_sum(e, nasps_ls),
    "entropic+cached logsynflow max-|x| sum": max_abs_sum(e, cached_ls),
}.items():
    print(f"  {name:40s} spearman {spearman(x, acc):.4f}  kendall {kendall_tau_b(x, acc):.4f}")
print(f"  NasPS vs cached logsynflow spearman {spearman(nasps_ls, cached_ls):.4f}")
