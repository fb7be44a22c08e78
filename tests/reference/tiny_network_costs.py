"""Parameter and FLOP counts of the NAS-Bench-201 / NATS-SSS networks, measured on the official PyTorch modules.

Writes tests/NasPS.Tests/Fixtures/spaces/tiny_network_costs.csv, read by TinyNetworkCostFixtureTests: NB201 cells on
TinyNetwork(C=16, N=5), NATS-SSS configurations and random cells on random 5-entry widths (every operation with
C_in != C_out) on DynamicShapeTinyNet. Parameters = sum of numel over trainable parameters; FLOPs = forward hooks
on Conv2d (k*k*Cin*Cout*Hout*Wout, no bias) and Linear (in*out + out): the NAS-Bench-201 counting rule.

Needs PyTorch and AutoDL-Projects' model files (D-X-Y/AutoDL-Projects, commit f46486e21b71ae6459a700be720d7648b5429569):
xautodl/models/cell_operations.py, cell_infers/cells.py, cell_infers/tiny_network.py and
shape_infers/InferTinyCellNet.py, importable as `xautodl.models....` (empty __init__.py files suffice).
Run: PYTHONPATH=/path/with/xautodl /usr/bin/python3 tests/reference/tiny_network_costs.py
"""
import csv
import os
import random

import torch
import torch.nn as nn
from xautodl.models.cell_infers.tiny_network import TinyNetwork
from xautodl.models.shape_infers.InferTinyCellNet import DynamicShapeTinyNet

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
NB201_CHANNELS = [16] * 5 + [32] * 6 + [64] * 6


class Genotype:
    """What InferCell reads of AutoDL's CellStructure: len() = nodes + 1, item k = node k+1's (op, source) pairs."""

    def __init__(self, ops):
        self.nodes = [((ops[0], 0),), ((ops[1], 0), (ops[2], 1)), ((ops[3], 0), (ops[4], 1), (ops[5], 2))]

    def __len__(self):
        return len(self.nodes) + 1

    def __getitem__(self, index):
        return self.nodes[index]


def count(model, resolution):
    flops = [0]

    def conv_hook(m, inp, out):
        assert m.groups == 1 and m.bias is None
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
    nb201 = [fixed, ["avg_pool_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_1x1", "skip_connect", "skip_connect"]]
    nb201 += [[rng.choice(OPS) for _ in range(6)] for _ in range(4)]
    cases = [(NB201_CHANNELS, ops) for ops in nb201]
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
                measured = count(DynamicShapeTinyNet(channels, Genotype(ops), classes), resolution)
                if channels == NB201_CHANNELS:  # the benchmark's own class must agree
                    assert measured == count(TinyNetwork(16, 5, Genotype(ops), classes), resolution), cell
                w.writerow([":".join(map(str, channels)), cell, name, measured[0], measured[1]])


if __name__ == "__main__":
    main()
