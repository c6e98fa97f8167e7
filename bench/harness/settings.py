"""Command line and the sizes of every scenario. Every load is bounded in count and time; the sizes live here."""
import argparse
import os
import resource
import shutil
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BURROW = os.environ.get("BURROW_BIN", os.path.join(ROOT, "src/Burrow/bin/Release/net10.0/burrow"))
TOOLS = os.path.join(ROOT, "bench/Burrow.BenchTools/bin/Release/net10.0/Burrow.BenchTools")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Settings:
    quick: bool
    scenarios: list          # of "table", "scale", "hostile", in run order
    rounds: int
    duration: int            # seconds per wrk load
    bulk_mib: int
    idle_tunnels: int        # real agents for the per-tunnel memory figure
    only_small: bool         # BENCH_ONLY=small: small requests only, for profiling iterations
    after_load_s: int        # RSS is read this long after the last load (issue 16: 30 s)
    scale_tunnels: int
    scale_concurrency: int
    hostile_clients: int
    hostile_body: int
    hostile_sources: int     # loopback source addresses the flood spreads over
    hostile_flood_s: int     # public clients are held this long, then all close
    hostile_accept_s: int    # the hostile agent stops reading this long after its first OPEN at the latest
    hostile_hold_s: int      # ... and then stays connected, not reading, this long unless cut off
    hostile_read_rate: int   # bytes/s the hostile agent reads while it still accepts streams
    probe_rate: int          # honest-tunnel probe requests per second
    probe_baseline_s: int

    @property
    def label(self):
        return "quick" if self.quick else "full"


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="Burrow against direct and one nginx hop on loopback; with no scenario named, a full run does all "
                    "three and --quick does the table only.")
    parser.add_argument("--quick", action="store_true", help="smaller, shorter loads, for checking the harness (about a minute)")
    parser.add_argument("--table", action="store_true", help="the direct / nginx hop / Burrow table, memory and idle tunnels")
    parser.add_argument("--scale", action="store_true", help="thousands of idle tunnels on one server (10,000; 500 with --quick)")
    parser.add_argument("--hostile", action="store_true", help="issue 10's hostile tenant against an honest one (1,000 x 1 MiB; 200 with --quick)")
    args = parser.parse_args(argv)
    chosen = [s for s in ("table", "scale", "hostile") if getattr(args, s)]
    q = args.quick
    env = os.environ.get
    return Settings(
        quick=q,
        scenarios=chosen or (["table"] if q else ["table", "scale", "hostile"]),
        rounds=int(env("ROUNDS", 1 if q else 3)),
        duration=2 if q else 10,
        bulk_mib=10 if q else 100,
        idle_tunnels=50 if q else 1000,
        only_small=env("BENCH_ONLY") == "small",
        after_load_s=int(env("AFTER_LOAD_S", 10 if q else 30)),
        scale_tunnels=int(env("SCALE_TUNNELS", 500 if q else 10_000)),
        scale_concurrency=32,
        hostile_clients=int(env("HOSTILE_CLIENTS", 200 if q else 1000)),
        hostile_body=1024 * 1024,
        hostile_sources=10,
        hostile_flood_s=10 if q else 30,
        hostile_accept_s=5 if q else 20,
        hostile_hold_s=10 if q else 45,
        hostile_read_rate=4 * 1024 * 1024,
        probe_rate=20,
        probe_baseline_s=3 if q else 5,
    )


def raise_fd_limit():
    """Soft file-descriptor limit up to the hard one (run.sh does the same with ulimit); returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else 1 << 20
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)
