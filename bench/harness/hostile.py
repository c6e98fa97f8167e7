"""The hostile-tenant scenario (issue 10, finding 1), measured against the server's default settings.

A scripted agent (Burrow.BenchTools hostile-agent) registers a name, grants huge windows, accepts every stream and then
stops reading; public clients each POST 1 MiB to that name from several loopback addresses at once. Meanwhile an honest
tunnel (a real agent in front of the nginx backend) is probed at a fixed rate. Reported: the server's peak RSS, its RSS
30 s after the attack ended, the honest tunnel's latency and errors during the attack, and whether and when the server
cut the hostile channel off. The issue's targets are shown as met or not; nothing here asserts.
"""
import time

from . import report
from .burrow import HOSTILE_CONFIG, HOSTILE_PENDING, BurrowServer, add_user, start_agent
from .loads import curl_ok, wrk
from .procs import Sampler, log, rss_mib, wait_exit, wait_for
from .settings import TOOLS

PEAK_TARGET_MIB = 300
AFTER_TARGET_X_IDLE = 2
STALL_TARGET_S = 35


def run(ctx):
    s, procs = ctx.settings, ctx.procs
    data = f"{ctx.work}/hostile-data"
    honest_token = add_user(data, "honest", 10)
    mallory_token = add_user(data, "mallory", 10)
    server = BurrowServer(procs, ctx.work, "hostile-server", HOSTILE_CONFIG, HOSTILE_PENDING, data=data)
    honest, _ = start_agent(procs, server, "honest", "honest", honest_token, ctx.ports["backend"])
    wrk(server.http, "honest.localhost", "/small.bin", 8, 2, latency=False)  # JIT warm-up, not measured
    baseline = probe(ctx, server, "probe-baseline", s.probe_baseline_s)

    hostile = procs.start([TOOLS, "hostile-agent", server.url, "mallory", mallory_token, "mallory", str(s.hostile_clients),
                           str(s.hostile_accept_s), str(s.hostile_hold_s), str(s.hostile_read_rate)], "hostile-agent")
    wait_for(lambda: procs.has("hostile-agent", "ready") or hostile.poll() is not None, "hostile agent", timeout=30)
    if hostile.poll() is not None:
        raise RuntimeError("hostile agent failed:\n" + procs.text("hostile-agent"))
    time.sleep(1)
    server_idle, honest_idle = rss_mib(server.pid), rss_mib(honest.pid)

    log(f"hostile: {s.hostile_clients} x {s.hostile_body // 1024} KiB uploads to a non-reading agent")
    with Sampler([server.pid, honest.pid], interval=0.2, keep=True) as sampler:
        flood = procs.start([TOOLS, "upload-flood", str(server.http), "mallory.localhost", "/upload", str(s.hostile_clients),
                             str(s.hostile_body), str(s.hostile_flood_s), str(s.hostile_sources)], "upload-flood")
        during = probe(ctx, server, "probe-attack", s.hostile_flood_s)
        wait_exit(flood, "upload flood", s.hostile_flood_s + 60)
        wait_exit(hostile, "hostile agent", s.hostile_accept_s + s.hostile_hold_s + 180)
        attack_s = time.time() - sampler.started
        log(f"hostile: attack over after {attack_s:.0f} s; memory in {s.after_load_s} s")
        time.sleep(s.after_load_s)  # the measurement interval issue 10 names ("RSS 30 s after")
        after = rss_mib(server.pid)
    honest_ok_after = curl_ok(server.http, "honest.localhost")

    agent = procs.last_json("hostile-agent", "done") or {}
    result = {
        "clients": s.hostile_clients, "body_bytes": s.hostile_body, "sources": s.hostile_sources,
        "flood_s": s.hostile_flood_s, "accept_s": s.hostile_accept_s, "hold_s": s.hostile_hold_s,
        "after_wait_s": s.after_load_s,
        "server_idle_mib": server_idle,
        "server_peak_mib": sampler.peak_between(server.pid, 0, attack_s),
        "server_peak_at_s": peak_time(sampler, server.pid, attack_s),
        "server_at_attack_end_mib": last_before(sampler, server.pid, attack_s),
        "server_after_attack_mib": after,
        "honest_agent_idle_mib": honest_idle,
        "honest_agent_peak_mib": sampler.peak_between(honest.pid, 0, attack_s),
        "honest_baseline": baseline,
        "honest_during_attack": during,
        "honest_ok_after": honest_ok_after,
        "hostile_agent": agent,
        "hostile_disconnected": agent.get("disconnected"),
        "hostile_disconnected_after_stall_s": agent.get("disconnected_after_stall_s"),
        "flood": procs.last_json("upload-flood", "done"),
        "server_log_about_hostile": distinct_lines(procs.text("hostile-server"), "mallory"),
        "server_rss_timeline": [[round(t, 1), round(v[server.pid], 1)] for t, v in sampler.timeline[::5]],
        "server_settings": server.settings_report(),
    }
    result["targets"] = targets(result, s)
    procs.stop(honest)
    procs.stop(server.proc, grace=30)
    print_result(result)
    return result


