"""Reference parameter and FLOP counts of the NAS-Bench-201 / NATS-SSS tiny network, measured on real PyTorch modules.

Writes tests/NasPS.Tests/Fixtures/spaces/tiny_network_costs.csv, read by TinyNetworkCostFixtureTests.
The network is written here from the structure of AutoDL-Projects' DynamicShapeTinyNet, InferCell and
cell_operations (see core/Spaces/NasBench201/TinyNetworkLayout.cs); the counts come from the modules themselves:
parameters = sum of numel over trainable parameters; FLOPs = forward hooks on Conv2d (k*k*Cin*Cout*Hout*Wout,
groups 1, no bias) and Linear (in*out + out), the NAS-Bench-201 counting rule.

Run: /usr/bin/python3 tests/reference/tiny_network_costs.py   (PyTorch CPU; CI does not need it)
"""
import csv
import os
import random

import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def relu_conv_bn(cin, cout, k, stride, pad):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout))


class Zero(nn.Module):
    def __init__(self, cout):
        super().__init__()
        self.cout = cout

    def forward(self, x):
        shape = list(x.shape)
        shape[1] = self.cout
        return x.new_zeros(shape)


def edge_op(name, cin, cout):
    if name == "none":
        return Zero(cout)
    if name == "nor_conv_3x3":
        return relu_conv_bn(cin, cout, 3, 1, 1)
    if name == "nor_conv_1x1":
        return relu_conv_bn(cin, cout, 1, 1, 0)
    if name == "skip_connect":  # FactorizedReduce at stride 1: conv 1x1 -> BN, no ReLU
        return nn.Identity() if cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
    if name == "avg_pool_3x3":
        pool = nn.AvgPool2d(3, 1, 1, count_include_pad=False)
        return pool if cin == cout else nn.Sequential(relu_conv_bn(cin, cout, 1, 1, 0), pool)
    raise ValueError(name)


class Cell(nn.Module):
    EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]

    def __init__(self, ops, cin, cout):
        super().__init__()
        self.layers = nn.ModuleList(edge_op(op, cin if src == 0 else cout, cout) for op, (_, src) in zip(ops, self.EDGES))

    def forward(self, x):
        nodes = [x]
        for j in (1, 2, 3):
            nodes.append(sum(self.layers[k](nodes[src]) for k, (dst, src) in enumerate(self.EDGES) if dst == j))
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = relu_conv_bn(cin, cout, 3, 2, 1)
        self.b = relu_conv_bn(cout, cout, 3, 1, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


class TinyNet(nn.Module):
    def __init__(self, channels, ops, classes):
        super().__init__()
        n = len(channels) // 3
        self.stem = nn.Sequential(nn.Conv2d(3, channels[0], 3, 1, 1, bias=False), nn.BatchNorm2d(channels[0]))
        layers, prev = [], channels[0]
        for i, c in enumerate(channels):
            layers.append(Reduction(prev, c) if i in (n, 2 * n + 1) else Cell(ops, prev, c))
            prev = c
        self.layers = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.BatchNorm2d(prev), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(prev, classes))

    def forward(self, x):
        return self.head(self.layers(self.stem(x)))


def count(model, resolution):
    flops = [0]

    def conv_hook(m, inp, out):
        flops[0] += m.kernel_size[0] * m.kernel_size[1] * m.in_channels * m.out_channels * out.shape[2] * out.shape[3]

    def linear_hook(m, inp, out):
        flops[0] += m.in_features * m.out_features + m.out_features

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, resolution, resolution))
    return sum(p.numel() for p in model.parameters() if p.requires_grad), flops[0]


def main():
    rng = random.Random(2026)
    fixed = ["nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3", "skip_connect", "nor_conv_3x3", "nor_conv_3x3"]
    cases = [([16] * 5 + [32] * 6 + [64] * 6, ops) for ops in (fixed, ["avg_pool_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_1x1", "skip_connect", "skip_connect"])]
    cases += [([8] * 5, fixed), ([64] * 5, fixed), ([8, 8, 16, 40, 40], fixed)]
    for _ in range(12):  # random widths with random cells: exercises every op with C_in != C_out
        cases.append(([rng.choice(range(8, 65, 8)) for _ in range(5)], [rng.choice(OPS) for _ in range(6)]))
    datasets = [("cifar10", 10, 32), ("cifar100", 100, 32), ("imagenet16", 120, 16)]
    out = os.path.join(os.path.dirname(__file__), "..", "NasPS.Tests", "Fixtures", "spaces", "tiny_network_costs.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["channels", "cell", "dataset", "params", "flops"])
        for channels, ops in cases:
            cell = "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*ops)
            for name, classes, resolution in datasets:
                params, flops = count(TinyNet(channels, ops, classes), resolution)
                w.writerow([":".join(map(str, channels)), cell, name, params, flops])


if __name__ == "__main__":
    main()
