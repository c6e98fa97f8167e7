#!/usr/bin/env bash
# Burrow benchmark: direct vs one nginx proxy hop vs Burrow, on loopback, interleaved rounds, medians.
#   bench/run.sh           full run (3 rounds, 10 s per load)   ~7 minutes
#   bench/run.sh --quick   smoke run (1 round, 2 s per load)    under a minute
# Results: a Markdown table on stdout and bench/results/<UTC time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >&2
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is required" >&2; exit 1; }

dotnet build src/Burrow -c Release -nologo -v quiet >/dev/null
dotnet build bench/Burrow.BenchTools -c Release -nologo -v quiet >/dev/null
exec python3 bench/bench.py "$@"
