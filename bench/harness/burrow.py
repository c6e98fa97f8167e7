"""Starting Burrow for a scenario: its users, a server with the scenario's settings file, and real agents.

The server is configured through a settings file (burrow server --config; keys are BurrowServerOptions' properties,
listed by `burrow server --help`). Each scenario states which limits it raises and why; add a key here when the server
gains a limit that the bench's own traffic (everything from 127.0.0.1) would trip. PENDING keys name limits being added
to the server (issue 10): a build that does not know one yet refuses to start naming it, and the bench then drops it,
retries, and says so in the results. Once a key ships, move it to the scenario's dict so a rename fails loudly.
"""
import json
import os
import re
import subprocess
import time

from .procs import free_port, log, wait_for
from .settings import BURROW

UNLIMITED = 1_000_000

# The table: one agent plus `idle_tunnels` real agents of one user registering from 127.0.0.1, fifty at a time, each
# keeping its registration connection to the public port open for a while.
TABLE_CONFIG = {
    "RegistrationsPerMinute": UNLIMITED,          # per address (default 30)
    "RegistrationsPerUserPerMinute": UNLIMITED,   # per user (default 20)
    "MaxNamesPerUser": UNLIMITED,                 # name quota (default 20); `user add --max-names` is passed too
    "ChannelConnectionsPerMinute": UNLIMITED,     # per address (default 60)
    "MaxHandshakesInProgressPerNetwork": 1000,    # per address (default 16); the global cap (1000) stays
    "MaxConnectionsPerClient": UNLIMITED,         # public connections per client network (default 256)
    "MaxRequestsPerUser": UNLIMITED,              # requests in flight per user (default 256)
}
TABLE_PENDING = {}

# Scale: ten thousand tunnels of one user from one address, 32 registrations and handshakes in flight.
SCALE_CONFIG = dict(TABLE_CONFIG)
SCALE_PENDING = dict(TABLE_PENDING)

# Hostile: the server's own defaults; the flood spreads over several loopback addresses instead of lifting the
# per-address public connection cap, so the scenario tests what an operator actually runs.
HOSTILE_CONFIG = {}
HOSTILE_PENDING = {}


def add_user(data, name, max_tunnels, max_names=None):
    """`burrow user add`; also passes --max-names when this build has it. Returns the token."""
    args = [BURROW, "user", "add", name, "--max-tunnels", str(max_tunnels), "--data", data]
    if max_names is not None and "--max-names" in _help("user", "add"):
        args += ["--max-names", str(max_names)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def _help(*command):
    return subprocess.run([BURROW, *command, "--help"], capture_output=True, text=True).stdout


def _nested(flat):
    """{"Mux:KeepAliveInterval": v} -> {"Mux": {"KeepAliveInterval": v}}."""
    out = {}
    for key, value in flat.items():
        node, parts = out, key.split(":")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class BurrowServer:
    """A running `burrow server` on 127.0.0.1 with its own data directory, ports and settings file."""

    def __init__(self, procs, work, name, config, pending, data=None):
        self.procs, self.name = procs, name
        self.data = data or os.path.join(work, name + "-data")
        self.http, self.channel = free_port(), free_port()
        self.config_path = os.path.join(work, name + ".json")
        self.applied, self.dropped = dict(config), []
        candidates = dict(config, **pending)
        for _ in range(len(pending) + 1):
            with open(self.config_path, "w") as f:
                json.dump(_nested(candidates), f, indent=2)
            self.proc = procs.start([BURROW, "server", "--config", self.config_path, "--listen", "127.0.0.1",
                                     "--http-port", str(self.http), "--channel-port", str(self.channel), "--admin-port", "0", "--data", self.data], name)
            wait_for(lambda: self.proc.poll() is not None or procs.has(name, "burrow server:"), name, timeout=60)
            if self.proc.poll() is None:
                self.applied = candidates
                return
            unknown = self._unknown_keys()
            droppable = [k for k in candidates if k in pending and k.split(":")[-1] in unknown]
            if not droppable:
                raise RuntimeError(f"{name} did not start:\n{procs.text(name)}")
            for key in droppable:
                log(f"{name}: this build has no setting {key} yet; running without it")
                self.dropped.append(key)
                del candidates[key]
        raise RuntimeError(f"{name} did not start:\n{procs.text(name)}")

    def _unknown_keys(self):
        """The keys a refused start names: "configuration error: Key: unknown setting" (one at a time)."""
        text = self.procs.text(self.name)
        return {k.split(":")[-1] for k in re.findall(r"configuration error: ([\w:]+): unknown setting", text)}

    @property
    def pid(self):
        return self.proc.pid

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http}"

    def settings_report(self):
        return {"set": self.applied, "not_in_this_build": self.dropped}


def start_agent(procs, server, name, user, token, local_port):
    """A real `burrow http` agent; returns (process, seconds from start to its first public 200).

    The request inspector is off: it keeps what it captures in a ring of up to --inspect-buffer (64 MiB by default),
    by design, and the table measures what the tunnel itself costs. With the inspector on, add that ring to the
    agent's RSS."""
    from .loads import curl_ok
    t0 = time.time()
    agent = procs.start([BURROW, "http", str(local_port), "--host", "127.0.0.1", "--server", server.url, "--user", user,
                         "--token", token, "--name", name, "--log-format", "text", "--inspect", "off"], f"agent-{name}")
    wait_for(lambda: curl_ok(server.http, f"{name}.localhost"), f"first request through {name}", timeout=60)
    return agent, time.time() - t0
