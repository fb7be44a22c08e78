#!/usr/bin/env python3
"""PyTorch's conv2d rates on the shapes of bench/conv_shapes.csv, timed exactly as the NasPS harness times its own
kernels (bench/NasPS.Bench): two warm-up calls, then samples of back-to-back calls lasting >= 20 ms each, median
per call of both the wall clock and the process CPU time. CPU-time GFLOP/s = flops * threads / CPU seconds (the
rate with the cores to ourselves; the machine is shared). Writes bench/results/pytorch_conv_{fp32,fp64}.local.csv (ignored by git), which
the NasPS harness reads to print ratios.

Run PyTorch at its best:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=2 \
    /usr/bin/python3 bench/pytorch_conv_bench.py [--double] [--threads 2] [--filter TEXT] [--ops fwd,bwd_input,bwd_weight]
"""
import argparse
import csv
import math
import os
import statistics
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def median_seconds(call, samples):
    call()
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-6)
    inner = max(1, math.ceil(0.02 / once))
    wall, cpu = [], []
    for _ in range(samples):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(inner):
            call()
        wall.append((time.perf_counter() - w0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    return statistics.median(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--double", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--filter")
    parser.add_argument("--ops", default="fwd,bwd_input,bwd_weight")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dtype = torch.float64 if args.double else torch.float32
    precision = "fp64" if args.double else "fp32"
    print(f"# torch {torch.__version__}, mkldnn {torch.backends.mkldnn.is_available()}, {torch.get_num_threads()} thread(s), {precision}")
    rows = [("name", "op", "wall_seconds", "cpu_seconds", "wall_gflops", "gflops")]
    print("| shape | op | wall ms | wall GFLOP/s | CPU-time GFLOP/s |")
    print("|---|---|---:|---:|---:|")
    with open(os.path.join(HERE, "conv_shapes.csv"), newline="", encoding="utf-8") as f:
        shapes = list(csv.DictReader(f))
    with torch.no_grad():
        for shape in shapes:
            name = shape["name"]
            if args.filter and args.filter.lower() not in name.lower():
                continue
            n, cin, h, w, cout, k, stride, pad, samples = (int(shape[c]) for c in
                                                           ("n", "cin", "h", "w", "cout", "k", "stride", "pad", "samples"))
            x = torch.randn(n, cin, h, w, dtype=dtype)
            weight = torch.randn(cout, cin, k, k, dtype=dtype)
            y = torch.nn.functional.conv2d(x, weight, None, stride, pad)
            dy = torch.randn_like(y)
            macs = n * cout * y.shape[2] * y.shape[3] * cin * k * k
            calls = {
                "fwd": lambda: torch.nn.functional.conv2d(x, weight, None, stride, pad),
                "bwd_input": lambda: torch.ops.aten.convolution_backward(
                    dy, x, weight, None, [stride, stride], [pad, pad], [1, 1], False, [0, 0], 1, [True, False, False]),
                "bwd_weight": lambda: torch.ops.aten.convolution_backward(
                    dy, x, weight, None, [stride, stride], [pad, pad], [1, 1], False, [0, 0], 1, [False, True, False]),
            }
            for op in args.ops.split(","):
                wall, cpu = median_seconds(calls[op], samples)
                wall_gflops = 2 * macs / wall / 1e9
                gflops = 2 * macs * args.threads / cpu / 1e9
                rows.append((name, op, f"{wall:.6g}", f"{cpu:.6g}", f"{wall_gflops:.2f}", f"{gflops:.2f}"))
                print(f"| {name} | {op} | {wall * 1e3:.3f} | {wall_gflops:.1f} | {gflops:.1f} |", flush=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", f"pytorch_conv_{precision}.local.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


if __name__ == "__main__":
    main()