def probe(ctx, server, name, seconds):
    s = ctx.settings
    p = ctx.procs.start([TOOLS, "probe", str(server.http), "honest.localhost", "/small.bin", str(seconds), str(s.probe_rate), "20"], name)
    wait_exit(p, name, seconds + 60)
    return ctx.procs.last_json(name, "done")


def distinct_lines(text, needle, limit=12):
    """The server's log lines that mention the hostile name, each distinct line once with how often it came."""
    counts = {}
    for line in text.splitlines():
        if needle in line:
            counts[line] = counts.get(line, 0) + 1
    return [f"{n} x {line[:300]}" for line, n in list(counts.items())[:limit]]


def peak_time(sampler, pid, until):
    points = [(v[pid], t) for t, v in sampler.timeline if t <= until]
    return round(max(points)[1], 1) if points else None


def last_before(sampler, pid, until):
    points = [v[pid] for t, v in sampler.timeline if t <= until]
    return points[-1] if points else None


def targets(r, s):
    """Issue 10's 'done means' for this attack, as observed; None where this run cannot tell."""
    during = r["honest_during_attack"] or {}
    gone = r["hostile_disconnected_after_stall_s"]
    return {
        f"server_peak_le_{PEAK_TARGET_MIB}_mib": r["server_peak_mib"] <= PEAK_TARGET_MIB,
        f"server_after_le_{AFTER_TARGET_X_IDLE}x_idle": r["server_after_attack_mib"] <= AFTER_TARGET_X_IDLE * r["server_idle_mib"],
        "honest_answered_every_request": during.get("errors") == 0 if during else False,
        f"stalled_channel_gone_within_{STALL_TARGET_S}_s": (gone is not None and gone <= STALL_TARGET_S) if (gone is not None or s.hostile_hold_s > STALL_TARGET_S) else None,
    }


def print_result(r):
    report.heading(f"Hostile tenant: {r['clients']:,} x {r['body_bytes'] // 1024} KiB uploads to a non-reading agent, "
                   f"from {r['sources']} addresses, server defaults")
    b, d = r["honest_baseline"] or {}, r["honest_during_attack"] or {}
    ms = lambda v: "-" if v is None else f"{v:,.1f} ms"
    t = r["targets"]
    print("| metric | value | issue 10 target |\n|---|---:|---|")
    print(f"| server RSS idle / peak (at {r['server_peak_at_s']} s) | {report.mib(r['server_idle_mib'])} / "
          f"{report.mib(r['server_peak_mib'])} | peak <= {PEAK_TARGET_MIB} MiB: {report.met(t[f'server_peak_le_{PEAK_TARGET_MIB}_mib'])} |")
    print(f"| server RSS at attack end / {r['after_wait_s']} s after | {report.mib(r['server_at_attack_end_mib'])} / "
          f"{report.mib(r['server_after_attack_mib'])} | <= {AFTER_TARGET_X_IDLE}x idle: "
          f"{report.met(t[f'server_after_le_{AFTER_TARGET_X_IDLE}x_idle'])} |")
    print(f"| honest tunnel p50 / p99 / max, before | {ms(b.get('p50_ms'))} / {ms(b.get('p99_ms'))} / {ms(b.get('max_ms'))} | |")
    print(f"| honest tunnel p50 / p99 / max, during | {ms(d.get('p50_ms'))} / {ms(d.get('p99_ms'))} / {ms(d.get('max_ms'))} | |")
    print(f"| honest tunnel errors during ({d.get('requests', 0)} requests at {d.get('rate', '-')}/s) | {d.get('errors', '-')} "
          f"{d.get('error_kinds') or ''} | none: {report.met(t['honest_answered_every_request'])} |")
    gone, agent = r["hostile_disconnected_after_stall_s"], r["hostile_agent"]
    cut = (f"after {gone} s stalled" if gone is not None else
           "closed while it was still reading" if agent.get("closed_while_reading") else f"no, still connected after {r['hold_s']} s")
    print(f"| hostile channel cut off by the server | {cut} | within {STALL_TARGET_S} s: "
          f"{report.met(t[f'stalled_channel_gone_within_{STALL_TARGET_S}_s'])} |")
    print(f"| hostile agent: streams accepted / MiB it read | {agent.get('accepted', '-')} / "
          f"{(agent.get('data_bytes_read') or 0) / 1048576:.1f} | |")
    f = r["flood"] or {}
    print(f"| flood: connected / bodies sent / statuses | {f.get('connected', '-')} / {f.get('bodies_sent', '-')} / "
          f"{f.get('statuses') or {}} (no status: {f.get('no_status', '-')}) | |")
    print(f"| honest agent RSS idle / peak | {report.mib(r['honest_agent_idle_mib'])} / {report.mib(r['honest_agent_peak_mib'])} | |")
    print(f"| honest tunnel works after | {'yes' if r['honest_ok_after'] else '**no**'} | |")
