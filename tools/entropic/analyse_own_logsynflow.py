"""Whole-space numbers of the entropic score (version 1.1) and of its combination with NasPS's own LogSynflow
(docs/entropic-score.md, "Combination with LogSynflow"), from Program.cs `whole` parts:

  analyse_own_logsynflow.py cifar10=a.csv,b.csv [cifar100=c.csv,d.csv] [imagenet16=e.csv,f.csv] [--no-kendall]

The cifar10 parts hold `entropic` and `logsynflow` (CIFAR-10 head and resolution); the other datasets' parts hold
`logsynflow` with that dataset's head and resolution. The entropic score does not depend on the dataset (fixed 8×8
noise; the head follows the last ReLU), so the cifar10 column serves all three. A dataset without its own parts is
combined with the CIFAR-10 LogSynflow, and the output says so."""
import sys

import numpy as np

from analyse import (cached_column, kendall_tau_b, load_bench, load_cached, load_scores, max_abs_sum, rank_sum, spearman,
                     within_topology)

DATASETS = ("cifar10", "cifar100", "imagenet16")


def load_parts(paths):
    """Union of the parts by official index (parts may overlap where a process was restarted; values are deterministic)."""
    idx, cols = [], {}
    for p in paths:
        i, c = load_scores(p)
        idx.append(i)
        for k, v in c.items():
            cols.setdefault(k, []).append(v)
    idx = np.concatenate(idx)
    idx, first = np.unique(idx, return_index=True)
    return idx, {k: np.concatenate(v)[first] for k, v in cols.items() if not k.endswith("_seconds")}


def finite(col, name):
    bad = ~np.isfinite(col)
    if bad.any():
        print(f"  {name}: {bad.sum()} non-finite values set to the column's smallest finite value (FreeREA's loader rule)")
        col = np.where(bad, col[~bad].min(), col)
    return col


def main(parts, kendall):
    bench, cached = load_bench(), load_cached()
    idx, c10 = load_parts(parts["cifar10"])
    if len(idx) != 15625:
        print(f"WARNING: {len(idx)} architectures, not the whole space")
    ent = c10["entropic"]
    archs = [bench[i]["arch"] for i in idx]
    tau = kendall_tau_b if kendall else (lambda x, y: float("nan"))
    print(f"{len(idx)} architectures; entropic from {len(parts['cifar10'])} CIFAR-10 part(s)")
    for ds in DATASETS:
        if ds in parts:
            ls_idx, cols = load_parts(parts[ds])
            assert np.array_equal(ls_idx, idx), f"{ds}: the LogSynflow parts cover other indices"
            ls, source = cols["logsynflow"], f"NasPS logsynflow, {ds} head and resolution"
        else:
            ls, source = c10["logsynflow"], "NasPS logsynflow, CIFAR-10 head and resolution (no parts for this dataset)"
        ls = finite(ls, "logsynflow")
        acc = np.array([float(bench[i][f"{ds}_test_acc"]) for i in idx])
        cached_ls = cached_column(cached, idx, ds, "freerea_logsynflow")
        cached_nw = cached_column(cached, idx, ds, "freerea_naswot")
        params = np.array([float(bench[i][f"{ds}_params_mb"]) for i in idx])
        rows = {
            "entropic 1.1": ent,
            "logsynflow (NasPS)": ls,
            "logsynflow (FreeREA cached)": cached_ls,
            "naswot (FreeREA cached)": cached_nw,
            "params": params,
            "entropic+logsynflow(NasPS) max-|x|": max_abs_sum(ent, ls),
            "entropic+logsynflow(NasPS) rank sum": rank_sum(ent, ls),
            "entropic+logsynflow(cached) max-|x|": max_abs_sum(ent, cached_ls),
            "naswot+logsynflow(cached) max-|x|": max_abs_sum(cached_nw, cached_ls),
        }
        print(f"{ds} (LogSynflow: {source}); NasPS vs cached LogSynflow spearman {spearman(ls, cached_ls):.4f}")
        for name, x in rows.items():
            w, groups = within_topology(x, acc, archs)
            print(f"  {name:38s} spearman {spearman(x, acc):.4f}  kendall {tau(x, acc):.4f}  within-topology spearman {w:.4f} ({groups} groups)")


if __name__ == "__main__":
    args = sys.argv[1:]
    parts = dict(a.split("=", 1) for a in args if not a.startswith("--"))
    main({k: v.split(",") for k, v in parts.items()}, kendall="--no-kendall" not in args)
