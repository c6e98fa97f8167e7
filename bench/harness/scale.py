"""The scale scenario (issue 16 item 5): ten thousand idle tunnels on one server, registered as fast as it lets them."""
import time

from . import report
from .burrow import SCALE_CONFIG, SCALE_PENDING, BurrowServer, add_user
from .loads import curl_status
from .procs import Sampler, cpu_seconds, fd_count, log, rss_mib, wait_for
from .settings import TOOLS, raise_fd_limit

# Sockets besides the tunnels' own: the runtime, listeners, log files, the registration connections.
FD_HEADROOM = 1024


def run(ctx):
    s, procs = ctx.settings, ctx.procs
    n = s.scale_tunnels
    soft, hard = raise_fd_limit()
    result = {"tunnels": n, "fd_limit": soft, "fd_limit_hard": hard}
    if soft < n + FD_HEADROOM:
        # Both the server and the fleet hold one socket per tunnel.
        result["skipped"] = f"needs ulimit -n >= {n + FD_HEADROOM} for {n} tunnels; this shell allows {soft} (hard limit {hard})"
        print_result(result)
        return result

    data = f"{ctx.work}/scale-data"
    token = add_user(data, "scale", n + 10, max_names=n + 10)
    server = BurrowServer(procs, ctx.work, "scale-server", SCALE_CONFIG, SCALE_PENDING, data=data)
    time.sleep(1)
    before, fds_before, cpu0 = rss_mib(server.pid), fd_count(server.pid), cpu_seconds(server.pid)
    log(f"scale: {n} idle tunnels")
    with Sampler([server.pid], interval=0.5) as sampler:
        fleet = procs.start([TOOLS, "idle-channels", server.url, "scale", token, str(n), str(s.scale_concurrency)], "idle-channels")
        wait_for(lambda: procs.last_json("idle-channels", "ready") or fleet.poll() is not None, "idle channels", timeout=330, interval=0.5)
        ready = procs.last_json("idle-channels", "ready") or {"online": 0, "failed": n, "first_error": procs.text("idle-channels")[-500:]}
        time.sleep(5)  # let the last handshakes' buffers go back before reading the steady state
        with_tunnels, fds = rss_mib(server.pid), fd_count(server.pid)
    online = ready["online"]
    result.update({
        "online": online,
        "failed": ready.get("failed"),
        "first_error": ready.get("first_error"),
        "register_seconds": ready.get("seconds"),
        "registrations_per_second": ready.get("per_second"),
        "server_cpu_seconds": cpu_seconds(server.pid) - cpu0,
        "server_before_mib": before,
        "server_peak_mib": sampler.peak[server.pid],
        "server_with_tunnels_mib": with_tunnels,
        "server_per_tunnel_kib": (with_tunnels - before) * 1024 / online if online else None,
        "server_fds_before": fds_before,
        "server_fds_with_tunnels": fds,
        "fleet_fds": fd_count(fleet.pid),
        # Still serving? An unknown name must get its quick 404 while ten thousand channels idle.
        "server_answers_unknown_host": curl_status(server.http, "nobody-here.localhost", "/", max_time=5),
        "server_settings": server.settings_report(),
    })
    procs.stop(fleet, grace=60)
    procs.stop(server.proc, grace=30)
    print_result(result)
    return result


def print_result(r):
    report.heading(f"Scale: {r['tunnels']:,} idle tunnels on one server")
    if "skipped" in r:
        print(f"**not measured**: {r['skipped']}")
        return
    print("| metric | value |\n|---|---:|")
    print(f"| tunnels online / failed | {r['online']:,} / {r['failed']:,} |")
    if r["first_error"]:
        print(f"| first failure | {r['first_error'][:200]} |")
    print(f"| time to register and connect them all | {r['register_seconds']} s ({r['registrations_per_second']} per s) |")
    print(f"| server CPU for it | {r['server_cpu_seconds']:.1f} s |")
    print(f"| server RSS before / peak / with the tunnels | {r['server_before_mib']:.1f} / {r['server_peak_mib']:.1f} / "
          f"{r['server_with_tunnels_mib']:.1f} MiB |")
    per = r["server_per_tunnel_kib"]
    print(f"| server RSS per idle tunnel | {'-' if per is None else f'{per:.1f} KiB'} |")
    print(f"| server file descriptors before / with the tunnels (limit {r['fd_limit']:,}) | {r['server_fds_before']:,} / "
          f"{r['server_fds_with_tunnels']:,} |")
    print(f"| unknown host answered with | {r['server_answers_unknown_host']} |")
    dropped = r["server_settings"]["not_in_this_build"]
    print(f"| server settings raised | {', '.join(r['server_settings']['set'])}"
          f"{' (not in this build: ' + ', '.join(dropped) + ')' if dropped else ''} |")
