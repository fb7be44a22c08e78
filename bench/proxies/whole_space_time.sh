#!/usr/bin/env bash
# Steady-state time per NB201 architecture of one proxy over a seeded random sample, extrapolated to the whole space:
#   [CONV=direct] bench/proxies/whole_space_time.sh [proxy] [n-large] [seed] [threads]
# Runs the sample of 20 and of n-large architectures under perf stat (wall and CPU time); per architecture =
# (t(n) - t(20)) / (n - 20), which leaves out start-up and JIT. Nothing else should run meanwhile.
set -euo pipefail
cd "$(dirname "$0")/../.."
proxy=${1:-naswot-official}; n=${2:-1000}; seed=${3:-7}; threads=${4:-2}
dll=cli/bin/Release/net10.0/nasps.dll
[ -f "$dll" ] || dotnet build cli/NasPS.Cli.csproj -c Release --nologo -v quiet
data=../shared/data/cifar10/test_batch_first1017.bin
run() {
  local count=$1 out
  out=$(mktemp)
  perf stat -x, -e task-clock -o "$out.stat" dotnet "$dll" score --space nb201 --random "$count" --seed "$seed" \
    --proxy "$proxy" --batch 128 --data "$data" --threads "$threads" --format csv ${CONV:+--conv "$CONV"} >"$out" 2>/dev/null
  local cpu
  cpu=$(awk -F, '/task-clock/ {printf "%.1f", $1/1000}' "$out.stat")
  echo "$cpu $(sha256sum "$out" | cut -c1-12)"
  rm -f "$out" "$out.stat"
}
t() { local s e r; s=$(date +%s.%N); r=$(run "$1"); e=$(date +%s.%N); echo "$(echo "$e - $s" | bc) $r"; }
small=($(t 20)); large=($(t "$n"))
per=$(echo "(${large[0]} - ${small[0]}) * 1000 / ($n - 20)" | bc -l)
printf '%s seed %s, 20 / %s archs, %s threads: %.2f / %.2f s (%s / %s CPU-s) -> %.1f ms per arch -> %.1f min for 15,625 (scores %s)\n' \
  "$proxy" "$seed" "$n" "$threads" "${small[0]}" "${large[0]}" "${small[1]}" "${large[1]}" "$per" \
  "$(echo "$per * 15625 / 60000" | bc -l)" "${large[2]}"
