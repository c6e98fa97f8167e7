#!/usr/bin/env python3
"""Orchestrates bench/run.sh: starts every process on 127.0.0.1, runs bounded loads, kills everything by pid."""
import json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime, timezone

QUICK = "--quick" in sys.argv
ROUNDS = int(os.environ.get("ROUNDS", 1 if QUICK else 3))
ONLY_SMALL = os.environ.get("BENCH_ONLY") == "small"  # for profiling iterations: small requests only, no idle tunnels
DURATION = 2 if QUICK else 10
BULK_MIB = 10 if QUICK else 100
IDLE_TUNNELS = 50 if QUICK else 1000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BURROW = os.environ.get("BURROW_BIN", os.path.join(ROOT, "src/Burrow/bin/Release/net10.0/burrow"))
TOOLS = os.path.join(ROOT, "bench/Burrow.BenchTools/bin/Release/net10.0/Burrow.BenchTools")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORK = tempfile.mkdtemp(prefix="burrow-bench-")
PROCS = []


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, name, **kw):
    out = open(os.path.join(WORK, name + ".log"), "w")
    p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
    PROCS.append(p)
    return p


def stop_all():
    for p in PROCS:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for p in PROCS:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()


def wait_for(pred, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for " + what)


def log_has(name, text):
    with open(os.path.join(WORK, name + ".log")) as f:
        return text in f.read()


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return 0.0


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except FileNotFoundError:
        return 0.0
    return 0.0


def curl_ok(port, host, path="/small.bin"):
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "-H", f"Host: {host}", f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    return r.stdout.strip() == "200"


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, host, path, connections, latency=True, duration=DURATION):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Host: {host}"]
    if latency:
        args.append("--latency")
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m:
            lat[pct] = to_ms(m.group(1), m.group(2))
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"rps": rps, "p50_ms": lat.get("50"), "p99_ms": lat.get("99"), "errors": errors}


def bulk(port, host):
    size = BULK_MIB * 1024 * 1024
    down = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download} %{http_code}", "--max-time", "120", "-H", f"Host: {host}", f"http://127.0.0.1:{port}/big.bin"], capture_output=True, text=True).stdout.split()
    up = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_upload} %{http_code}", "--max-time", "120", "-H", f"Host: {host}", "-H", "Expect:", "--data-binary", "@" + os.path.join(WORK, "www/big.bin"), f"http://127.0.0.1:{port}/upload"], capture_output=True, text=True).stdout.split()
    errors = (0 if down[1] == "200" else 1) + (0 if up[1] == "200" else 1)
    return {"download_mbs": float(down[0]) / 1e6, "upload_mbs": float(up[0]) / 1e6, "errors": errors, "bytes": size}


def ws(port, host):
    out = subprocess.run([TOOLS, "ws-client", str(port), host, str(DURATION / 2), "1024"], capture_output=True, text=True, timeout=DURATION + 30)
    if out.returncode != 0:
        return {"msgs": 0.0, "errors": 1}
    return {"msgs": float(out.stdout.strip()), "errors": 0}


class Sampler:
    def __init__(self, pids):
        self.pids, self.peak, self._stop = pids, {p: 0.0 for p in pids}, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for p in self.pids:
                self.peak[p] = max(self.peak[p], rss_mib(p))
            time.sleep(0.2)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *a):
        self._stop.set()
        self._t.join()


