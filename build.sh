#!/usr/bin/env bash
# Builds the PowerShell module (module/bin, loaded by ./NasPS.psd1) and the nasps console program (out/nasps),
# then runs the main job: list and cost a seeded sample of NAS-Bench-201 architectures.
set -euo pipefail
cd "$(dirname "$0")"
dotnet publish cmdlets/NasPS.Cmdlets.csproj -c Release -o module/bin --nologo -v quiet
# PowerShell finds about_ topics (and, as a fallback, cmdlet help) in the manifest's folder, not the assembly's.
mkdir -p en-US && cp module/en-US/* en-US/
dotnet publish cli/NasPS.Cli.csproj -c Release -o out/nasps --nologo -v quiet
echo "Module: Import-Module $(pwd)/NasPS.psd1    CLI: $(pwd)/out/nasps/nasps"
out/nasps/nasps archs --space nb201 --random 10 --seed 1
