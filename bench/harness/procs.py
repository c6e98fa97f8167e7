"""Processes started by the bench (stopped by pid, never by name), waiting on conditions, and /proc readings."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    """Every process the bench starts; each writes WORK/<name>.log; stop_all() ends whatever is still running."""

    def __init__(self, work):
        self.work, self.running = work, []

    def start(self, args, name, **kw):
        with open(self.path(name), "w") as out:
            p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
        self.running.append(p)
        return p

    def path(self, name):
        return os.path.join(self.work, name + ".log")

    def text(self, name):
        try:
            with open(self.path(name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def has(self, name, text):
        return text in self.text(name)

    def last_json(self, name, event=None):
        """The last JSON line a tool printed (optionally the last with that "event"), or None."""
        for line in reversed(self.text(name).splitlines()):
            if line.startswith("{"):
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if event is None or value.get("event") == event:
                    return value
        return None

    def stop(self, p, grace=15):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop_all(self):
        for p in self.running:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.time() + 15
        for p in self.running:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()


def wait_for(pred, what, timeout=30, interval=0.05):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return
        except Exception:
            pass
        time.sleep(interval)
    raise RuntimeError("timed out waiting for " + what)


def wait_exit(p, what, timeout):
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{what} did not finish within {timeout} s")


def machine_busy_seconds():
    """CPU time the whole machine spent not idle (all cores, every process and the kernel), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return 0.0


def rss_parts_mib(pid):
    """RSS split into anonymous memory (heap, stacks: the process's own) and file pages (mapped code, shared with
    every process mapping the same files, and dropped by the kernel under pressure), from /proc/PID/status."""
    parts = {"anon": 0.0, "file": 0.0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    parts["anon"] = int(line.split()[1]) / 1024.0
                elif line.startswith("RssFile:"):
                    parts["file"] = int(line.split()[1]) / 1024.0
    except FileNotFoundError:
        pass
    return parts


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except FileNotFoundError:
        return 0.0
    return 0.0


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:
        return 0


class Sampler:
    """RSS of some processes every `interval` s while active: peaks, and (keep=True) the whole timeline."""

    def __init__(self, pids, interval=0.2, keep=False):
        self.pids, self.interval, self.keep = pids, interval, keep
        self.peak = {p: 0.0 for p in pids}
        self.timeline = []            # (seconds since start, {pid: MiB})
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self.started = time.time()

    def _run(self):
        while not self._stop.is_set():
            now = {p: rss_mib(p) for p in self.pids}
            for p, v in now.items():
                self.peak[p] = max(self.peak[p], v)
            if self.keep:
                self.timeline.append((time.time() - self.started, now))
            self._stop.wait(self.interval)

    def peak_between(self, pid, t0, t1):
        values = [v[pid] for t, v in self.timeline if t0 <= t <= t1]
        return max(values) if values else 0.0

    def __enter__(self):
        self.started = time.time()
        self._t.start()
        return self

    def __exit__(self, *a):
        self._stop.set()
        self._t.join()


def settle_curve(pids, seconds, step=1.0):
    """RSS of each pid once a second for `seconds` after a load: [(t, {pid: MiB})], the last one at `seconds`."""
    curve, start = [], time.time()
    for i in range(int(seconds / step) + 1):
        wait = start + i * step - time.time()
        if wait > 0:
            time.sleep(wait)
        curve.append((round(time.time() - start, 1), {p: round(rss_mib(p), 1) for p in pids}))
    return curve
