"""Seed stability of the frozen definition: the same official indices scored with several seeds (Program.cs `score ...
<seed>`); CIFAR-10 correlation per seed, between seeds, and of the mean over seeds."""
import sys

import numpy as np

from analyse import kendall_tau_b, load_bench, load_scores, spearman

bench = load_bench()
runs = {}
for path in sys.argv[1:]:
    idx, cols = load_scores(path)
    order = np.argsort(idx)
    runs[path] = (idx[order], cols["entropic"][order])
common = sorted(set.intersection(*(set(i.tolist()) for i, _ in runs.values())))
scores = []
for path, (idx, s) in runs.items():
    pos = {int(i): k for k, i in enumerate(idx)}
    scores.append(np.array([s[pos[i]] for i in common]))
acc = np.array([float(bench[i]["cifar10_test_acc"]) for i in common])
print(f"{len(common)} architectures (official indices {min(common)}..{max(common)}), CIFAR-10")
for path, s in zip(runs, scores):
    print(f"  {path:40s} spearman {spearman(s, acc):.4f}  kendall {kendall_tau_b(s, acc):.4f}")
for a in range(len(scores)):
    for b in range(a + 1, len(scores)):
        print(f"  seed runs {a} vs {b}: spearman {spearman(scores[a], scores[b]):.4f}")
mean = np.mean(scores, axis=0)
print(f"  mean over {len(scores)} seeds: spearman {spearman(mean, acc):.4f}  kendall {kendall_tau_b(mean, acc):.4f}")
