"""The table scenario: direct vs the nginx hop vs Burrow, interleaved rounds, medians; Burrow's memory; idle tunnels."""
import re
import statistics
import time

from . import report
from .burrow import TABLE_CONFIG, TABLE_PENDING, BurrowServer, add_user, start_agent
from .loads import bulk, wrk, ws
from .procs import Sampler, cpu_seconds, log, machine_busy_seconds, rss_mib, rss_parts_mib, settle_curve, wait_for
from .settings import TOOLS

LARGE = "large req/s (1 MiB, c8)"
ROWS = [  # label, load, key, higher is better
    ("small req/s (100 B, c50)", "small", "rps", True),
    ("small p50 ms", "small", "p50_ms", False),
    ("small p99 ms", "small", "p99_ms", False),
    (LARGE, "large", "rps", True),
    ("large p99 ms", "large", "p99_ms", False),
    ("download MB/s ({bulk} MiB)", "bulk", "download_mbs", True),
    ("upload MB/s ({bulk} MiB)", "bulk", "upload_mbs", True),
    ("WebSocket echo msg/s (1 KiB)", "ws", "msgs", True),
]
# Issue 16: a hop below half of direct on 1 MiB responses is a handicapped reference, and the run says so.
HOP_FLOOR = 0.5


def run(ctx):
    s, procs = ctx.settings, ctx.procs
    data = f"{ctx.work}/table-data"
    token = add_user(data, "bench", s.idle_tunnels + 10, max_names=s.idle_tunnels + 10)
    server = BurrowServer(procs, ctx.work, "burrow-server", TABLE_CONFIG, TABLE_PENDING, data=data)
    time.sleep(1)
    server_idle = rss_mib(server.pid)
    agent, setup_s = start_agent(procs, server, "demo", "bench", token, ctx.ports["backend"])
    time.sleep(1)
    agent_idle = rss_mib(agent.pid)
    pids = {"server": server.pid, "agent": agent.pid}

    loads = ["small"] if s.only_small else ["small", "large", "bulk", "ws"]
    run_load = {
        "small": lambda port, host: wrk(port, host, "/small.bin", 50, s.duration),
        "large": lambda port, host: wrk(port, host, "/large.bin", 8, s.duration),
        "bulk": lambda port, host: bulk(port, host, ctx.work, s.bulk_mib),
        "ws": lambda port, host: ws(port, host, s.duration),
    }
    # Warm-up, not measured: Burrow's hot paths are JIT-compiled (tiered) during its first seconds of load, which would
    # otherwise count against whichever round came first (about 40% fewer requests/s in a cold first run).
    log("warm-up")
    wrk(server.http, "demo.localhost", "/small.bin", 50, 2 if s.quick else 8, latency=False)
    if not s.only_small:
        wrk(server.http, "demo.localhost", "/large.bin", 8, 2, latency=False)
        run_load["bulk"](server.http, "demo.localhost")
        # Warms the (.NET) WebSocket echo server too, which every path ends at: cold, it slowed whichever path came first.
        ws(server.http, "demo.localhost", 4)

    targets = [("direct", ctx.ports["backend"], "x"), ("nginx", ctx.ports["hop"], "x"), ("burrow", server.http, "demo.localhost")]
    runs = {t[0]: {k: [] for k in run_load} for t in targets}
    peaks = {load: {"server": 0.0, "agent": 0.0} for load in loads}
    for r in range(s.rounds):
        # Rotate the order each round: this machine slows down under sustained load, which would otherwise always
        # favour whichever target runs first.
        for name, port, host in targets[r % 3:] + targets[:r % 3]:
            log(f"round {r + 1}: {name}")
            for load in loads:
                cpu0 = {k: cpu_seconds(p) for k, p in pids.items()}
                busy0 = machine_busy_seconds()
                with Sampler(list(pids.values())) as sampler:
                    result = run_load[load](port, host)
                runs[name][load].append(result)
                if load == "large":
                    # The 1 MiB load saturates both cores on every path, so its rate is the machine's CPU divided by
                    # what one response costs in all processes together: the number that explains each ratio.
                    requests = max(result["rps"] * s.duration, 1)
                    result["machine_cpu_ms_per_request"] = (machine_busy_seconds() - busy0) * 1e3 / requests
                    if name == "burrow":
                        for k, p in pids.items():
                            result[f"{k}_cpu_ms_per_request"] = (cpu_seconds(p) - cpu0[k]) * 1e3 / requests
                if name != "burrow":
                    continue
                for k, p in pids.items():
                    peaks[load][k] = max(peaks[load][k], sampler.peak[p])
                if load == "small":
                    requests = max(result["rps"] * s.duration, 1)
                    for k, p in pids.items():
                        result[f"{k}_cpu_us_per_request"] = (cpu_seconds(p) - cpu0[k]) * 1e6 / requests

    log(f"memory after load: {s.after_load_s} s")
    curve = settle_curve(list(pids.values()), s.after_load_s)
    memory = {
        "setup_seconds": setup_s,
        "server_idle_mib": server_idle,
        "agent_idle_mib": agent_idle,
        "server_peak_mib": max(p["server"] for p in peaks.values()),
        "agent_peak_mib": max(p["agent"] for p in peaks.values()),
        "after_load_wait_s": s.after_load_s,
        "server_after_load_mib": curve[-1][1][server.pid],
        "agent_after_load_mib": curve[-1][1][agent.pid],
        "after_load_curve": [{"t": t, "server": v[server.pid], "agent": v[agent.pid]} for t, v in curve],
    }
    for who, pid in pids.items():
        parts = rss_parts_mib(pid)
        memory[f"{who}_after_load_anon_mib"] = parts["anon"]
        memory[f"{who}_after_load_file_mib"] = parts["file"]
    for load in loads:
        memory[f"server_peak_{load}_mib"] = peaks[load]["server"]
        memory[f"agent_peak_{load}_mib"] = peaks[load]["agent"]
    if not s.only_small:
        memory.update(idle_tunnels(ctx, server, token))

    table = build_table(runs, s.bulk_mib)
    reference = check_reference(table, runs, s.bulk_mib)
    errors = {t: sum(x.get("errors", 0) for load in runs[t].values() for x in load) for t in runs}
    small = runs["burrow"]["small"]
    cpu = {k: statistics.median(x[f"{k}_cpu_us_per_request"] for x in small) for k in pids}
    large_cpu = None
    if not s.only_small:
        large_cpu = {t: statistics.median(x["machine_cpu_ms_per_request"] for x in runs[t]["large"]) for t in runs}
        large_cpu.update({k: statistics.median(x[f"{k}_cpu_ms_per_request"] for x in runs["burrow"]["large"]) for k in pids})
    print_table(s, table, memory, reference, errors, cpu, large_cpu)
    return {"table": table, "memory": memory, "reference": reference, "errors": errors, "cpu_us_per_small_request": cpu,
            "cpu_ms_per_large_response": large_cpu,
            "server_settings": server.settings_report(), "raw": runs}


