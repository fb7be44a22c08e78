#!/usr/bin/env python3
"""PyTorch side of `bench/EngineBench forward`: forward time of the same NAS-Bench-201 network (C=16, N=5, CIFAR-10
head), train mode (batch statistics, as the proxies run it), no grad, one RESULT line per timed run.
Usage: /usr/bin/python3 bench/engine_bench.py [cell=conv3x3|skippool|ARCH] [batch=64] [threads=2] [repeats=5]"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
from engine_fixtures import TinyNetwork, parse_arch, CELLS  # noqa: E402

SKIP_POOL = "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|"
cell = sys.argv[1] if len(sys.argv) > 1 else "conv3x3"
arch = {"conv3x3": CELLS["conv3x3"], "skippool": SKIP_POOL}.get(cell, cell)
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 64
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
torch.set_num_threads(threads)
torch.manual_seed(1)
net = TinyNetwork(parse_arch(arch), 10).train()
x = torch.randn(batch, 3, 32, 32)
with torch.no_grad():
    for r in range(repeats + 1):
        t, c = time.perf_counter(), time.process_time()
        net(x)
        if r > 0:
            print(f"RESULT pytorch {cell} batch={batch} threads={threads} wall_ms={(time.perf_counter() - t) * 1000:.2f} "
                  f"cpu_ms={(time.process_time() - c) * 1000:.2f}")
