#!/usr/bin/env python3
"""bench/run.sh's orchestrator: starts every process on 127.0.0.1, runs bounded loads, kills everything by pid.

Scenarios (harness/): the direct / nginx hop / Burrow table with Burrow's memory (table.py), ten thousand idle tunnels
(scale.py), and issue 10's hostile tenant (hostile.py). Markdown goes to stdout, JSON to bench/results/.
"""
import os
import shutil
import sys
import tempfile
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True  # no __pycache__ in the worktree

from harness import hostile, scale, settings, table
from harness.procs import Procs, free_port, log
from harness.nginx import start_backend, write_files
from harness.report import write

SCENARIOS = {"table": table.run, "scale": scale.run, "hostile": hostile.run}


def main():
    s = settings.parse(sys.argv[1:])
    soft, hard = settings.raise_fd_limit()
    work = tempfile.mkdtemp(prefix="burrow-bench-")
    procs = Procs(work)
    started = time.time()
    try:
        write_files(work, s.bulk_mib)
        ports = {k: free_port() for k in ("backend", "hop", "ws", "sink")}
        start_backend(procs, work, ports, with_hop="table" in s.scenarios)
        ctx = SimpleNamespace(settings=s, procs=procs, work=work, ports=ports)
        result = {"quick": s.quick, "scenarios": s.scenarios, "rounds": s.rounds, "duration_s": s.duration,
                  "cores": os.cpu_count(), "fd_limit": soft, "load_average_at_start": os.getloadavg()}
        for name in s.scenarios:
            log(f"== {name}")
            outcome = SCENARIOS[name](ctx)
            if name == "table":
                result.update(outcome)  # keeps the top-level keys table, memory, errors, raw of earlier results
            else:
                result[name] = outcome
        result["flags"] = (result.get("reference") or {}).get("flags", [])
        result["load_average_at_end"] = os.getloadavg()
        result["wall_seconds"] = round(time.time() - started)
        print(f"\nload average at start / end: {result['load_average_at_start'][0]:.1f} / {result['load_average_at_end'][0]:.1f} "
              f"on {os.cpu_count()} cores; {result['wall_seconds']} s in all")
        write(result, s)
    finally:
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
