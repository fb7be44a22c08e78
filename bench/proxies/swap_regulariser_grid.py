#!/usr/bin/env python3
"""Chooses the regularised-SWAP parameters (mu, sigma; thousands of parameters) on CIFAR-10 only (spec 7.4).

Reads a `NasPS.ProxyBench score --swap-count N` CSV (columns swap, params) and nb201.csv, and prints the Spearman rho
of Psi * exp(-(Theta - mu)^2 / sigma) against cifar10_test_acc over a grid, best first.
Usage: /usr/bin/python3 bench/proxies/swap_regulariser_grid.py RESULTS.csv [/work/shared/data]
"""
import csv
import sys

import numpy as np


def ranks(x):
    order = np.argsort(x, kind="mergesort")
    r = np.empty(len(x))
    sx = np.asarray(x)[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(a, b):
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def main():
    data = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/data"
    acc = {int(r["index"]): float(r["cifar10_test_acc"]) for r in csv.DictReader(open(f"{data}/nb201/nb201.csv"))}
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["dataset"] == "cifar10" and r["swap"]]
    swap = np.array([float(r["swap"]) for r in rows])
    theta = np.array([float(r["params"]) / 1000 for r in rows])
    target = np.array([acc[int(r["index"])] for r in rows])
    print(f"n = {len(rows)}; rho(SWAP) = {spearman(swap, target):.4f}; rho(params) = {spearman(theta, target):.4f}")
    results = []
    for mu in [100, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000]:
        for sigma in [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7]:
            with np.errstate(invalid="ignore", divide="ignore"):
                rho = spearman(swap * np.exp(-(theta - mu) ** 2 / sigma), target)
            if np.isfinite(rho):  # a regulariser that underflows every score to 0 ranks nothing
                results.append((rho, mu, sigma))
    results.sort(reverse=True)
    for rho, mu, sigma in results[:10]:
        print(f"mu = {mu:6g}  sigma = {sigma:8g}  rho = {rho:.4f}")


if __name__ == "__main__":
    main()
