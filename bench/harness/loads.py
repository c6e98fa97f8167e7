"""The loads: wrk for request rates and latency, curl for bulk transfers, the WebSocket client. All bounded in time."""
import os
import re
import subprocess

from .settings import TOOLS


def curl_ok(port, host, path="/small.bin"):
    return curl_status(port, host, path) == "200"


def curl_status(port, host, path="/small.bin", max_time=2):
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", str(max_time), "-H", f"Host: {host}",
                        f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    return r.stdout.strip()


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, host, path, connections, duration, latency=True):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Host: {host}"]
    if latency:
        args.append("--latency")
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m:
            lat[pct] = _ms(m.group(1), m.group(2))
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"rps": rps, "p50_ms": lat.get("50"), "p99_ms": lat.get("99"), "errors": errors}


def bulk(port, host, work, mib):
    """One download and one upload of the bulk file, each bounded by curl --max-time."""
    down = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download} %{http_code}", "--max-time", "120",
                           "-H", f"Host: {host}", f"http://127.0.0.1:{port}/big.bin"], capture_output=True, text=True).stdout.split()
    up = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_upload} %{http_code}", "--max-time", "120",
                         "-H", f"Host: {host}", "-H", "Expect:", "--data-binary", "@" + os.path.join(work, "www/big.bin"),
                         f"http://127.0.0.1:{port}/upload"], capture_output=True, text=True).stdout.split()
    speed = lambda out: float(out[0]) / 1e6 if len(out) == 2 and out[1] == "200" else 0.0
    errors = (0 if speed(down) else 1) + (0 if speed(up) else 1)
    return {"download_mbs": speed(down), "upload_mbs": speed(up), "errors": errors, "bytes": mib * 1024 * 1024}


def ws(port, host, duration):
    out = subprocess.run([TOOLS, "ws-client", str(port), host, str(duration / 2), "1024"], capture_output=True, text=True,
                         timeout=duration + 30)
    if out.returncode != 0:
        return {"msgs": 0.0, "errors": 1}
    return {"msgs": float(out.stdout.strip()), "errors": 0}
