"""The hosts' lists as plain data and text: the stable `xentui list --json` shape for scripts."""

from __future__ import annotations

from typing import Any

from xentui.model import Domain
from xentui.textsafe import printable

DOMAIN_KEYS = (
    "name",
    "base_name",
    "id",
    "mem_mib",
    "vcpus",
    "state",
    "flags",
    "cpu_s",
    "migration",
)
HOST_KEYS = (
    "name",
    "toolstack",
    "reachable",
    "error",
    "latency_ms",
    "domains",
    "notes",
    "error_output",
)
"""``error`` leads with the decisive lines of a failed list; ``error_output`` is that command's
whole output (None when it did not fail); ``notes`` say how the list was read (``no header``)."""


def domain_json(d: Domain) -> dict[str, Any]:
    return {
        "name": d.name,
        "base_name": d.base_name,
        "id": d.id,
        "mem_mib": d.mem_mib,
        "vcpus": d.vcpus,
        "state": d.state.value,
        "flags": d.flags,
        "cpu_s": d.cpu_s,
        "migration": d.migration.value if d.migration is not None else None,
    }


def host_json(
    name: str,
    toolstack: str,
    *,
    reachable: bool,
    error: str | None,
    latency_s: float | None,
    domains: tuple[Domain, ...],
    notes: tuple[str, ...] = (),
    error_output: str | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "toolstack": toolstack,
        "reachable": reachable,
        "error": error,
        "latency_ms": None if latency_s is None else round(latency_s * 1000, 3),
        "domains": [domain_json(d) for d in domains],
        "notes": list(notes),
        "error_output": error_output,
    }


def _cell(v: object, fmt: str = "") -> str:
    return "-" if v is None else format(v, fmt)


def host_text(host: dict[str, Any]) -> list[str]:
    """One host as a person reads it: a header line, then the domains table."""
    status = "reachable" if host["reachable"] else "UNREACHABLE"
    lat = f", {host['latency_ms']:.0f} ms" if host["latency_ms"] is not None else ""
    # the host's words are shown inert, and a message of several lines stays under its "!"
    lines = [f"{printable(host['name'])} ({printable(host['toolstack'])}): {status}{lat}"]
    if host["error"]:
        lines.append("  ! " + printable(host["error"], newlines=True).replace("\n", "\n    "))
    lines.extend(f"  note: {printable(note)}" for note in host["notes"])
    if host["domains"]:
        lines.append(
            f"  {'Name':<32} {'ID':>5} {'Mem':>6} {'VCPUs':>5} {'State':<9} {'Time(s)':>9}"
        )
    for d in host["domains"]:
        role = f"  [{d['migration']}]" if d["migration"] else ""
        lines.append(
            f"  {printable(d['name']):<32} {_cell(d['id']):>5} {_cell(d['mem_mib']):>6} "
            f"{_cell(d['vcpus']):>5} {d['state']:<9} {_cell(d['cpu_s'], '.1f'):>9}{role}"
        )
    return lines
