#!/usr/bin/env python3
"""Writes the PyTorch parity fixture of fisher, Zen-score and ZiCo, and of grad_norm/snip in float32 and float64
(tests/NasPS.Tests/Fixtures/proxies/zc_proxy_parity.json). A sibling of proxy_fixtures.py: the same NB201 cells,
the same counter-based weights (fill_weights) and the same CIFAR-10 test images, imported from there.

Run with Debian's PyTorch: /usr/bin/python3 tests/reference/zc_proxy_fixtures.py   (CI never runs it.)

* fisher (spec 3.6, zero-cost-nas): train mode, cross-entropy on the first B labels; per conv/linear output activation a
  and channel k, 0.5 * mean_n(sum_spatial a * dloss/da)^2, broadcast to the channel's weights (zero-cost-nas
  reshape_elements) and summed, i.e. weighted by the number of weights per output channel; layers without a gradient 0.
* grad_norm and snip (spec 3.6) in float32 and, on the same float32 weights widened, in float64: separates rounding
  from a difference of definition.
* Zen-score (spec 3.7): two repeats on one network (BN running statistics carried over), inputs x and epsilon of
  unit variance from the counter-based generator under the names "zen.x.R" and "zen.epsilon.R" (R = 0, 1).
* ZiCo (spec 3.8): two batches, images 0..B-1 and B..2B-1 of the file with their labels.
Every network starts from fill_weights (running statistics 0 / 1). The file is rewritten after each cell.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from engine_fixtures import TinyNetwork  # noqa: E402
from proxy_fixtures import (ARCHS, DATA, NASWOT_BATCH, cifar10_batch, cifar10_labels, finite_or_text, fill_weights,  # noqa: E402
                            fnv1a64, gradient_measures, uniform_stream)

OUT = os.path.join(HERE, "..", "NasPS.Tests", "Fixtures", "proxies", "zc_proxy_parity.json")
BATCH = NASWOT_BATCH
ZEN_BATCH = 16


def fisher(net, x, labels):
    net.train()
    net.zero_grad()
    acts = []

    def hook(module, inputs, output):
        output.retain_grad()
        acts.append((module, output))

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    nn.functional.cross_entropy(net(x), labels).backward()
    for h in handles:
        h.remove()
    total = 0.0
    for module, output in acts:
        if output.grad is None:
            continue
        a, g = output.detach().double(), output.grad.double()
        g_nk = (a * g).sum(dim=[2, 3]) if a.dim() == 4 else a * g
        total += float(g_nk.pow(2).mean(0).mul(0.5).sum()) * module.weight[0].numel()
    net.zero_grad()
    return total


def pre_gap_features(net, x):
    features = []
    handle = net.global_pooling.register_forward_hook(lambda m, i, o: features.append(i[0]))
    net(x)
    handle.remove()
    return features[0]


def zen(net, x, epsilon):
    net.train()
    with torch.no_grad():
        f = pre_gap_features(net, x)
        f_mixed = pre_gap_features(net, x + 0.01 * epsilon)
        delta = float(torch.sum(torch.abs(f.double() - f_mixed.double())) / x.size(0))
        score = math.log(delta) if delta > 0 else float("-inf")
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                score += 0.5 * math.log(float(m.running_var.double().mean()))
    return score


def zico(net, batches):
    net.train()
    grads = {}
    for x, labels in batches:
        net.zero_grad()
        nn.functional.cross_entropy(net(x), labels).backward()
        for name, m in net.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                g = m.weight.grad
                grads.setdefault(name, []).append(np.zeros(m.weight.numel()) if g is None else g.reshape(-1).double().numpy().copy())  # copy: zero_grad clears in place
    net.zero_grad()
    score = 0.0
    for per_batch in grads.values():
        g = np.array(per_batch)
        std = np.std(g, axis=0)
        nz = np.nonzero(std)[0]
        layer = float(np.sum(np.mean(np.abs(g), axis=0)[nz] / std[nz]))
        if layer != 0:
            score += math.log(layer)
    return score


def unit_variance(name, seed, shape):
    u = uniform_stream(fnv1a64(name) ^ seed, int(np.prod(shape)))
    return torch.from_numpy(((2 * u - 1) * math.sqrt(3.0)).astype(np.float32)).view(*shape)


def main():
    torch.set_num_threads(2)
    lines = open(os.path.join(DATA, "nb201", "index_to_arch.txt")).read().splitlines()
    x2, labels2 = cifar10_batch(2 * BATCH), cifar10_labels(2 * BATCH)
    x, labels = x2[:BATCH], labels2[:BATCH]
    cases = []
    for index in ARCHS:
        arch = lines[index]
        ops = [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]
        arch_seed = 1000003 * (index + 1)

        def fresh():
            net = TinyNetwork(ops, 10)
            fill_weights(net, arch_seed)
            return net

        case = {"index": index, "arch": arch, "arch_seed": arch_seed}
        case["grad_norm"], case["snip"], _ = gradient_measures(fresh(), x, labels, with_jacob_cov=False)
        case["grad_norm_f64"], case["snip_f64"], _ = gradient_measures(fresh().double(), x.double(), labels, with_jacob_cov=False)
        case["fisher"] = fisher(fresh(), x, labels)
        zen_net = fresh()
        case["zen"] = [zen(zen_net, unit_variance(f"zen.x.{r}", arch_seed, (ZEN_BATCH, 3, 32, 32)),
                           unit_variance(f"zen.epsilon.{r}", arch_seed, (ZEN_BATCH, 3, 32, 32))) for r in range(2)]
        case["zico"] = zico(fresh(), [(x2[:BATCH], labels2[:BATCH]), (x2[BATCH:], labels2[BATCH:])])
        cases.append(case)
        print(index, case, flush=True)
        fixture = {"generator": "tests/reference/zc_proxy_fixtures.py", "torch": torch.__version__,
                   "batch": BATCH, "zen_batch": ZEN_BATCH, "cases": cases}
        with open(OUT, "w") as f:
            json.dump(finite_or_text(fixture), f, indent=1, allow_nan=False)


if __name__ == "__main__":
    main()
