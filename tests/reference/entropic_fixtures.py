"""PyTorch reference for NasPS's entropic score (docs/entropic-score.md).

Writes tests/NasPS.Tests/Fixtures/entropic/: for a few NAS-Bench-201 cells on a reduced network (C = 4, N = 2: the same
structure and module names as the benchmark network, small files), the weights (Kaiming-normal fan_out convs, seeded),
one Gaussian-noise input batch, and the per-ReLU entropy statistics of one train-mode forward pass computed here
independently in float64. Run with the system interpreter that has torch: /usr/bin/python3 tests/reference/entropic_fixtures.py
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_fixtures import TinyNetwork, parse_arch, save_safetensors  # noqa: E402  (the spec's network, shared)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NasPS.Tests", "Fixtures", "entropic")
EPSILON = 1e-5
CHANNELS, CELLS, BATCH, SIDE = 4, 2, 8, 8

ARCHS = {
    "none": "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    "skip": "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
    "conv3x3": "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "mixed": "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
    "pool": "|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|",
}


def layer_statistics(x):
    """Per-element statistics across the batch of one ReLU output [B, ...], in float64."""
    b = x.shape[0]
    v = x.reshape(b, -1).double()
    p = (v > 0).double().mean(0)
    bern = torch.where((p > 0) & (p < 1), -(p * torch.log(p) + (1 - p) * torch.log(1 - p)), torch.zeros_like(p))
    var = v.var(0, unbiased=False)
    gauss = 0.5 * torch.log(2 * math.pi * math.e * (var + EPSILON))
    return {
        "elements": v.shape[1],
        "bernoulli": bern.mean().item(),
        "gaussian": gauss.mean().item(),
        "constant": (var == 0).double().mean().item(),
        "variance": v.var(unbiased=False).item(),
        "on": (v > 0).double().mean().item(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(2026)
    noise = torch.randn(BATCH, 3, SIDE, SIDE, generator=gen, dtype=torch.float32)
    save_safetensors(os.path.join(OUT, "input.safetensors"), {"input": noise}, {"batch": str(BATCH), "side": str(SIDE)})
    expected = {"epsilon": EPSILON, "channels": CHANNELS, "cells_per_stage": CELLS, "archs": {}}
    for label, arch in ARCHS.items():
        torch.manual_seed(11)
        net = TinyNetwork(parse_arch(arch), classes=10, c=CHANNELS, n=CELLS)
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        save_safetensors(os.path.join(OUT, f"{label}_weights.safetensors"), net.state_dict(), {"arch": arch})
        net = net.double().train()
        layers = []
        hooks = [m.register_forward_hook(lambda mod, inp, out, name=name: layers.append({"name": name, **layer_statistics(out)}))
                 for name, m in net.named_modules() if isinstance(m, nn.ReLU)]
        with torch.no_grad():
            net(noise.double())
        for h in hooks:
            h.remove()
        expected["archs"][label] = {"arch": arch, "layers": layers}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
