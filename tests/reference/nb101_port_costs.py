"""Parameter and FLOP counts of FreeREA's PyTorch NAS-Bench-101 network, measured on its own modules.

Writes tests/NasPS.Tests/Fixtures/spaces/nb101_port_costs.csv, read by NasBench101Tests: for every 10th cell of the
official-hash fixture (pruned matrices), the trainable parameters (sum of numel) and the MACs of every Conv2d
(k*k*Cin*Cout*Hout*Wout) and Linear (in*out + out) in one forward pass of a 32x32 image, 10 classes.

Needs PyTorch, numpy and FreeREA's files nas_spaces/_nasbench101/model.py and base_ops.py
(NiccoloCavagnero/FreeREA, commit 9c2a726cd3adf526c43ae52a515a8fc5ea927fe7) copied into a package `nb101port`
on PYTHONPATH (model.py imports `.base_ops`).
Run: PYTHONPATH=/path/with/nb101port /usr/bin/python3 tests/reference/nb101_port_costs.py
"""
import csv
import os
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn
from nb101port.model import Network

CONFIG = {"stem_out_channels": 128, "num_stacks": 3, "num_modules_per_stack": 3, "num_labels": 10}

here = os.path.dirname(__file__)
fixtures = os.path.join(here, "..", "NasPS.Tests", "Fixtures", "spaces")


def count(model):
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
        model(torch.zeros(1, 3, 32, 32))
    return sum(p.numel() for p in model.parameters() if p.requires_grad), flops[0]


with open(os.path.join(fixtures, "nb101_official_hashes.csv"), newline="") as f, \
        open(os.path.join(fixtures, "nb101_port_costs.csv"), "w", newline="") as g:
    out = csv.writer(g, lineterminator="\n")
    out.writerow(["row", "params", "flops"])
    for record in csv.DictReader(f):
        row = int(record["row"])
        if row % 10:
            continue
        n = int(record["pruned_vertices"])
        matrix = np.array([int(b) for b in record["pruned_adjacency_rowmajor"]], dtype=np.int64).reshape(n, n)
        spec = SimpleNamespace(matrix=matrix, ops=record["pruned_ops"].split("|"))
        params, flops = count(Network(spec, CONFIG))
        out.writerow([row, params, flops])
