"""Final numbers of docs/entropic-score.md from the frozen-definition run (Program.cs `score`, any number of CSV parts):
correlations on the three datasets, the LogSynflow combinations, and ranking inside topology groups (size axis)."""
import sys

import numpy as np

from analyse import (cached_column, kendall_tau_b, load_bench, load_cached, load_scores, max_abs_sum, rank_sum, spearman,
                     within_topology)

DATASETS = ("cifar10", "cifar100", "imagenet16")


def main(paths, kendall=True):
    bench, cached = load_bench(), load_cached()
    idx, ent = [], []
    for p in paths:
        i, cols = load_scores(p)
        idx.append(i)
        ent.append(cols["entropic"])
    idx, ent = np.concatenate(idx), np.concatenate(ent)
    # Parts may overlap by an index where one process was stopped; the definition is deterministic, keep one copy.
    idx, first = np.unique(idx, return_index=True)
    ent = ent[first]
    archs = [bench[i]["arch"] for i in idx]
    disconnected = np.array([float(bench[i]["cifar10_test_acc"]) == 10.0 for i in idx])
    print(f"{len(idx)} architectures (official indices, union of {len(paths)} parts); "
          f"{disconnected.sum()} with C10 accuracy 10.0 (disconnected)")
    print(f"  disconnected: max score {ent[disconnected].max():.4f}; connected: min {ent[~disconnected].min():.4f}; "
          f"connected below the disconnected max: {(ent[~disconnected] <= ent[disconnected].max()).sum()}")
    tau = (lambda x, y: kendall_tau_b(x, y)) if kendall else (lambda x, y: float("nan"))
    for ds in DATASETS:
        acc = np.array([float(bench[i][f"{ds}_test_acc"]) for i in idx])
        ls = cached_column(cached, idx, ds, "freerea_logsynflow")
        nw = cached_column(cached, idx, ds, "freerea_naswot")
        params = np.array([float(bench[i][f"{ds}_params_mb"]) for i in idx])
        rows = {
            "entropic": ent,
            "logsynflow (FreeREA cached)": ls,
            "naswot (FreeREA cached)": nw,
            "params": params,
            "entropic+logsynflow max-|x| sum": max_abs_sum(ent, ls),
            "entropic+logsynflow rank sum": rank_sum(ent, ls),
            "naswot+logsynflow max-|x| sum": max_abs_sum(nw, ls),
        }
        print(f"{ds}:")
        for name, x in rows.items():
            w, groups = within_topology(x, acc, archs)
            print(f"  {name:34s} spearman {spearman(x, acc):.4f}  kendall {tau(x, acc):.4f}  within-topology spearman {w:.4f} ({groups} groups)")


if __name__ == "__main__":
    args = sys.argv[1:]
    fast = "--no-kendall" in args
    main([a for a in args if not a.startswith("--")], kendall=not fast)
