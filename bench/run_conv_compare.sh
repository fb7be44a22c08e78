#!/bin/sh
# Alternates PyTorch and NasPS runs on the same shapes in one window (the machine is shared and noisy), so each NasPS
# table's ratios compare against a PyTorch run taken moments before. Usage: bench/run_conv_compare.sh [rounds] [threads] [extra args]
set -e
cd "$(dirname "$0")/.."
rounds=${1:-2}
threads=${2:-2}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
dotnet build -c Release bench/NasPS.Bench >/dev/null
for round in $(seq "$rounds"); do
  echo "## round $round: PyTorch"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=$threads \
    /usr/bin/python3 bench/pytorch_conv_bench.py --threads "$threads" "$@"
  echo "## round $round: NasPS"
  dotnet bench/NasPS.Bench/bin/Release/net10.0/NasPS.Bench.dll conv --threads "$threads" "$@"
done
