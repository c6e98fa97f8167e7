"""Formatting for the Markdown on stdout, and the JSON file."""
import json
import os
from datetime import datetime, timezone

from .settings import ROOT


def heading(title):
    print(f"\n### {title}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores\n")


def num(v):
    return "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.2f}")


def ratio(v):
    return "-" if v is None else f"{v:.2f}x"


def mib(v):
    return "-" if v is None else f"{v:.1f} MiB"


def met(ok):
    return "-" if ok is None else ("met" if ok else "**not met**")


def write(result, settings):
    """bench/results/<UTC time>[-quick][-scenarios].json; the name says when a run was not a full one."""
    os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
    default = ["table"] if settings.quick else ["table", "scale", "hostile"]
    tags = ("-quick" if settings.quick else "") + ("" if settings.scenarios == default else "-" + "-".join(settings.scenarios))
    out = os.path.join(ROOT, "bench/results", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + tags + ".json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nJSON: {os.path.relpath(out, ROOT)}")