def main():
    # nginx workers run as an unprivileged user: they must be able to read the files and write temp bodies.
    os.chmod(WORK, 0o755)
    os.makedirs(os.path.join(WORK, "www"), exist_ok=True)
    os.chmod(os.path.join(WORK, "www"), 0o755)
    with open(os.path.join(WORK, "www/small.bin"), "wb") as f:
        f.write(b"x" * 100)
    with open(os.path.join(WORK, "www/large.bin"), "wb") as f:
        f.write(os.urandom(1024 * 1024))
    with open(os.path.join(WORK, "www/big.bin"), "wb") as f:
        for _ in range(BULK_MIB):
            f.write(os.urandom(1024 * 1024))

    backend, hop, ws_port, burrow_http, burrow_channel, sink = (free_port() for _ in range(6))
    common = f"worker_processes 1; daemon off; pid {WORK}/%s.pid; error_log {WORK}/%s-error.log warn; events {{ worker_connections 4096; }}"
    temp = f"client_body_temp_path {WORK}/tmp; proxy_temp_path {WORK}/tmp; fastcgi_temp_path {WORK}/tmp; uwsgi_temp_path {WORK}/tmp; scgi_temp_path {WORK}/tmp;"
    os.makedirs(os.path.join(WORK, "tmp"), exist_ok=True)
    os.chmod(os.path.join(WORK, "tmp"), 0o777)
    for name in ("small.bin", "large.bin", "big.bin"):
        os.chmod(os.path.join(WORK, "www", name), 0o644)
    # The backend serves the files, and takes uploads by proxying them to a sink server block that discards the body
    # (nginx reads and drops a proxied request body; a plain 'return 200' would not read it at all).
    backend_conf = (common % ("backend", "backend")) + f"""
http {{ access_log off; {temp} sendfile on; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{backend}; root {WORK}/www;
    location = /upload {{ client_max_body_size 0; proxy_request_buffering off; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://127.0.0.1:{sink}/; }}
    location = /ws {{ proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_pass http://127.0.0.1:{ws_port}; }} }}
  server {{ listen 127.0.0.1:{sink}; client_max_body_size 0; location / {{ proxy_pass http://127.0.0.1:{sink}/dev-null; }} location = /dev-null {{ return 200; }} }}
}}"""
    hop_conf = (common % ("hop", "hop")) + f"""
http {{ access_log off; {temp} upstream be {{ server 127.0.0.1:{backend}; keepalive 64; }}
  server {{ listen 127.0.0.1:{hop}; client_max_body_size 0;
    location / {{ proxy_http_version 1.1; proxy_set_header Connection ""; proxy_request_buffering off; proxy_buffering off; proxy_pass http://be; }}
    location = /ws {{ proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_pass http://be; }} }}
}}"""
    for name, conf in (("backend", backend_conf), ("hop", hop_conf)):
        with open(os.path.join(WORK, name + ".conf"), "w") as f:
            f.write(conf)
        start([NGINX, "-c", os.path.join(WORK, name + ".conf"), "-p", WORK], name)
    start([TOOLS, "ws-server", str(ws_port)], "ws-server")
    wait_for(lambda: curl_ok(backend, "x"), "nginx backend")
    wait_for(lambda: curl_ok(hop, "x"), "nginx hop")
    wait_for(lambda: log_has("ws-server", "ready"), "ws server")

    data = os.path.join(WORK, "burrow-data")
    token = subprocess.run([BURROW, "user", "add", "bench", "--max-tunnels", str(IDLE_TUNNELS + 10), "--data", data], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    env = dict(os.environ, BURROW__REGISTRATIONSPERMINUTE="100000", BURROW__CHANNELCONNECTIONSPERMINUTE="100000", DOTNET_gcServer="0")
    server = start([BURROW, "server", "--listen", "127.0.0.1", "--http-port", str(burrow_http), "--channel-port", str(burrow_channel), "--data", data], "burrow-server", env=env)
    wait_for(lambda: log_has("burrow-server", "burrow server:"), "burrow server")
    time.sleep(1)
    server_idle = rss_mib(server.pid)

    t0 = time.time()
    agent = start([BURROW, "http", str(backend), "--host", "127.0.0.1", "--server", f"http://127.0.0.1:{burrow_http}", "--user", "bench", "--token", token, "--name", "demo", "--log-format", "text"], "burrow-agent", env=env)
    wait_for(lambda: curl_ok(burrow_http, "demo.localhost"), "first request through burrow", timeout=60)
    setup_s = time.time() - t0
    time.sleep(1)
    agent_idle = rss_mib(agent.pid)

    targets = [("direct", backend, "x"), ("nginx", hop, "x"), ("burrow", burrow_http, "demo.localhost")]
    runs = {t[0]: {"small": [], "large": [], "bulk": [], "ws": []} for t in targets}
    peak = {"server": 0.0, "agent": 0.0}
    # Warm-up, not measured: Burrow's hot paths are JIT-compiled (tiered) during its first seconds of load, which
    # would otherwise count against whichever round came first (about 40% fewer requests/s in a cold first run).
    log("warm-up")
    wrk(burrow_http, "demo.localhost", "/small.bin", 50, latency=False, duration=2 if QUICK else 8)
    if not ONLY_SMALL:
        wrk(burrow_http, "demo.localhost", "/large.bin", 8, latency=False, duration=2)
        bulk(burrow_http, "demo.localhost")
    for r in range(ROUNDS):
        # Rotate the order each round: this machine slows down under sustained load, which would otherwise always
        # favour whichever target runs first.
        for name, port, host in targets[r % len(targets):] + targets[:r % len(targets)]:
            log(f"round {r + 1}: {name}")
            cpu0 = (cpu_seconds(server.pid), cpu_seconds(agent.pid))
            with Sampler([server.pid, agent.pid]) as sampler:
                runs[name]["small"].append(wrk(port, host, "/small.bin", 50))
            if name == "burrow":
                result = runs[name]["small"][-1]
                requests = result["rps"] * DURATION
                result["server_cpu_us_per_request"] = (cpu_seconds(server.pid) - cpu0[0]) * 1e6 / requests
                result["agent_cpu_us_per_request"] = (cpu_seconds(agent.pid) - cpu0[1]) * 1e6 / requests
            if name == "burrow":
                peak["server"] = max(peak["server"], sampler.peak[server.pid])
                peak["agent"] = max(peak["agent"], sampler.peak[agent.pid])
            if ONLY_SMALL:
                continue
            runs[name]["large"].append(wrk(port, host, "/large.bin", 8))
            runs[name]["bulk"].append(bulk(port, host))
            runs[name]["ws"].append(ws(port, host))

    # Many idle tunnels: server memory before and after they connect, per tunnel.
    time.sleep(2)
    before = after = rss_mib(server.pid)
    if not ONLY_SMALL:
        idle = start([TOOLS, "idle-tunnels", f"http://127.0.0.1:{burrow_http}", "bench", token, str(IDLE_TUNNELS), str(backend)], "idle-tunnels")
        wait_for(lambda: log_has("idle-tunnels", "ready"), f"{IDLE_TUNNELS} idle tunnels", timeout=240)
        time.sleep(3)
        after = rss_mib(server.pid)
        idle.send_signal(signal.SIGTERM)

    def med(name, kind, key):
        values = [x[key] for x in runs[name][kind] if x.get(key) is not None]
        return statistics.median(values) if values else None

    rows = [
        ("small req/s (100 B, c50)", "small", "rps", True),
        ("small p50 ms", "small", "p50_ms", False),
        ("small p99 ms", "small", "p99_ms", False),
        ("large req/s (1 MiB, c8)", "large", "rps", True),
        ("large p99 ms", "large", "p99_ms", False),
        (f"download MB/s ({BULK_MIB} MiB)", "bulk", "download_mbs", True),
        (f"upload MB/s ({BULK_MIB} MiB)", "bulk", "upload_mbs", True),
        ("WebSocket echo msg/s (1 KiB)", "ws", "msgs", True),
    ]
    table = {}
    print(f"\n### Burrow benchmark ({'quick' if QUICK else 'full'}: {ROUNDS} round(s), {DURATION} s loads, medians), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores\n")
    print("| metric | direct | nginx hop | burrow | burrow / direct | burrow / nginx |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, kind, key, _ in rows:
        d, n, b = (med(t, kind, key) for t in ("direct", "nginx", "burrow"))
        ratio = lambda x, y: (x / y) if x and y else None
        table[label] = {"direct": d, "nginx": n, "burrow": b, "burrow_vs_direct": ratio(b, d), "burrow_vs_nginx": ratio(b, n)}
        fmt = lambda v: "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.2f}")
        rfmt = lambda v: "-" if v is None else f"{v:.2f}x"
        print(f"| {label} | {fmt(d)} | {fmt(n)} | {fmt(b)} | {rfmt(table[label]['burrow_vs_direct'])} | {rfmt(table[label]['burrow_vs_nginx'])} |")
    errors = {t: sum(x.get("errors", 0) for kind in runs[t].values() for x in kind) for t in runs}
    per_tunnel_kib = (after - before) * 1024 / IDLE_TUNNELS
    memory = {
        "setup_seconds": setup_s,
        "server_idle_mib": server_idle,
        "agent_idle_mib": agent_idle,
        "server_peak_small_mib": peak["server"],
        "agent_peak_small_mib": peak["agent"],
        "idle_tunnels": IDLE_TUNNELS,
        "server_before_idle_tunnels_mib": before,
        "server_with_idle_tunnels_mib": after,
        "server_per_idle_tunnel_kib": per_tunnel_kib,
    }
    print()
    print(f"| other | value |\n|---|---:|")
    print(f"| setup: `burrow http` start to first public 200 | {setup_s:.2f} s |")
    print(f"| server RSS idle / peak (small run) | {server_idle:.1f} / {peak['server']:.1f} MiB |")
    print(f"| agent RSS idle / peak (small run) | {agent_idle:.1f} / {peak['agent']:.1f} MiB |")
    print(f"| server RSS with {IDLE_TUNNELS} idle tunnels | {after:.1f} MiB ({per_tunnel_kib:.1f} KiB per tunnel) |")
    small = runs["burrow"]["small"]
    print(f"| CPU per small request: server / agent | {statistics.median(x['server_cpu_us_per_request'] for x in small):.0f} / {statistics.median(x['agent_cpu_us_per_request'] for x in small):.0f} us |")
    print(f"| errors (non-2xx + socket errors) direct / nginx / burrow | {errors['direct']} / {errors['nginx']} / {errors['burrow']} |")

    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    out = os.path.join(ROOT, "bench/results", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ("-quick" if QUICK else "") + ".json")
    with open(out, "w") as f:
        json.dump({"quick": QUICK, "rounds": ROUNDS, "duration_s": DURATION, "cores": os.cpu_count(), "table": table, "memory": memory, "errors": errors, "raw": runs}, f, indent=2)
    print(f"\nJSON: {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
        shutil.rmtree(WORK, ignore_errors=True)
