"""Rank correlations of the entropic-score experiment CSVs (tools/entropic/Program.cs writes them) with NB201 accuracies.
numpy only: Spearman = Pearson of average ranks; Kendall tau-b by the O(n log n)-free direct count (n <= a few thousand)."""
import csv
import gzip
import sys

import numpy as np

DATA = "/work/shared/data/nb201"


def ranks(x):
    x = np.asarray(x, float)
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x))
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(x, y):
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def kendall_tau_b(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    conc = disc = tx = ty = 0
    for i in range(n - 1):
        dx = np.sign(x[i + 1:] - x[i])
        dy = np.sign(y[i + 1:] - y[i])
        p = dx * dy
        conc += int((p > 0).sum())
        disc += int((p < 0).sum())
        tx += int(((dx == 0) & (dy != 0)).sum())
        ty += int(((dy == 0) & (dx != 0)).sum())
    return (conc - disc) / np.sqrt((conc + disc + tx) * (conc + disc + ty))


def load_bench():
    with open(f"{DATA}/nb201.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def load_cached():
    with open(f"{DATA}/nb201_cached_proxies.csv", newline="") as f:
        return list(csv.DictReader(f))


def load_scores(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    idx = np.array([int(r["index"]) for r in rows])
    cols = {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k not in ("index", "seconds")}
    return idx, cols


if __name__ == "__main__":
    bench = load_bench()
    idx, cols = load_scores(sys.argv[1])
    acc = np.array([float(bench[i]["cifar10_test_acc"]) for i in idx])
    print(f"{sys.argv[1]}: {len(idx)} architectures, CIFAR-10 test accuracy")
    for k, v in cols.items():
        print(f"  {k:24s} spearman {spearman(v, acc):.4f}  kendall {kendall_tau_b(v, acc):.4f}")


# ------------------------------------------------------------------------------------- combination and size axis

def cached_column(cached, idx, dataset, proxy):
    """FreeREA cached score; -inf -> the column's smallest finite value (FreeREA's loader rule)."""
    col = np.array([float(r[f"{dataset}_{proxy}"]) for r in cached])
    finite = col[np.isfinite(col)]
    col = np.where(np.isfinite(col), col, finite.min())
    return col[idx]


def max_abs_sum(*columns):
    """FreeREA's combination over a set: each score divided by its largest |value| in the set, then summed."""
    return sum(c / np.abs(c).max() for c in columns)


def rank_sum(*columns):
    return sum(ranks(c) for c in columns)


def topology_key(arch):
    """The none/skip/pool/conv pattern: both convolution kernels map to 'conv' (spec 7.2's topology axis)."""
    ops = [t.split("~")[0] for t in arch.replace("+", "").split("|") if t]
    return tuple("conv" if o.startswith("nor_conv") else o for o in ops)


def within_topology(score, acc, archs):
    """Spearman inside every topology group with >= 3 members and non-constant accuracy; mean weighted by group size."""
    groups = defaultdict(list)
    for i, a in enumerate(archs):
        groups[topology_key(a)].append(i)
    rhos, weights = [], []
    for members in groups.values():
        if len(members) < 3:
            continue
        s, a = score[members], acc[members]
        if np.ptp(a) == 0 or np.ptp(s) == 0:
            continue
        rhos.append(spearman(s, a))
        weights.append(len(members))
    rhos, weights = np.array(rhos), np.array(weights)
    return float((rhos * weights).sum() / weights.sum()), len(rhos)


from collections import defaultdict  # noqa: E402
