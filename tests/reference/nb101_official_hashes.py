"""Official NAS-Bench-101 pruning and graph hashes for the 500 cells of shared/data/nb101/nb101_naslib_zc_subset.csv.

Writes tests/NasPS.Tests/Fixtures/spaces/nb101_official_hashes.csv, read by NasBench101Tests: for each row, the
pruned matrix and ops as the benchmark's ModelSpec leaves them and the hash the benchmark keys its tables by.

Needs numpy and the benchmark's own code (google-research/nasbench, commit b94247037ee470418a3e56dcb83814e9be83f3a8,
files nasbench/lib/model_spec.py and nasbench/lib/graph_util.py) importable as `nasbench.lib`; TensorFlow is not needed.
Run: PYTHONPATH=/path/to/nasbench /usr/bin/python3 tests/reference/nb101_official_hashes.py
"""
import csv
import os

import numpy as np
from nasbench.lib import model_spec

AVAILABLE_OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]  # nasbench config 'available_ops'

here = os.path.dirname(__file__)
source = os.path.join(here, "..", "..", "..", "shared", "data", "nb101", "nb101_naslib_zc_subset.csv")
if not os.path.exists(source):
    source = os.path.join(os.environ["NASPS_SHARED_DATA"], "nb101", "nb101_naslib_zc_subset.csv")
target = os.path.join(here, "..", "NasPS.Tests", "Fixtures", "spaces", "nb101_official_hashes.csv")

with open(source, newline="") as f, open(target, "w", newline="") as g:
    out = csv.writer(g, lineterminator="\n")
    out.writerow(["row", "pruned_vertices", "pruned_adjacency_rowmajor", "pruned_ops", "graph_hash"])
    for row, record in enumerate(csv.DictReader(f)):
        bits = record["adjacency_7x7_rowmajor"]
        matrix = np.array([int(b) for b in bits], dtype=np.int64).reshape(7, 7)
        spec = model_spec.ModelSpec(matrix, record["ops"].split("|"))
        assert spec.valid_spec, row
        out.writerow([row, len(spec.ops), "".join(str(int(x)) for x in spec.matrix.flatten()), "|".join(spec.ops),
                      spec.hash_spec(AVAILABLE_OPS)])
