#!/usr/bin/env python3
"""Writes the PyTorch fixture of `nasps weights` (tests/NasPS.Tests/Fixtures/proxies/weights_parity.json).

Run with Debian's PyTorch: /usr/bin/python3 tests/reference/weights_fixtures.py   (CI never runs it.)

1. The state_dict names, shapes and dtypes of the NB201 reference network (engine_fixtures.TinyNetwork, official names
   of spec 1.7, BN running statistics and num_batches_tracked included) for a few architectures: a weights file NasPS
   writes must carry exactly these.
2. A weights file written by NasPS (`nasps weights`, committed next to the fixture) loads into that network with
   strict=True, and its proxy values are recorded: Synflow/LogSynflow (spec 3.1, float64) and grad_norm (spec 3.6,
   train mode, cross-entropy on the first 64 CIFAR-10 test images). NasPS scoring the same file must agree.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "NasPS.Tests", "Fixtures", "proxies")
sys.path.insert(0, HERE)
from engine_fixtures import TinyNetwork, parse_arch  # noqa: E402
from proxy_fixtures import DATA, cifar10_batch, cifar10_labels, gradient_measures, synflow_terms  # noqa: E402

# all-none, all-skip, all-conv3x3, and a mixed cell (indices 1651, 1835, 1462, 9930 of index_to_arch.txt)
NAME_ARCHS = [1651, 1835, 1462, 9930]
# The committed NasPS file: `nasps weights --space nb201 --arch <index 1835> --seed 7 --init kaiming-fan-out --out ...`
WEIGHTS_FILE = "nb201_1835_seed7_kaiming.safetensors"
WEIGHTS_INDEX = 1835
DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    body = data[8 + header_len:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, header.get("__metadata__", {})


def torch_dtype_name(t):
    return {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]


def main():
    torch.set_num_threads(2)
    lines = open(os.path.join(DATA, "nb201", "index_to_arch.txt")).read().splitlines()
    names = []
    for index in NAME_ARCHS:
        state = TinyNetwork(parse_arch(lines[index]), 10).state_dict()
        names.append({"index": index, "arch": lines[index],
                      "tensors": [[k, list(v.shape), torch_dtype_name(v)] for k, v in state.items()]})

    tensors, metadata = read_safetensors(os.path.join(FIXTURES, WEIGHTS_FILE))
    net = TinyNetwork(parse_arch(lines[WEIGHTS_INDEX]), 10)
    net.load_state_dict(tensors, strict=True)
    x, labels = cifar10_batch(64), cifar10_labels(64)
    grad_norm, _, _ = gradient_measures(net, x, labels, with_jacob_cov=False)
    net.load_state_dict(tensors, strict=True)  # the train-mode pass above moved the running statistics
    logsynflow, _, synflow = synflow_terms(net, 32)
    fixture = {
        "generator": "tests/reference/weights_fixtures.py",
        "torch": torch.__version__,
        "names": names,
        "weights_file": WEIGHTS_FILE,
        "weights_index": WEIGHTS_INDEX,
        "weights_metadata": metadata,
        "loaded_strict": True,
        "grad_norm_batch": 64,
        "grad_norm": grad_norm,
        "logsynflow": logsynflow,
        "synflow": synflow,
    }
    with open(os.path.join(FIXTURES, "weights_parity.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    print(fixture["grad_norm"], fixture["logsynflow"], fixture["synflow"])


if __name__ == "__main__":
    main()
