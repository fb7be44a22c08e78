#!/usr/bin/env python3
"""Rebuild a NasPS HybridEdge architecture as a torch.nn.Module, e.g. to train what a NasPS search found.

NasPS exports a model as two files (`nasps export`, or HybridEdgeExport.Write in .NET): NAME.json, the architecture description, and
NAME.safetensors, its initialised float32 weights (PyTorch state-dict names). This script builds the module from the
JSON and loads the weights with strict=True:

    python3 examples/hybrid_to_torch.py NAME.json              # build, load NAME.safetensors, print a summary
    python3 examples/hybrid_to_torch.py NAME.json --logits OUT.safetensors   # also run a fixed input (tests use it)

In your own code:  from hybrid_to_torch import load_model;  model = load_model("NAME.json")  → then train it.
Needs only torch (the safetensors reader is inline). The blocks mirror core/Networks/HybridEdge/HybridEdgeNetwork.cs.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "nasps.hybrid-edge"


def conv_bn_act(cin, cout, k, stride, groups, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.Hardswish())
    return nn.Sequential(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeezed):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.act = nn.ReLU()
        self.expand = nn.Conv2d(squeezed, channels, 1)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        return x * self.gate(self.expand(self.act(self.reduce(self.pool(x)))))


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, stride, expansion, squeeze):
        super().__init__()
        hidden = cin * expansion
        self.expand = conv_bn_act(cin, hidden, 1, 1, 1)
        self.dw = conv_bn_act(hidden, hidden, k, stride, hidden)
        self.se = SqueezeExcite(hidden, max(8, cin // 4)) if squeeze else None
        self.project = conv_bn_act(hidden, cout, 1, 1, 1, act=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.dw(self.expand(x))
        if self.se is not None:
            y = self.se(y)
        y = self.project(y)
        return x + y if self.residual else y


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, t):
        n, l, c = t.shape
        d = c // self.heads
        qkv = self.qkv(t).reshape(n, l, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * (1.0 / math.sqrt(d)), qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((a @ v).permute(0, 2, 1, 3).reshape(n, l, c))


class Transformer(nn.Module):
    def __init__(self, width, heads, mlp_ratio, local_mixer):
        super().__init__()
        self.mixer = nn.Conv2d(width, width, 3, 1, 1, groups=width) if local_mixer else None
        self.norm1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp_ratio * width), nn.GELU(), nn.Linear(mlp_ratio * width, width))

    def forward(self, x):
        n, c, h, w = x.shape
        if self.mixer is not None:
            x = x + self.mixer(x)
        t = x.reshape(n, c, h * w).permute(0, 2, 1)
        t = t + self.attn(self.norm1(t))
        t = t + self.mlp(self.norm2(t))
        return t.permute(0, 2, 1).reshape(n, c, h, w)


class HybridEdgeNet(nn.Module):
    def __init__(self, description):
        super().__init__()
        if description.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} description (format: {description.get('format')!r})")
        self.resolution = description["resolution"]
        self.stem = conv_bn_act(3, description["stem_width"], 3, 2, 1)
        stages, channels = [], description["stem_width"]
        for s in description["stages"]:
            blocks = []
            if s["attention"]:
                blocks.append(MBConv(channels, s["width"], 3, 2, s["expansion"], False))
                blocks += [Transformer(s["width"], s["heads"], s["mlp_ratio"], s["local_mixer"]) for _ in range(s["depth"])]
            else:
                for d in range(s["depth"]):
                    blocks.append(MBConv(channels if d == 0 else s["width"], s["width"], s["kernel"], 2 if d == 0 else 1,
                                         s["expansion"], s["squeeze_excite"]))
            stages.append(nn.Sequential(*blocks))
            channels = s["width"]
        self.stages = nn.Sequential(*stages)
        self.head = conv_bn_act(channels, description["head_width"], 1, 1, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(description["head_width"], description["classes"])

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.head(self.stages(self.stem(x)))), 1))


_DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[a:b]), dtype=_DTYPES[e["dtype"]]).reshape(e["shape"]).clone()
    return out


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    names = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def load_model(json_path, weights_path=None):
    """The module of NAME.json with the weights of NAME.safetensors (or weights_path), loaded strictly."""
    with open(json_path) as f:
        description = json.load(f)
    model = HybridEdgeNet(description)
    weights = weights_path or os.path.splitext(json_path)[0] + ".safetensors"
    model.load_state_dict(read_safetensors(weights), strict=True)
    return model


def fixed_input(batch, resolution):
    """The deterministic input the round-trip test feeds both implementations: sin(0.1·i) over the flat index."""
    n = batch * 3 * resolution * resolution
    return torch.sin(torch.arange(n, dtype=torch.float64) * 0.1).float().reshape(batch, 3, resolution, resolution)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("description", help="NAME.json written by NasPS")
    p.add_argument("--weights", help="weights (default: NAME.safetensors beside the JSON)")
    p.add_argument("--logits", help="write eval-mode logits of fixed_input(2, resolution) here (safetensors)")
    a = p.parse_args(argv)
    model = load_model(a.description, a.weights)
    params = sum(t.numel() for t in model.parameters())
    print(f"{model.__class__.__name__}: {params:,} parameters, input 3x{model.resolution}x{model.resolution}")
    if a.logits:
        model.eval()
        with torch.no_grad():
            logits = model(fixed_input(2, model.resolution))
        write_safetensors(a.logits, {"logits": logits})
        print(f"logits {tuple(logits.shape)} written to {a.logits}")


if __name__ == "__main__":
    sys.exit(main())