def idle_tunnels(ctx, server, token):
    """Server memory before and with N real agents (one tunnel each) connected: the per-idle-tunnel figure."""
    n = ctx.settings.idle_tunnels
    time.sleep(2)
    before = rss_mib(server.pid)
    idle = ctx.procs.start([TOOLS, "idle-tunnels", server.url, "bench", token, str(n), str(ctx.ports["backend"])], "idle-tunnels")
    wait_for(lambda: ctx.procs.has("idle-tunnels", "ready"), f"{n} idle tunnels", timeout=240)
    text = ctx.procs.text("idle-tunnels")
    online = int(re.search(r"ready (\d+)", text).group(1))
    failure = re.search(r"first failure: (.*)", text)
    time.sleep(3)
    after = rss_mib(server.pid)
    ctx.procs.stop(idle)
    return {"idle_tunnels": n, "idle_tunnels_online": online, "idle_tunnels_first_failure": failure and failure.group(1),
            "server_before_idle_tunnels_mib": before,
            "server_with_idle_tunnels_mib": after, "server_per_idle_tunnel_kib": (after - before) * 1024 / max(online, 1)}


def build_table(runs, bulk_mib):
    def med(name, load, key):
        values = [x[key] for x in runs[name].get(load, []) if x.get(key) is not None]
        return statistics.median(values) if values else None

    ratio = lambda x, y: (x / y) if x and y else None
    table = {}
    for label, load, key, _ in ROWS:
        label = label.format(bulk=bulk_mib)
        d, n, b = (med(t, load, key) for t in ("direct", "nginx", "burrow"))
        table[label] = {"direct": d, "nginx": n, "burrow": b, "burrow_vs_direct": ratio(b, d), "burrow_vs_nginx": ratio(b, n),
                        "nginx_vs_direct": ratio(n, d)}
    return table


