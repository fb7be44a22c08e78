#!/usr/bin/env bash
# Runs the whole xunit suite (Release). Needs ../shared beside the repository for the reference data.
# Ends with one summary line "N passed, M failed[, K skipped]".
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test NasPS.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1)
passed=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*Failed: *([0-9]+),.*/\1/p' <<<"$summary")
skipped=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$summary")
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
