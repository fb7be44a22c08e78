"""Aggregations of the per-layer dump (Program.cs `layers`) into candidate scores; Spearman/Kendall vs CIFAR-10 only."""
import csv
import math
import sys
from collections import defaultdict

import numpy as np

from analyse import kendall_tau_b, load_bench, spearman

FIXED = ("cells.5.", "cells.11.", "lastact")
LOG2PIE = math.log(2 * math.pi * math.e)


def load(path):
    per = defaultdict(list)  # (index, input) -> layers
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            per[(int(r["index"]), r["input"])].append(r)
    return per


def binary_entropy(p):
    p = np.clip(p, 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    return np.where((p > 0) & (p < 1), h, 0.0)


def candidates(layers):
    """Candidate scores (higher = better as defined) from one pass's per-layer statistics; see docs/entropic-score.md."""
    b = np.array([float(l["bernoulli"]) for l in layers])
    g = np.array([float(l["gaussian"]) for l in layers])
    v = np.array([float(l["variance"]) for l in layers])
    c = np.array([float(l["constant"]) for l in layers])
    fixed = np.array([l["layer"].startswith(FIXED) for l in layers])
    gauss_info = 0.5 * (LOG2PIE + np.log(v + 1e-5)) - g  # pooled Gaussian entropy - mean element-wise entropy
    out = {
        "A_bern_sum": b.sum(), "A_bern_mean": b.mean(),
        "B_gauss_sum": g.sum(), "B_gauss_mean": g.mean(),
        "C_gauss_info_sum": gauss_info.sum(), "C_gauss_info_mean": gauss_info.mean(),
        "C_gauss_info_fixed5": gauss_info[fixed].sum(), "C_gauss_info_cells": gauss_info[~fixed].sum(),
        "C_gauss_info_last": gauss_info[-1],
        "live_layers": (1 - c).sum(),
    }
    if "on" in layers[0]:
        on = np.array([float(l["on"]) for l in layers])
        bern_info = binary_entropy(on) - b
        out["D_bern_info_sum"] = bern_info.sum()
        out["D_bern_info_mean"] = bern_info.mean()
    return out


if __name__ == "__main__":
    bench = load_bench()
    per = load(sys.argv[1])
    for inp in sorted({k[1] for k in per}):
        keys = sorted(k for k in per if k[1] == inp)
        idx = [k[0] for k in keys]
        acc = np.array([float(bench[i]["cifar10_test_acc"]) for i in idx])
        cand = [candidates(per[k]) for k in keys]
        print(f"input {inp}: {len(idx)} architectures")
        for name in cand[0]:
            x = np.array([c[name] for c in cand])
            print(f"  {name:14s} spearman {spearman(x, acc):.4f}" + (f"  kendall {kendall_tau_b(x, acc):.4f}" if len(sys.argv) > 2 else ""))
