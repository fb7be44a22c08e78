#!/bin/sh
# Whole-network forward, NasPS vs PyTorch, alternating in one window (the machine is shared and noisy): each round
# runs PyTorch then NasPS on the all-conv3x3 and the skip/pool NB201 networks (train-mode BN, no grad), then
# bench/engine_summary.py prints per-network medians and the NasPS/PyTorch time ratio.
# Usage: bench/run_engine_compare.sh [rounds=5] [threads=2] [batch=64] [repeats per round=3]
set -e
cd "$(dirname "$0")/.."
rounds=${1:-5}; threads=${2:-2}; batch=${3:-64}; repeats=${4:-3}
[ -f bench/EngineBench/bin/Release/net10.0/EngineBench.dll ] || dotnet build -c Release bench/EngineBench >/dev/null
log=bench/results/engine_compare.local.txt
: > "$log"
echo "# load before: $(cat /proc/loadavg)" | tee -a "$log"
for round in $(seq "$rounds"); do
  for cell in conv3x3 skippool; do
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=$threads \
      /usr/bin/python3 bench/engine_bench.py "$cell" "$batch" "$threads" "$repeats" | tee -a "$log"
    dotnet bench/EngineBench/bin/Release/net10.0/EngineBench.dll forward "$cell" "$batch" "$threads" "$repeats" | tee -a "$log"
  done
done
echo "# load after: $(cat /proc/loadavg)" | tee -a "$log"
python3 bench/engine_summary.py "$log"
