#!/usr/bin/env python3
"""PyTorch side of the NasPS proxy timing bench (bench/proxies/NasPS.ProxyBench `timing`): a worker that reads
"<proxy> <architecture string>" lines and answers "<seconds> <value>", timing the same protocol as NasPS:
  logsynflow: build the NB201 network, 3 x (kaiming-normal fan_out init, float64, BN bypassed, |state|, ones input,
              backward of the summed logits, sum |W * log1p(g)| over conv/linear weights)
  synflow1:   the same with one init and Sigma |W * g| (Synflow as zero-cost-nas runs it: one evaluation)
  naswot:     build, 3 x (kaiming init, train-mode forward of 64 images without gradients, ReLU-output codes,
              K = C C^T + (1-C)(1-C)^T in float32 as FreeREA, slogdet)
  swap:       build, 32 x (N(0,1) conv/linear weights, BN 1/0, train-mode forward of 16 images, distinct unit patterns)
Images: the first 64 CIFAR-10 test images of the shared data, CIFAR-10 normalisation (no augmentation: it does not
change the cost). Run it the way the bench does:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=2 /usr/bin/python3 bench/proxies/proxy_timing_worker.py
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from proxy_fixtures import TinyNetwork, cifar10_batch  # noqa: E402  (the spec-written NB201 network of the fixtures)


def ops_of(arch):
    return [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]


def init(net, normal):
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if normal:
                nn.init.normal_(m.weight)
            else:
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def logsynflow(arch, _, inits=3, term=torch.log1p):
    net = TinyNetwork(ops_of(arch), 10)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.forward = lambda x: x
    total = 0.0
    for _ in range(inits):
        init(net, normal=False)
        dnet = net.double()
        with torch.no_grad():
            for v in dnet.state_dict().values():
                if v.is_floating_point():
                    v.abs_()
        dnet.zero_grad()
        torch.sum(dnet(torch.ones(1, 3, 32, 32, dtype=torch.float64))).backward()
        for m in dnet.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)) and m.weight.grad is not None:
                total += float(torch.sum(torch.abs(m.weight * term(m.weight.grad))))
        net = dnet.float()
    return total / inits


def synflow1(arch, images):
    """Synflow with one initialisation (Σ|W ⊙ ∂R/∂W|): `nasps score --proxy synflow --inits 1`."""
    return logsynflow(arch, images, inits=1, term=lambda g: g)


def naswot(arch, images):
    net = TinyNetwork(ops_of(arch), 10).train()
    codes = []
    for m in net.modules():
        if isinstance(m, nn.ReLU):
            m.register_forward_hook(lambda mod, i, o: codes.append((o.view(o.size(0), -1) > 0).float()))
    total = 0.0
    for _ in range(3):
        init(net, normal=False)
        codes.clear()
        with torch.no_grad():
            net(images)
            c = torch.cat(codes, dim=1)
            k = c @ c.t() + (1 - c) @ (1 - c).t()
            total += float(torch.slogdet(k)[1])
    return total / 3


def swap(arch, images):
    net = TinyNetwork(ops_of(arch), 10).train()
    x = images[:16]
    outputs = []
    for m in net.modules():
        if isinstance(m, nn.ReLU):
            m.register_forward_hook(lambda mod, i, o: outputs.append(o.view(o.size(0), -1)) if i[0].dim() == 4 else None)
    weights = (2 ** torch.arange(16, dtype=torch.int64))[:, None]
    total = 0.0
    for _ in range(32):
        init(net, normal=True)
        outputs.clear()
        with torch.no_grad():
            net(x)
            a = torch.cat(outputs, dim=1)
            patterns = ((a > 0).to(torch.int64) * weights).sum(dim=0)
            total += float(torch.unique(patterns).numel())
    return total / 32


def main():
    torch.set_num_threads(2)
    torch.manual_seed(3)
    images = cifar10_batch(64)
    proxies = {"logsynflow": logsynflow, "synflow1": synflow1, "naswot": naswot, "swap": swap}
    for line in sys.stdin:
        name, arch = line.split()
        start = time.perf_counter()
        value = proxies[name](arch, images)
        print(f"{time.perf_counter() - start:.6f} {value:.10g}", flush=True)


if __name__ == "__main__":
    main()
