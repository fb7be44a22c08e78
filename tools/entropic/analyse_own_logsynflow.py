"""Whole-space numbers of the entropic score (version 1.1) and of its combination with NasPS's own LogSynflow
(docs/entropic-score.md, "Combination with LogSynflow"), from Program.cs `whole` parts:

  analyse_own_logsynflow.py cifar10=a.csv,b.csv [cifar100=c.csv,d.csv] [imagenet16=e.csv,f.csv] [--no-kendall]

The cifar10 parts hold `entropic` and/or `logsynflow` (CIFAR-10 head and resolution), merged by index; the other
datasets' parts hold `logsynflow` with that dataset's head and resolution. The entropic numbers use every architecture
with an entropic score; the combination uses those that also have NasPS's LogSynflow. The entropic score does not depend on the dataset (fixed 8×8
noise; the head follows the last ReLU), so the cifar10 column serves all three. A dataset without its own parts is
combined with the CIFAR-10 LogSynflow, and the output says so."""
import sys

import numpy as np

from analyse import (cached_column, kendall_tau_b, load_bench, load_cached, load_scores, max_abs_sum, rank_sum, spearman,
                     within_topology)

DATASETS = ("cifar10", "cifar100", "imagenet16")


def load_parts(paths):
    """Columns merged by official index over the parts (a part may hold some columns only, e.g. a run of `entropic`
    alone; parts may overlap where a process was restarted: the values are deterministic, one copy is kept).
    Returns the sorted indices and, per column, its values with NaN where no part holds it."""
    merged = {}
    for p in paths:
        i, c = load_scores(p)
        for k, v in c.items():
            if k.endswith("_seconds"):
                continue
            column = merged.setdefault(k, {})
            for index, value in zip(i, v):
                column.setdefault(int(index), value)
    idx = np.array(sorted(set().union(*(c.keys() for c in merged.values()))))
    return idx, {k: np.array([c.get(int(i), np.nan) for i in idx]) for k, c in merged.items()}


def finite(col, name):
    bad = ~np.isfinite(col)
    if bad.any():
        print(f"  {name}: {bad.sum()} non-finite values set to the column's smallest finite value (FreeREA's loader rule)")
        col = np.where(bad, col[~bad].min(), col)
    return col


def main(parts, kendall):
    bench, cached = load_bench(), load_cached()
    idx, c10 = load_parts(parts["cifar10"])
    ent = c10["entropic"]
    assert np.isfinite(ent).all(), "an architecture lacks its entropic score"
    if len(idx) != 15625:
        print(f"WARNING: {len(idx)} architectures, not the whole space")
    tau = kendall_tau_b if kendall else (lambda x, y: float("nan"))
    print(f"{len(idx)} architectures with the entropic score (CIFAR-10 parts: {len(parts['cifar10'])})")
    for ds in DATASETS:
        if ds != "cifar10" and ds in parts:
            ls_idx, cols = load_parts(parts[ds])
            ls = np.full(len(idx), np.nan)
            ls[np.searchsorted(idx, ls_idx)] = cols["logsynflow"]
            source = f"NasPS logsynflow, {ds} head and resolution"
        else:
            ls, source = c10["logsynflow"], "NasPS logsynflow, CIFAR-10 head and resolution"
        acc = np.array([float(bench[i][f"{ds}_test_acc"]) for i in idx])
        cached_ls = cached_column(cached, idx, ds, "freerea_logsynflow")
        cached_nw = cached_column(cached, idx, ds, "freerea_naswot")
        params = np.array([float(bench[i][f"{ds}_params_mb"]) for i in idx])
        archs = [bench[i]["arch"] for i in idx]
        m = np.flatnonzero(~np.isnan(ls))
        if len(m) < len(idx):
            print(f"{ds}, all {len(idx)}:")
            for name, x in {"entropic 1.1": ent, "logsynflow (FreeREA cached)": cached_ls, "naswot (FreeREA cached)": cached_nw,
                            "params": params, "entropic+logsynflow(cached) max-|x|": max_abs_sum(ent, cached_ls),
                            "naswot+logsynflow(cached) max-|x|": max_abs_sum(cached_nw, cached_ls)}.items():
                report(name, x, acc, archs, tau)
        # The combination with NasPS's own LogSynflow, over the architectures that have it (normalised over that set).
        lsm = finite(ls[m], "logsynflow")
        sub_archs = [archs[i] for i in m]
        print(f"{ds}, the {len(m)} with NasPS's LogSynflow ({source}); NasPS vs cached LogSynflow spearman "
              f"{spearman(lsm, cached_ls[m]):.4f}:")
        for name, x in {"entropic 1.1": ent[m], "logsynflow (NasPS)": lsm, "logsynflow (FreeREA cached)": cached_ls[m],
                        "naswot (FreeREA cached)": cached_nw[m], "params": params[m],
                        "entropic+logsynflow(NasPS) max-|x|": max_abs_sum(ent[m], lsm),
                        "entropic+logsynflow(NasPS) rank sum": rank_sum(ent[m], lsm),
                        "entropic+logsynflow(cached) max-|x|": max_abs_sum(ent[m], cached_ls[m]),
                        "naswot+logsynflow(cached) max-|x|": max_abs_sum(cached_nw[m], cached_ls[m])}.items():
            report(name, x, acc[m], sub_archs, tau)


def report(name, x, acc, archs, tau):
    w, groups = within_topology(x, acc, archs)
    print(f"  {name:38s} spearman {spearman(x, acc):.4f}  kendall {tau(x, acc):.4f}  within-topology spearman {w:.4f} ({groups} groups)")


if __name__ == "__main__":
    args = sys.argv[1:]
    parts = dict(a.split("=", 1) for a in args if not a.startswith("--"))
    main({k: v.split(",") for k, v in parts.items()}, kendall="--no-kendall" not in args)
