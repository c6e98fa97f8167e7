"""The reference servers: an nginx backend (the thing every path ends at) and an nginx reverse-proxy hop in front of it.

Both are tuned so that neither handicaps its side of the comparison; every choice below was measured (README,
"Benchmark"). Run checks in table.py flag a run whose hop falls below half of direct on 1 MiB responses.
"""
import os

from .procs import wait_for
from .settings import NGINX, TOOLS


def write_files(work, bulk_mib):
    """100 B, 1 MiB and bulk files, readable by nginx's unprivileged workers, and a temp dir they can write."""
    os.chmod(work, 0o755)
    www = os.path.join(work, "www")
    os.makedirs(www, exist_ok=True)
    os.chmod(www, 0o755)
    with open(os.path.join(www, "small.bin"), "wb") as f:
        f.write(b"x" * 100)
    with open(os.path.join(www, "large.bin"), "wb") as f:
        f.write(os.urandom(1024 * 1024))
    with open(os.path.join(www, "big.bin"), "wb") as f:
        for _ in range(bulk_mib):
            f.write(os.urandom(1024 * 1024))
    for name in ("small.bin", "large.bin", "big.bin"):
        os.chmod(os.path.join(www, name), 0o644)
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    os.chmod(tmp, 0o777)


def _common(work, name):
    return (f"worker_processes 1; daemon off; pid {work}/{name}.pid; error_log {work}/{name}-error.log warn; "
            f"events {{ worker_connections 16384; }}")


def _temp(work):
    return " ".join(f"{k}_temp_path {work}/tmp;" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))


def backend_conf(work, port, ws_port, sink_port):
    # Files with sendfile (no user-space copy: "direct" is the best any path here can do). Uploads stream (no request
    # buffering) to the upload sink, which drains them without touching the disk. keepalive_requests is raised
    # because nginx's default (1000) would make wrk reconnect every thousand requests on one path and not another.
    return _common(work, "backend") + f"""
http {{ access_log off; {_temp(work)} sendfile on; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{port}; root {work}/www;
    location = /upload {{ client_max_body_size 0; proxy_request_buffering off; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_pass http://127.0.0.1:{sink_port}; }}
    location = /ws {{ proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";
      proxy_pass http://127.0.0.1:{ws_port}; }} }}
}}"""


def hop_conf(work, port, backend_port):
    # One plain proxy hop, streaming both ways. With nginx's default 4 KiB proxy_buffer_size a streamed 1 MiB
    # response moved at 409 req/s against 3,556 direct (issue 16); 64 KiB buffers are what a tuned proxy uses.
    # proxy_buffering stays off: with it on, this kernel stalls nginx at about 40 ms per 1 MiB response. One worker: on
    # two cores shared with wrk and the backend, a second worker was no faster (alternating 5 s runs, 2026-11-30:
    # 1 MiB 1,062 vs 1,083 req/s, 100 B 23,506 vs 20,700 req/s).
    return _common(work, "hop") + f"""
http {{ access_log off; {_temp(work)} keepalive_requests 1000000;
  proxy_http_version 1.1; proxy_buffer_size 64k; proxy_buffers 16 64k; proxy_busy_buffers_size 128k;
  upstream be {{ server 127.0.0.1:{backend_port}; keepalive 64; keepalive_requests 1000000; }}
  server {{ listen 127.0.0.1:{port}; client_max_body_size 0;
    location / {{ proxy_set_header Connection ""; proxy_request_buffering off; proxy_buffering off; proxy_pass http://be; }}
    location = /ws {{ proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_pass http://be; }} }}
}}"""


def start_backend(procs, work, ports, with_hop=True):
    """Backend (+ hop), WebSocket echo server and upload sink. ports: dict with backend, hop, ws, sink."""
    from .loads import curl_ok
    procs.start([TOOLS, "ws-server", str(ports["ws"])], "ws-server")
    procs.start([TOOLS, "upload-sink", str(ports["sink"])], "upload-sink")
    confs = [("backend", backend_conf(work, ports["backend"], ports["ws"], ports["sink"]))]
    if with_hop:
        confs.append(("hop", hop_conf(work, ports["hop"], ports["backend"])))
    for name, conf in confs:
        path = os.path.join(work, name + ".conf")
        with open(path, "w") as f:
            f.write(conf)
        procs.start([NGINX, "-c", path, "-p", work], name)
    wait_for(lambda: curl_ok(ports["backend"], "x"), "nginx backend")
    if with_hop:
        wait_for(lambda: curl_ok(ports["hop"], "x"), "nginx hop")
    wait_for(lambda: procs.has("ws-server", "ready"), "ws server")
    wait_for(lambda: procs.has("upload-sink", "ready"), "upload sink")