def check_reference(table, runs, bulk_mib):
    """Is each reference sound? The hop must reach half of direct on 1 MiB; direct must not be slower than the hop."""
    flags, warnings = [], []
    large = table[LARGE]["nginx_vs_direct"]
    per_round = [n["rps"] / d["rps"] for d, n in zip(runs["direct"]["large"], runs["nginx"]["large"]) if d["rps"]]
    if large is not None and large < HOP_FLOOR:
        flags.append(f"REFERENCE HANDICAPPED: the nginx hop moved 1 MiB responses at {large:.2f}x direct (needs >= {HOP_FLOOR}); "
                     "Burrow / nginx ratios of this run overstate Burrow")
    for label, _, _, throughput in ROWS:
        label = label.format(bulk=bulk_mib)
        row = table[label]
        if throughput and row["nginx_vs_direct"] and row["nginx_vs_direct"] > 1.1:
            warnings.append(f"direct slower than the nginx hop on '{label}' ({row['nginx_vs_direct']:.2f}x): the direct "
                            "path has a bottleneck of its own, so ratios against direct understate the gap")
    return {"large_hop_vs_direct": large, "large_hop_vs_direct_per_round": per_round, "threshold": HOP_FLOOR,
            "ok": not flags, "flags": flags, "warnings": warnings}


def print_table(s, table, memory, reference, errors, cpu, large_cpu):
    report.heading(f"Burrow benchmark ({s.label}: {s.rounds} round(s), {s.duration} s loads, medians)")
    for flag in reference["flags"]:
        print(f"**!! {flag} !!**\n")
    print("| metric | direct | nginx hop | burrow | burrow / direct | burrow / nginx | hop / direct |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, row in table.items():
        f, r = report.num, report.ratio
        print(f"| {label} | {f(row['direct'])} | {f(row['nginx'])} | {f(row['burrow'])} | {r(row['burrow_vs_direct'])} | "
              f"{r(row['burrow_vs_nginx'])} | {r(row['nginx_vs_direct'])} |")
    m = memory
    print("\n| other | value |\n|---|---:|")
    print(f"| setup: `burrow http` start to first public 200 | {m['setup_seconds']:.2f} s |")
    for who in ("server", "agent"):
        print(f"| {who} RSS idle / peak / {m['after_load_wait_s']} s after load | {m[f'{who}_idle_mib']:.1f} / "
              f"{m[f'{who}_peak_mib']:.1f} / {m[f'{who}_after_load_mib']:.1f} MiB |")
    print(f"| RSS {m['after_load_wait_s']} s after load, anonymous (own) + file pages (mapped code, shared): server / agent | "
          f"{m['server_after_load_anon_mib']:.1f} + {m['server_after_load_file_mib']:.1f} / "
          f"{m['agent_after_load_anon_mib']:.1f} + {m['agent_after_load_file_mib']:.1f} MiB |")
    loads = [k for k in ("small", "large", "bulk", "ws") if f"server_peak_{k}_mib" in m]
    for who in ("server", "agent"):
        values = " / ".join("%.1f" % m[f"{who}_peak_{k}_mib"] for k in loads)
        print(f"| {who} RSS peak by load ({' / '.join(loads)}) | {values} MiB |")
    if "idle_tunnels" in m:
        print(f"| server RSS with {m['idle_tunnels_online']} idle tunnels | {m['server_with_idle_tunnels_mib']:.1f} MiB "
              f"({m['server_per_idle_tunnel_kib']:.1f} KiB per tunnel) |")
        if m["idle_tunnels_online"] < m["idle_tunnels"]:
            print(f"| **idle tunnels that did not come online** | {m['idle_tunnels'] - m['idle_tunnels_online']}: "
                  f"{m['idle_tunnels_first_failure']} |")
    print(f"| CPU per small request: server / agent | {cpu['server']:.0f} / {cpu['agent']:.0f} us |")
    if large_cpu:
        print(f"| CPU per 1 MiB response, whole machine: direct / nginx hop / burrow | {large_cpu['direct']:.2f} / "
              f"{large_cpu['nginx']:.2f} / {large_cpu['burrow']:.2f} ms |")
        print(f"| CPU per 1 MiB response in burrow: server / agent | {large_cpu['server']:.2f} / {large_cpu['agent']:.2f} ms |")
    print(f"| errors (non-2xx + socket errors) direct / nginx / burrow | {errors['direct']} / {errors['nginx']} / {errors['burrow']} |")
    large = reference["large_hop_vs_direct"]
    verdict = "not measured" if large is None else "ok" if reference["ok"] else "**HANDICAPPED**"
    print(f"| reference check: nginx hop / direct on 1 MiB (needs >= {HOP_FLOOR}) | {report.ratio(large)} {verdict} |")
    for w in reference["warnings"]:
        print(f"\nwarning: {w}")
