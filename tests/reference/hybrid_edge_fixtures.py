#!/usr/bin/env python3
"""HybridEdge parity and export round-trip fixture (tests/NasPS.Tests/Fixtures/hybrid/parity.json).

For each case, NasPS exports the model (`nasps export`: NAME.json + NAME.safetensors, deterministic from the seed);
examples/hybrid_to_torch.py rebuilds it as a torch.nn.Module and loads the weights with strict=True; this script records
the SHA-256 of both files and the PyTorch logits on hybrid_to_torch.fixed_input(4, resolution), in eval mode and in
train mode (batch-statistics BN). The C# test exports the same cases again, checks the hashes (so PyTorch read exactly
those bytes) and compares its own logits. No weights are committed.

    dotnet build NasPS.sln -c Release
    OMP_NUM_THREADS=2 /usr/bin/python3 tests/reference/hybrid_edge_fixtures.py [path/to/nasps]
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "examples"))
from hybrid_to_torch import fixed_input, load_model  # noqa: E402

CASES = [
    {"arch": "stem16|mb3:d1:w16:e2|mb5se:d2:w32:e2|attn_dw:d1:w64:e2:h2:m2|attn:d1:w96:e2:h4:m2|head512",
     "resolution": 64, "classes": 10, "seed": 7, "init": "default"},
    {"arch": "stem24|mb7se:d2:w24:e3|mb3:d2:w48:e4|mb5:d1:w64:e2|attn_dw:d2:w128:e2:h2:m3|head512",
     "resolution": 48, "classes": 5, "seed": 3, "init": "default"},
    {"arch": "stem32|mb5:d1:w32:e6|mb7:d1:w32:e2|attn:d2:w80:e3:h4:m4|mb3se:d1:w96:e2|head768",
     "resolution": 40, "classes": 7, "seed": 11, "init": "kaiming"},
]
BATCH = 4


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    nasps = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "cli", "bin", "Release", "net10.0", "nasps")
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(CASES):
            prefix = os.path.join(tmp, f"case{i}")
            subprocess.run([nasps, "export", "--arch", case["arch"], "--resolution", str(case["resolution"]),
                            "--classes", str(case["classes"]), "--seed", str(case["seed"]), "--init", case["init"],
                            "--out", prefix], check=True, capture_output=True)
            model = load_model(prefix + ".json")  # strict=True
            x = fixed_input(BATCH, case["resolution"])
            with torch.no_grad():
                model.eval()
                logits_eval = model(x)
                model.train()
                logits_train = model(x)
            out.append({**case, "batch": BATCH,
                        "description_sha256": sha256(prefix + ".json"), "weights_sha256": sha256(prefix + ".safetensors"),
                        "parameters": sum(p.numel() for p in model.parameters()),
                        "logits_eval": [[float(v) for v in row] for row in logits_eval],
                        "logits_train": [[float(v) for v in row] for row in logits_train]})
    path = os.path.join(ROOT, "tests", "NasPS.Tests", "Fixtures", "hybrid", "parity.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
