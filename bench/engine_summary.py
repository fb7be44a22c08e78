#!/usr/bin/env python3
"""Medians of the RESULT lines written by bench/run_engine_compare.sh, and NasPS's time as a fraction of PyTorch's
(wall clock, and process CPU time, the steadier measure on a shared machine). Usage: engine_summary.py LOG"""
import re
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"RESULT (\w+) (\S+) batch=(\d+) threads=(\d+) wall_ms=([\d.]+) cpu_ms=([\d.]+)", line)
    if m:
        runs.setdefault((m[2], m[1]), []).append((float(m[5]), float(m[6])))
print("| network | runs | PyTorch wall ms | NasPS wall ms | wall ratio | PyTorch CPU ms | NasPS CPU ms | CPU ratio |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for cell in sorted({c for c, _ in runs}):
    theirs, ours = runs.get((cell, "pytorch"), []), runs.get((cell, "nasps"), [])
    if not theirs or not ours:
        continue
    tw, ow = statistics.median(w for w, _ in theirs), statistics.median(w for w, _ in ours)
    tc, oc = statistics.median(c for _, c in theirs), statistics.median(c for _, c in ours)
    print(f"| {cell} | {len(ours)}+{len(theirs)} | {tw:.1f} | {ow:.1f} | {ow / tw:.2f} | {tc:.1f} | {oc:.1f} | {oc / tc:.2f} |")
