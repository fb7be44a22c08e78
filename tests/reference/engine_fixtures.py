#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures of the NasPS engine (tests/NasPS.Tests/Fixtures/engine/).

Run once with PyTorch 1.13 (Debian's python3-torch): /usr/bin/python3 tests/reference/engine_fixtures.py
CI never runs it; the tests read the committed files.

ops_f32.safetensors / ops_f64.safetensors: for each case "<op>/<k>" the inputs, a random upstream gradient
"dy", the output "y" and the input gradients "d<input>"; the case's parameters are JSON in the metadata.
nb201_*.safetensors: a NAS-Bench-201 TinyNetwork (written here from the NasPS spec §1.1-1.2, not imported from
xautodl) with its weights, input, logits and parameter gradients after one train-mode forward/backward.
nb201_state_names.txt: names and shapes of the full-size (C=16, N=5) network's state, for two cells.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NasPS.Tests", "Fixtures", "engine")
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def save_safetensors(path, tensors, metadata):
    """Minimal safetensors writer (the format: u64 header length, JSON header, raw little-endian data)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------------------------------------------- ops

def op_cases():
    """(op, params, inputs) with inputs as name -> (shape, kind); kind picks the value distribution."""
    cases = []
    for (n, cin, h, w, cout, k, s, p, d, g, bias) in [
        (2, 3, 7, 6, 4, 3, 1, 1, 1, 1, True),
        (2, 4, 8, 8, 6, 3, 2, 1, 1, 2, False),
        (1, 6, 9, 7, 6, 3, 1, 2, 2, 3, True),
        (2, 3, 5, 5, 5, 1, 1, 0, 1, 1, True),
        (1, 4, 6, 6, 4, 5, 2, 2, 1, 4, False),
        (2, 2, 6, 5, 3, 2, 3, 0, 1, 1, True),
    ]:
        inputs = {"x": ([n, cin, h, w], "n"), "w": ([cout, cin // g, k, k], "n")}
        if bias:
            inputs["b"] = ([cout], "n")
        cases.append(("conv2d", {"stride": s, "padding": p, "dilation": d, "groups": g}, inputs))
    cases.append(("linear", {}, {"x": ([3, 5], "n"), "w": ([4, 5], "n"), "b": ([4], "n")}))
    cases.append(("linear", {}, {"x": ([2, 3, 5], "n"), "w": ([6, 5], "n")}))
    for train, affine in [(True, True), (True, False), (False, True)]:
        inputs = {"x": ([3, 4, 5, 6], "n"), "running_mean": ([4], "n"), "running_var": ([4], "pos")}
        if affine:
            inputs["weight"] = ([4], "n")
            inputs["bias"] = ([4], "n")
        cases.append(("batch_norm2d", {"training": train}, inputs))
    cases.append(("layer_norm", {"dims": 1}, {"x": ([2, 3, 8], "n"), "weight": ([8], "n"), "bias": ([8], "n")}))
    cases.append(("layer_norm", {"dims": 2}, {"x": ([2, 3, 4], "n")}))
    for op in ["relu", "gelu", "silu", "hardswish", "sigmoid", "abs", "sign", "zero"]:
        cases.append((op, {}, {"x": ([2, 3, 4, 5], "wide")}))
    cases.append(("log1p", {}, {"x": ([2, 3, 4, 5], "gt-1")}))
    cases.append(("scale", {"factor": -0.75}, {"x": ([2, 3, 4], "n")}))
    cases.append(("softmax", {"dim": -1}, {"x": ([3, 7], "n")}))
    cases.append(("softmax", {"dim": 1}, {"x": ([2, 5, 3], "n")}))
    for k, s, p, cip in [(3, 1, 1, False), (3, 1, 1, True), (2, 2, 0, True), (3, 2, 1, False)]:
        cases.append(("avg_pool2d", {"kernel": k, "stride": s, "padding": p, "count_include_pad": cip}, {"x": ([2, 3, 7, 6], "n")}))
    for k, s, p in [(2, 2, 0), (3, 2, 1), (3, 1, 1)]:
        cases.append(("max_pool2d", {"kernel": k, "stride": s, "padding": p}, {"x": ([2, 3, 7, 6], "n")}))
    cases.append(("adaptive_avg_pool2d", {"out_h": 1, "out_w": 1}, {"x": ([2, 3, 5, 4], "n")}))
    cases.append(("adaptive_avg_pool2d", {"out_h": 3, "out_w": 2}, {"x": ([2, 3, 7, 5], "n")}))
    cases.append(("add", {}, {"a": ([2, 3, 4], "n"), "b": ([2, 3, 4], "n")}))
    cases.append(("mul", {}, {"a": ([2, 3, 4], "n"), "b": ([2, 3, 4], "n")}))
    cases.append(("concat", {"dim": 1}, {"a": ([2, 3, 4, 2], "n"), "b": ([2, 5, 4, 2], "n")}))
    cases.append(("slice", {"dim": 1, "start": 2, "length": 3}, {"x": ([2, 6, 3, 2], "n")}))
    cases.append(("permute", {"dims": [0, 2, 3, 1]}, {"x": ([2, 3, 4, 5], "n")}))
    cases.append(("transpose", {"dim0": 1, "dim1": 2}, {"x": ([2, 3, 4], "n")}))
    cases.append(("reshape", {"shape": [4, -1]}, {"x": ([2, 3, 4], "n")}))
    cases.append(("matmul", {}, {"a": ([3, 4], "n"), "b": ([4, 5], "n")}))
    cases.append(("matmul", {}, {"a": ([2, 3, 4], "n"), "b": ([2, 4, 5], "n")}))
    cases.append(("sum", {}, {"x": ([2, 3, 4], "n")}))
    cases.append(("mean", {}, {"x": ([2, 3, 4], "n")}))
    cases.append(("sum_dim", {"dim": 1, "keep_dim": False}, {"x": ([2, 3, 4], "n")}))
    cases.append(("mean_dim", {"dim": -1, "keep_dim": True}, {"x": ([2, 3, 4], "n")}))
    cases.append(("cross_entropy", {"targets": [2, 0, 4, 1]}, {"logits": ([4, 5], "n")}))
    return cases


def make_input(shape, kind, gen, dtype):
    if kind == "n":
        v = torch.randn(shape, generator=gen, dtype=torch.float64)
    elif kind == "pos":
        v = torch.rand(shape, generator=gen, dtype=torch.float64) + 0.5
    elif kind == "wide":  # covers the kinks of hardswish (±3) and gelu's tails, avoiding exact kinks
        v = torch.rand(shape, generator=gen, dtype=torch.float64) * 10 - 5
    elif kind == "gt-1":
        v = torch.rand(shape, generator=gen, dtype=torch.float64) * 3 - 0.9
    else:
        raise ValueError(kind)
    return v.to(dtype)


def run_op(op, prm, t):
    """The PyTorch reference of each NasPS op; returns the output."""
    if op == "conv2d":
        return F.conv2d(t["x"], t["w"], t.get("b"), prm["stride"], prm["padding"], prm["dilation"], prm["groups"])
    if op == "linear":
        return F.linear(t["x"], t["w"], t.get("b"))
    if op == "batch_norm2d":
        return F.batch_norm(t["x"], t["running_mean"], t["running_var"], t.get("weight"), t.get("bias"),
                            training=prm["training"], momentum=0.1, eps=1e-5)
    if op == "layer_norm":
        return F.layer_norm(t["x"], t["x"].shape[-prm["dims"]:], t.get("weight"), t.get("bias"), 1e-5)
    simple = {"relu": F.relu, "gelu": F.gelu, "silu": F.silu, "hardswish": F.hardswish, "sigmoid": torch.sigmoid,
              "abs": torch.abs, "sign": torch.sign, "log1p": torch.log1p, "zero": lambda x: x.mul(0.0)}
    if op in simple:
        return simple[op](t["x"])
    if op == "scale":
        return t["x"] * prm["factor"]
    if op == "softmax":
        return F.softmax(t["x"], prm["dim"])
    if op == "avg_pool2d":
        return F.avg_pool2d(t["x"], prm["kernel"], prm["stride"], prm["padding"], count_include_pad=prm["count_include_pad"])
    if op == "max_pool2d":
        return F.max_pool2d(t["x"], prm["kernel"], prm["stride"], prm["padding"])
    if op == "adaptive_avg_pool2d":
        return F.adaptive_avg_pool2d(t["x"], (prm["out_h"], prm["out_w"]))
    if op == "add":
        return t["a"] + t["b"]
    if op == "mul":
        return t["a"] * t["b"]
    if op == "concat":
        return torch.cat([t["a"], t["b"]], prm["dim"])
    if op == "slice":
        return t["x"].narrow(prm["dim"], prm["start"], prm["length"])
    if op == "permute":
        return t["x"].permute(*prm["dims"])
    if op == "transpose":
        return t["x"].transpose(prm["dim0"], prm["dim1"])
    if op == "reshape":
        return t["x"].reshape(prm["shape"])
    if op == "matmul":
        return torch.matmul(t["a"], t["b"])
    if op == "sum":
        return t["x"].sum()
    if op == "mean":
        return t["x"].mean()
    if op == "sum_dim":
        return t["x"].sum(prm["dim"], keepdim=prm["keep_dim"])
    if op == "mean_dim":
        return t["x"].mean(prm["dim"], keepdim=prm["keep_dim"])
    if op == "cross_entropy":
        return F.cross_entropy(t["logits"], torch.tensor(prm["targets"]))
    raise ValueError(op)


NOT_DIFFERENTIABLE = {"running_mean", "running_var"}


def write_ops(dtype, suffix):
    gen = torch.Generator().manual_seed(1234)
    tensors, metadata, counters = {}, {}, {}
    for op, prm, inputs in op_cases():
        k = counters.get(op, 0)
        counters[op] = k + 1
        key = f"{op}/{k}"
        t = {}
        for name, (shape, kind) in inputs.items():
            v = make_input(shape, kind, gen, dtype)
            tensors[f"{key}/{name}"] = v.clone()
            v.requires_grad_(name not in NOT_DIFFERENTIABLE)
            t[name] = v
        y = run_op(op, prm, t)
        dy = make_input(list(y.shape), "n", gen, dtype)
        y.backward(dy)
        tensors[f"{key}/y"] = y
        tensors[f"{key}/dy"] = dy
        for name, v in t.items():
            if name in NOT_DIFFERENTIABLE:
                tensors[f"{key}/{name}_after"] = v  # running statistics after a train-mode update
            else:
                tensors[f"{key}/d{name}"] = v.grad
        metadata[key] = json.dumps({"op": op, "inputs": list(inputs), **prm})
    save_safetensors(os.path.join(OUT, f"ops_{suffix}.safetensors"), tensors, metadata)


# ------------------------------------------------------------------------------------- NAS-Bench-201 network
# Written from the NasPS spec §1.1-1.2 and §1.7 (module names match the official network).

EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride, pad):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.op(x)


class Pooling(nn.Module):
    def __init__(self):
        super().__init__()
        self.op = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name, c):
    return {"none": lambda: Zero(), "skip_connect": lambda: nn.Identity(),
            "nor_conv_1x1": lambda: ReLUConvBN(c, c, 1, 1, 0), "nor_conv_3x3": lambda: ReLUConvBN(c, c, 3, 1, 1),
            "avg_pool_3x3": lambda: Pooling()}[name]()


class InferCell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.layers = nn.ModuleList([make_op(o, c) for o in ops])

    def forward(self, x):
        nodes = [x]
        for j in (1, 2, 3):
            terms = [self.layers[e](nodes[i]) for e, (to, i) in enumerate(EDGES) if to == j]
            acc = terms[0]
            for t in terms[1:]:
                acc = acc + t
            nodes.append(acc)
        return nodes[3]


class ResNetBasicblock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = ReLUConvBN(cin, cout, 3, 2, 1)
        self.conv_b = ReLUConvBN(cout, cout, 3, 1, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, 2, 0), nn.Conv2d(cin, cout, 1, 1, 0, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class TinyNetwork(nn.Module):
    def __init__(self, ops, classes, c=16, n=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        cells, width = [], c
        for stage in range(3):
            if stage > 0:
                cells.append(ResNetBasicblock(width, 2 * width))
                width *= 2
            cells += [InferCell(ops, width) for _ in range(n)]
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(width), nn.ReLU(inplace=False))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(width, classes)

    def forward(self, x):
        for m in [self.stem, *self.cells, self.lastact, self.global_pooling]:
            x = m(x)
        return self.classifier(x.view(x.size(0), -1))


def parse_arch(s):
    return [tok.split("~")[0] for tok in s.replace("+", "").split("|") if tok]


CELLS = {
    "conv3x3": "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "mixed": "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
}


def write_networks():
    """Parity fixtures on a reduced width (C=4, N=5: same structure and names as the benchmark network, small files).
    Weights are float32 values (stored once, F32) so the float64 run starts from exactly the same numbers."""
    for label, arch in CELLS.items():
        torch.manual_seed(7)
        net = TinyNetwork(parse_arch(arch), classes=10, c=4, n=5)
        with torch.no_grad():  # non-trivial BN state so that loading it is tested
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.num_batches_tracked.fill_(3)
        weights = {k: v.clone() for k, v in net.state_dict().items()}
        x32 = torch.randn(2, 3, 32, 32)
        out = {"input": x32}
        for dtype, suffix in [(torch.float32, "f32"), (torch.float64, "f64")]:
            n = TinyNetwork(parse_arch(arch), classes=10, c=4, n=5).to(dtype)
            n.load_state_dict({k: (v.to(dtype) if v.is_floating_point() else v) for k, v in weights.items()}, strict=True)
            n.train()
            logits = n(x32.to(dtype))
            dlogits = torch.linspace(-1, 1, logits.numel(), dtype=dtype).reshape(logits.shape)
            logits.backward(dlogits)
            out[f"{suffix}/logits"] = logits
            out[f"{suffix}/dlogits"] = dlogits
            for name, p in n.named_parameters():
                out[f"{suffix}/grad/{name}"] = p.grad
            for name, b in n.named_buffers():
                if b.is_floating_point():
                    out[f"{suffix}/after/{name}"] = b
            n.eval()
            with torch.no_grad():
                out[f"{suffix}/eval_logits"] = n(x32.to(dtype))
        save_safetensors(os.path.join(OUT, f"nb201_{label}_weights.safetensors"), weights, {"arch": arch, "channels": "4", "cells_per_stage": "5"})
        save_safetensors(os.path.join(OUT, f"nb201_{label}_expected.safetensors"), out, {"arch": arch})

    with open(os.path.join(OUT, "nb201_state_names.txt"), "w") as f:
        f.write("# name<TAB>shape of the full-size (C=16, N=5, 10 classes) network's state_dict, per cell\n")
        for label, arch in CELLS.items():
            net = TinyNetwork(parse_arch(arch), classes=10)
            f.write(f"arch\t{arch}\n")
            for k, v in net.state_dict().items():
                f.write(f"{k}\t{list(v.shape)}\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    write_ops(torch.float32, "f32")
    write_ops(torch.float64, "f64")
    write_networks()
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))
