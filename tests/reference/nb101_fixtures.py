#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures of the NAS-Bench-101 network and of the proxies on it
(tests/NasPS.Tests/Fixtures/nb101/).

Run with Debian's PyTorch: /usr/bin/python3 tests/reference/nb101_fixtures.py   (CI never runs it.)

The network is written here from the NasPS spec (section 2.1-2.2), with the module names of FreeREA's PyTorch port
(layers.0 = stem ConvBnRelu, layers.k = cells and the two MaxPool2d(2, 2), classifier), not imported from it. Weights
are not stored (a 128-channel network is megabytes): both sides fill them with the counter-based generator of
proxy_fixtures.py / ParityWeights.cs, keyed by tensor name, and the fixture keeps the per-tensor sum of |w| so a
mismatch of the generators is caught before anything else.

nb101_network.safetensors: the input (the first 4 CIFAR-10 test images, normalised as spec 3.9), and per case
"<label>/<dtype>/logits", "<label>/<dtype>/dlogits" (the upstream gradient) and "<label>/<dtype>/grad/<name>" for a few
small parameters, after one train-mode forward/backward in float32 and in float64 (float32 weights cast to float64).
nb101_parity.json: per case the architecture, the seed of its weights, the parameter count, sum |grad| of every
parameter in float64, and the proxy values (definitions as proxy_fixtures.py: LogSynflow/Synflow spec 3.1, NASWOT 3.3
with both hook filters, SWAP 3.5, grad_norm/snip/jacob_cov 3.6, the latter also in float64).
"""
import copy
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "NasPS.Tests", "Fixtures", "nb101")
sys.path.insert(0, HERE)
from engine_fixtures import save_safetensors  # noqa: E402
from proxy_fixtures import (cifar10_batch, cifar10_labels, fill_weights, finite_or_text, gradient_measures,  # noqa: E402
                            naswot, swap, synflow_terms)

NETWORK_BATCH = 4
PROXY_BATCH = 8
SWAP_SAMPLES = 16

# FreeREA's genotype form (spec 3.4): every vertex after the input lists its sources.
CASES = {
    # The input projected into every vertex and added to the output's concatenation: 4 projections, 9 edges.
    "projections": "input;conv1x1-bn-relu:0;conv3x3-bn-relu:0,1;maxpool3x3:0,1,2;output:0,2,3",
    # Row 90 of the NASLib subset after pruning: three max-pools behind one conv, 8 edges.
    "maxpools": None,
    # 7 vertices, 9 edges; three vertices feed the output (128 = 43 + 43 + 42), so 3 -> 4 truncates a channel.
    "seven_vertices": "input;conv3x3-bn-relu:0;maxpool3x3:1;conv1x1-bn-relu:0,2;conv3x3-bn-relu:3;maxpool3x3:4;output:1,3,5",
    # No interior vertex: every cell is the 1x1 projection.
    "bare": "input;output:0",
}
SUBSET_ROW = {"maxpools": 90}
GRADIENTS = ["layers.0.conv_bn_relu.0.weight", "layers.0.conv_bn_relu.1.weight", "layers.0.conv_bn_relu.1.bias",
             "classifier.bias"]


# ------------------------------------------------------------------------------------------------ network (spec 2.1-2.2)

def parse_genotype(text):
    tokens = text.split(";")
    n = len(tokens)
    matrix = np.zeros((n, n), dtype=np.int64)
    ops = ["input"]
    for v, token in enumerate(tokens[1:], start=1):
        op, sources = token.split(":")
        ops.append(op)
        for s in sources.split(","):
            matrix[int(s), v] = 1
    return matrix, ops


def prune(matrix, ops):
    """Keeps the vertices both reachable from the input and reaching the output (spec 2.1)."""
    n = len(ops)
    from_input, to_output = {0}, {n - 1}
    for v in range(n):
        if v in from_input:
            from_input.update(w for w in range(v + 1, n) if matrix[v, w])
    for v in range(n - 1, -1, -1):
        if v in to_output:
            to_output.update(u for u in range(v) if matrix[u, v])
    keep = sorted(from_input & to_output)
    return matrix[np.ix_(keep, keep)], [ops[k] for k in keep]


def genotype(matrix, ops):
    n = len(ops)
    return ";".join(["input"] + [f"{ops[v]}:{','.join(str(u) for u in range(v) if matrix[u, v])}" for v in range(1, n)])


def subset_cell(row):
    import csv
    data = os.environ.get("NASPS_SHARED_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))
    if not os.path.isdir(data):
        data = "/work/shared/data"
    with open(os.path.join(data, "nb101", "nb101_naslib_zc_subset.csv"), newline="") as f:
        record = list(csv.DictReader(f))[row]
    bits = record["adjacency_7x7_rowmajor"]
    matrix = np.array([int(b) for b in bits], dtype=np.int64).reshape(7, 7)
    return genotype(*prune(matrix, record["ops"].split("|")))


def vertex_channels(cin, cout, matrix):
    """Spec 2.1: the output's feeders share C_out (remainder to the first ones); others take their successors' max."""
    n = matrix.shape[0]
    ch = [0] * n
    ch[0], ch[n - 1] = cin, cout
    if n == 2:
        return ch
    feeders = [v for v in range(1, n - 1) if matrix[v, n - 1]]
    share, extra = divmod(cout, len(feeders))
    for i, v in enumerate(feeders):
        ch[v] = share + (1 if i < extra else 0)
    for v in range(n - 3, 0, -1):
        if not matrix[v, n - 1]:
            ch[v] = max(ch[w] for w in range(v + 1, n - 1) if matrix[v, w])
    return ch


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout, k, padding=0):
        super().__init__()
        self.conv_bn_relu = nn.Sequential(nn.Conv2d(cin, cout, k, 1, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        return self.conv_bn_relu(x)


class VertexOp(nn.Module):
    def __init__(self, op, c):
        super().__init__()
        if op == "conv3x3-bn-relu":
            self.conv3x3 = ConvBnRelu(c, c, 3, 1)
        elif op == "conv1x1-bn-relu":
            self.conv1x1 = ConvBnRelu(c, c, 1)
        else:
            self.maxpool = nn.MaxPool2d(3, 1, 1)

    def forward(self, x):
        return next(iter(self.children()))(x)


class Cell(nn.Module):
    def __init__(self, matrix, ops, cin, cout):
        super().__init__()
        self.matrix = matrix
        n = len(ops)
        self.ch = vertex_channels(cin, cout, matrix)
        self.vertex_op = nn.ModuleList([None] + [VertexOp(ops[t], self.ch[t]) for t in range(1, n - 1)])
        self.input_op = nn.ModuleList([None] + [ConvBnRelu(cin, self.ch[t], 1) if matrix[0, t] else None for t in range(1, n)])

    def forward(self, x):
        m, n = self.matrix, self.matrix.shape[0]
        out = n - 1
        vertices, concat = [x], []
        for t in range(1, out):
            terms = [vertices[s][:, :self.ch[t]] for s in range(1, t) if m[s, t]]
            if m[0, t]:
                terms.append(self.input_op[t](x))
            acc = terms[0]
            for term in terms[1:]:
                acc = acc + term
            vertices.append(self.vertex_op[t](acc))
            if m[t, out]:
                concat.append(vertices[t])
        if not concat:
            return self.input_op[out](x)
        y = concat[0] if len(concat) == 1 else torch.cat(concat, 1)
        return y + self.input_op[out](x) if m[0, out] else y


class Network(nn.Module):
    def __init__(self, matrix, ops, classes=10, stem=128):
        super().__init__()
        layers, cin, cout = [ConvBnRelu(3, stem, 3, 1)], stem, stem
        for stack in range(3):
            if stack > 0:
                layers.append(nn.MaxPool2d(2, 2))
                cout *= 2
            for _ in range(3):
                layers.append(Cell(matrix, ops, cin, cout))
                cin = cout
        self.layers = nn.ModuleList(layers)
        self.classifier = nn.Linear(cout, classes)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.classifier(torch.mean(x, (2, 3)))


# ------------------------------------------------------------------------------------------------ fixtures

def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    x_net = cifar10_batch(NETWORK_BATCH)
    x = cifar10_batch(PROXY_BATCH)
    labels = cifar10_labels(PROXY_BATCH)
    x_swap = cifar10_batch(SWAP_SAMPLES)
    tensors = {"input": x_net}
    cases = []
    for k, (label, arch) in enumerate(CASES.items()):
        arch = arch or subset_cell(SUBSET_ROW[label])
        matrix, ops = parse_genotype(arch)
        arch_seed = 7919 * (k + 1)
        net = Network(matrix, ops)
        checks = fill_weights(net, arch_seed)
        weights = {n: v.clone() for n, v in net.state_dict().items()}
        case = {"label": label, "arch": arch, "arch_seed": arch_seed, "params": sum(p.numel() for p in net.parameters()),
                "weight_abs_sums": checks}
        for dtype, suffix in [(torch.float32, "f32"), (torch.float64, "f64")]:
            n = Network(matrix, ops).to(dtype)
            n.load_state_dict({name: (v.to(dtype) if v.is_floating_point() else v) for name, v in weights.items()}, strict=True)
            n.train()
            logits = n(x_net.to(dtype))
            dlogits = torch.linspace(-1, 1, logits.numel(), dtype=dtype).reshape(logits.shape)
            logits.backward(dlogits)
            tensors[f"{label}/{suffix}/logits"] = logits
            tensors[f"{label}/{suffix}/dlogits"] = dlogits
            for name, p in n.named_parameters():
                if name in GRADIENTS:
                    tensors[f"{label}/{suffix}/grad/{name}"] = p.grad
            if dtype == torch.float64:
                case["grad_abs_sums"] = {name: float(p.grad.abs().sum()) for name, p in n.named_parameters()}

        def fresh():
            m = Network(matrix, ops)
            m.load_state_dict(weights, strict=True)
            return m

        case["naswot_relu_outputs"], case["naswot_units"], _ = naswot(fresh(), x, official=False)
        case["naswot_official_filter"], case["naswot_official_units"], _ = naswot(fresh(), x, official=True)
        case["swap"], case["swap_units"] = swap(fresh(), x_swap)
        case["grad_norm"], case["snip"], case["jacob_cov"] = gradient_measures(fresh(), x, labels)
        # float32 gradients through nine train-mode BN cells lose 2-3 significant digits (PyTorch's own float32 stem
        # gradient is 1e-3..3e-2 from its float64 one), so the float64 values are the ground truth to judge both by.
        case["grad_norm_f64"], case["snip_f64"], case["jacob_cov_f64"] = gradient_measures(fresh().double(), x.double(), labels)
        case["logsynflow"], case["logsynflow_eps"], case["synflow"] = synflow_terms(fresh(), 32)
        cases.append(case)
        print(label, arch, case["params"], case["logsynflow"], case["naswot_relu_outputs"], case["swap"], flush=True)
    save_safetensors(os.path.join(OUT, "nb101_network.safetensors"), tensors, {"gradients": json.dumps(GRADIENTS)})
    fixture = {
        "generator": "tests/reference/nb101_fixtures.py",
        "torch": torch.__version__,
        "network_batch": NETWORK_BATCH,
        "proxy_batch": PROXY_BATCH,
        "swap_samples": SWAP_SAMPLES,
        "cases": cases,
    }
    with open(os.path.join(OUT, "nb101_parity.json"), "w") as f:
        json.dump(finite_or_text(fixture), f, indent=1, allow_nan=False)
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
