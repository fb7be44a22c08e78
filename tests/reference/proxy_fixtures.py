#!/usr/bin/env python3
"""Writes the PyTorch parity fixture of the NasPS proxies (tests/NasPS.Tests/Fixtures/proxies/proxy_parity.json).

Run with Debian's PyTorch: /usr/bin/python3 tests/reference/proxy_fixtures.py   (CI never runs it.)

Both sides score identical weights without shipping weight files: every tensor is filled by a counter-based generator
that NasPS re-implements in its tests (ParityWeights.cs):
    seed_t = fnv1a64(tensor name, UTF-16 code units) XOR arch_seed
    u_i    = (splitmix64(seed_t + (i + 1) * 0x9E3779B97F4A7C15) >> 11) * 2^-53          i = 0..n-1, row-major
    w_i    = float32((2 u_i - 1) * sqrt(3) * std),  std = sqrt(2 / fan_out)   (uniform with kaiming-normal fan_out's variance)
Conv and linear weights only; linear bias 0; BN gamma 1, beta 0, running stats 0/1 (FreeREA's init apart from the
distribution). The NB201 network is written here from the NasPS spec (section 1.1-1.2, names as 1.7), not imported.
Inputs for NASWOT/SWAP: the first B images of ../shared/data/cifar10/test_batch_first1017.bin, /255, CIFAR-10
normalisation (spec 3.9), in float32 with the same operation order as NasPS (x - mean) * (1 / std).
Reference definitions: LogSynflow/Synflow spec 3.1 (float64, BN bypassed, |state|, all-ones input, R = sum of logits);
NASWOT spec 3.3 (K exact in integers, ln|det K| exact via Bareiss, -inf when singular; hooks: nn.ReLU outputs, and the
official filter: every module whose type name contains "ReLU", inputs); SWAP spec 3.5 (distinct S-bit patterns of
nn.ReLU outputs); grad_norm, snip (cross-entropy on the first B labels) and jacob_cov spec 3.6, train mode.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "NasPS.Tests", "Fixtures", "proxies", "proxy_parity.json")
DATA = os.environ.get("NASPS_SHARED_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
NASWOT_BATCH = 32
SWAP_SAMPLES = 16
ARCHS = [1651, 1835, 1462, 0, 9, 6111, 9930, 857]  # all-none, all-skip, all-conv3x3, then mixed cells


# ------------------------------------------------------------------------------------------------ network (spec 1.1-1.2)
# One PyTorch NB201 network for every reference script: the one written from the spec in engine_fixtures.py.

sys.path.insert(0, HERE)
from engine_fixtures import TinyNetwork  # noqa: E402


# ------------------------------------------------------------------------------------------------ shared weights

def fnv1a64(text):
    h = 14695981039346656037
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= int.from_bytes(data[i:i + 2], "little")
        h = (h * 1099511628211) & M64
    return h


def uniform_stream(seed, n):
    with np.errstate(over="ignore"):
        x = (np.uint64(seed) + (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(GOLDEN)))
        z = x
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def fill_weights(net, arch_seed):
    checksums = {}
    with torch.no_grad():
        for name, m in net.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                w = m.weight
                fan_out = w.shape[0] * (int(np.prod(w.shape[2:])) if w.dim() > 2 else 1)
                std = math.sqrt(2.0 / fan_out)
                u = uniform_stream(fnv1a64(name + ".weight") ^ arch_seed, w.numel())
                w.copy_(torch.from_numpy(((2 * u - 1) * math.sqrt(3.0) * std).astype(np.float32)).view(w.shape))
                if m.bias is not None:
                    m.bias.zero_()
                checksums[name + ".weight"] = float(w.double().abs().sum())
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.fill_(1.0)
                m.bias.zero_()
                m.running_mean.zero_()
                m.running_var.fill_(1.0)
    return checksums


# ------------------------------------------------------------------------------------------------ proxies

def synflow_terms(net, resolution):
    net = net.double()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.forward = lambda x: x
    with torch.no_grad():
        for v in net.state_dict().values():
            if v.is_floating_point():
                v.abs_()
    net.zero_grad()
    out = net(torch.ones(1, 3, resolution, resolution, dtype=torch.float64))
    torch.sum(out).backward()
    log1p = log_eps = plain = 0.0
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.weight.grad is not None:
            w, g = m.weight, m.weight.grad
            log1p += float(torch.sum(torch.abs(w * torch.log1p(g))))
            log_eps += float(torch.sum(torch.abs(w * torch.log(g + 1e-6))))
            plain += float(torch.sum(torch.abs(w * g)))
    return log1p, log_eps, plain


def cifar10_batch(count):
    raw = np.fromfile(os.path.join(DATA, "cifar10", "test_batch_first1017.bin"), dtype=np.uint8, count=count * 3073)
    pixels = raw.reshape(count, 3073)[:, 1:].astype(np.float32) / np.float32(255)
    pixels = pixels.reshape(count, 3, 32, 32)
    mean = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
    inv_std = np.float32(1) / np.array([0.2023, 0.1994, 0.2010], dtype=np.float32)
    return torch.from_numpy(((pixels - mean[None, :, None, None]) * inv_std[None, :, None, None]).astype(np.float32))


def cifar10_labels(count):
    raw = np.fromfile(os.path.join(DATA, "cifar10", "test_batch_first1017.bin"), dtype=np.uint8, count=count * 3073)
    return torch.from_numpy(raw.reshape(count, 3073)[:, 0].astype(np.int64))


def gradient_measures(net, x, labels, with_jacob_cov=True):
    """zero-cost-nas grad_norm, snip (spec 3.6) with cross-entropy on the labels, and jacob_cov; train mode."""
    net.train()
    net.zero_grad()
    nn.functional.cross_entropy(net(x), labels).backward()
    grad_norm = snip = 0.0
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.weight.grad is not None:
            grad_norm += float(m.weight.grad.double().norm())
            snip += float((m.weight.double() * m.weight.grad.double()).abs().sum())
    net.zero_grad()
    if not with_jacob_cov:
        return grad_norm, snip, None
    xg = x.clone().requires_grad_(True)
    y = net(xg)
    y.backward(torch.ones_like(y))
    net.zero_grad()
    jac = xg.grad.reshape(x.size(0), -1).double().numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(jac)
    if not np.all(np.isfinite(corr)):
        jacob_cov = float("nan")
    else:
        eig = np.linalg.eigvalsh(corr)
        jacob_cov = float(-np.sum(np.log(eig + 1e-5) + 1.0 / (eig + 1e-5)))
    return grad_norm, snip, jacob_cov


def bareiss_log_abs_det(k):
    """Exact determinant of an integer matrix (fraction-free elimination); ln|det| or -inf."""
    a = [[int(v) for v in row] for row in k]
    n, sign, prev = len(a), 1, 1
    for i in range(n - 1):
        if a[i][i] == 0:
            swap = next((r for r in range(i + 1, n) if a[r][i] != 0), None)
            if swap is None:
                return float("-inf")
            a[i], a[swap] = a[swap], a[i]
            sign = -sign
        for r in range(i + 1, n):
            for c in range(i + 1, n):
                a[r][c] = (a[r][c] * a[i][i] - a[r][i] * a[i][c]) // prev
        prev = a[i][i]
    det = sign * a[n - 1][n - 1]
    return float("-inf") if det == 0 else math.log(abs(det))


def naswot(net, x, official):
    codes = []

    def hook(module, inputs, output):
        t = inputs[0] if official else output
        if t.dim() == 4:
            codes.append((t.detach().reshape(t.size(0), -1) > 0).numpy())

    handles = [m.register_forward_hook(hook) for m in net.modules()
               if ("ReLU" in type(m).__name__ if official else isinstance(m, nn.ReLU))]
    net.train()
    with torch.no_grad():
        net(x)
    for h in handles:
        h.remove()
    c = np.concatenate(codes, axis=1).astype(np.int64)
    k = c @ c.T + (1 - c) @ (1 - c).T
    return bareiss_log_abs_det(k), int(c.shape[1]), k


def swap(net, x):
    patterns = set()
    units = [0]

    def hook(module, inputs, output):
        if inputs[0].dim() == 4:
            bits = (output.detach().reshape(output.size(0), -1) > 0).numpy().astype(np.uint64)
            weights = (np.uint64(1) << np.arange(bits.shape[0], dtype=np.uint64))[:, None]
            patterns.update(np.unique((bits * weights).sum(axis=0)).tolist())
            units[0] += bits.shape[1]

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.ReLU)]
    net.train()
    with torch.no_grad():
        net(x)
    for h in handles:
        h.remove()
    return len(patterns), units[0]


def main():
    torch.set_num_threads(2)
    lines = open(os.path.join(DATA, "nb201", "index_to_arch.txt")).read().splitlines()
    cases = []
    for index in ARCHS:
        arch = lines[index]
        ops = [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]
        arch_seed = 1000003 * (index + 1)
        case = {"index": index, "arch": arch, "arch_seed": arch_seed}
        net = TinyNetwork(ops, 10)
        checks = fill_weights(net, arch_seed)
        case["weight_abs_sums"] = {k: v for k, v in checks.items() if k in ("stem.0.weight", "cells.5.conv_a.op.1.weight", "classifier.weight")}
        x = cifar10_batch(NASWOT_BATCH)
        case["naswot_relu_outputs"], case["naswot_units"], k = naswot(net, x, official=False)
        case["naswot_kernel_00_01"] = [int(k[0, 0]), int(k[0, 1])]
        case["naswot_official_filter"], case["naswot_official_units"], _ = naswot(net, x, official=True)
        case["swap"], case["swap_units"] = swap(net, x[:SWAP_SAMPLES])
        case["grad_norm"], case["snip"], case["jacob_cov"] = gradient_measures(net, x, cifar10_labels(NASWOT_BATCH))
        case["logsynflow"], case["logsynflow_eps"], case["synflow"] = synflow_terms(net, 32)
        cases.append(case)
        print(index, case["logsynflow"], case["naswot_relu_outputs"], case["swap"])
    fixture = {
        "generator": "tests/reference/proxy_fixtures.py",
        "torch": torch.__version__,
        "naswot_batch": NASWOT_BATCH,
        "swap_samples": SWAP_SAMPLES,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(finite_or_text(fixture), f, indent=1, allow_nan=False)


def finite_or_text(value):
    """Strict JSON has no infinities: write them as the strings "-inf" / "inf"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "-inf" if value < 0 else ("inf" if value > 0 else "nan")
    if isinstance(value, dict):
        return {k: finite_or_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_or_text(v) for v in value]
    return value


if __name__ == "__main__":
    main()
