#!/usr/bin/env bash
# Burrow benchmark on loopback. Direct vs one nginx proxy hop vs Burrow (interleaved rounds, medians), Burrow's memory,
# ten thousand idle tunnels, and issue 10's hostile tenant. Every load is bounded in time and count.
#   bench/run.sh             full run: table (3 rounds, 10 s loads), scale, hostile        ~11 minutes
#   bench/run.sh --quick     table only, 1 round of 2 s loads                              about a minute
#   bench/run.sh --hostile   the hostile tenant only (1,000 x 1 MiB; --quick: 200)          ~2 minutes
#   bench/run.sh --scale     10,000 idle tunnels only (--quick: 500)                        ~1-2 minutes
#   bench/run.sh --help      all options; ROUNDS, BENCH_ONLY=small, AFTER_LOAD_S, SCALE_TUNNELS, HOSTILE_CLIENTS override sizes
# Results: Markdown on stdout, JSON in bench/results/<UTC time>[-quick][-scenarios].json.
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

# Every tunnel is a socket on each side, and every public connection one more on the server: 10,000 idle tunnels
# need well over 10,000 descriptors. Raise the soft limit to the hard one (bench.py says so if that is still too low).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet build src/Burrow -c Release -nologo -v quiet >/dev/null
dotnet build bench/Burrow.BenchTools -c Release -nologo -v quiet >/dev/null
exec python3 bench/bench.py "$@"
