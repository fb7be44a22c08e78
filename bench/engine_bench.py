#!/usr/bin/env python3
"""PyTorch side of bench/EngineBench: forward time of the same NAS-Bench-201 network (all nor_conv_3x3, C=16, N=5,
CIFAR-10 head), train mode, no grad. Usage: /usr/bin/python3 bench/engine_bench.py [batch=64] [threads=2] [repeats=5]"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
from engine_fixtures import TinyNetwork, parse_arch, CELLS  # noqa: E402

batch = int(sys.argv[1]) if len(sys.argv) > 1 else 64
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
torch.set_num_threads(threads)
torch.manual_seed(1)
net = TinyNetwork(parse_arch(CELLS["conv3x3"]), 10).train()
x = torch.randn(batch, 3, 32, 32)
wall, cpu = [], []
with torch.no_grad():
    for r in range(repeats + 1):
        t, c = time.perf_counter(), time.process_time()
        net(x)
        if r > 0:
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
wall.sort()
cpu.sort()
print(f"pytorch {torch.__version__} forward (no grad): wall median {wall[len(wall) // 2]:.1f} ms (min {wall[0]:.1f}), "
      f"cpu median {cpu[len(cpu) // 2]:.1f} ms (min {cpu[0]:.1f}) over {len(wall)} runs, batch {batch}, threads {threads}")
