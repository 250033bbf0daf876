"""Seed step 4: xend's relocation server on every xm host, open to the other hosts, and reachable.

For xl (and virsh) there is no xend: migration runs over SSH from host to host (``ssh_trust``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re

from xentui.config import HostConfig
from xentui.setup import xend_config as xc
from xentui.setup.context import Context
from xentui.setup.results import Command, FileEdit, Finding, FixPlan, Status
from xentui.setup.sxp import SxpError

XEND_CONFIG = "/etc/xen/xend-config.sxp"
TCP_TIMEOUT_S = 3
P, F, U = Status.PASSED, Status.FAILED, Status.UNKNOWN


def _peers(ctx: Context, host: HostConfig) -> list[HostConfig]:
    return [h for h in ctx.hosts if h.name != host.name]


def _judge(ctx: Context, host: HostConfig, settings: dict[str, xc.Setting]) -> list[str]:
    """What is wrong with one host's relocation settings, in words; empty when right."""
    wrong: list[str] = []
    server = settings[xc.SERVER]
    if xc.as_bool(server.text) is not True:
        wrong.append(f"relocation server is {server.text!r} ({server.where()})")
    port = settings[xc.PORT]
    if not port.text.isdigit() or not 0 < int(port.text) < 65536:
        wrong.append(f"relocation port {port.text!r} is not a port number ({port.where()})")
    address = settings[xc.ADDRESS]
    if address.text not in ("", "0.0.0.0", *ctx.names_of(host)):
        wrong.append(
            f"relocation address {address.text!r} ({address.where()}) keeps other hosts out"
        )
    allow = settings[xc.HOSTS_ALLOW]
    for peer in _peers(ctx, host):
        ok, why = xc.hosts_allow_admits(allow.text, ctx.names_of(peer))
        if not ok:
            wrong.append(f"hosts-allow ({allow.where()}): {why}")
    return wrong


async def _check_one(ctx: Context, host: HostConfig) -> Finding:
    text = await ctx.read_file(host.name, XEND_CONFIG)
    if text is None:
        return Finding(host.name, F, f"{XEND_CONFIG} does not exist")
    try:
        settings = xc.read_settings(text)
    except SxpError as exc:
        return Finding(host.name, U, f"{XEND_CONFIG} line {exc.line}: {exc.message}")
    wrong = _judge(ctx, host, settings)
    if wrong:
        return Finding(host.name, F, "; ".join(wrong))
    port = settings[xc.PORT].text
    allow = settings[xc.HOSTS_ALLOW].text
    return Finding(host.name, P, f"relocation server on, port {port}, hosts-allow '{allow}'")


async def check_xend(ctx: Context) -> list[Finding]:
    hosts = [h for h in ctx.hosts if h.toolstack == "xm"]
    return list(await asyncio.gather(*(_check_one(ctx, h) for h in hosts)))


def allow_value(ctx: Context, host: HostConfig) -> str:
    """The hosts-allow that lets the other hosts in, as the seed's own example reads."""
    names = [n for peer in _peers(ctx, host) for n in ctx.names_of(peer)]
    return " ".join(_admits(n) for n in [*names, "localhost"])


def _admits(name: str) -> str:
    """One peer's regex. xend matches the peer's FQDN (``socket.getfqdn``), which is the long
    name whenever /etc/hosts or DNS lists it first: a host name admits its long forms too."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return f"^{re.escape(name)}(\\..*)?$"
    return f"^{re.escape(name)}$"


async def plan_xend(ctx: Context) -> FixPlan:
    edits: list[FileEdit] = []
    commands: list[Command] = []
    notes: list[str] = []
    for host in (h for h in ctx.hosts if h.toolstack == "xm"):
        text = await ctx.read_file(host.name, XEND_CONFIG)
        try:
            settings = xc.read_settings(text or "")
        except SxpError as exc:
            notes.append(f"{host.name}: {XEND_CONFIG} line {exc.line}: {exc.message}: fix by hand")
            continue
        if not _judge(ctx, host, settings):
            continue
        new = text or ""
        new = xc.set_setting(new, xc.SERVER, "yes")
        port = settings[xc.PORT].text
        new = xc.set_setting(new, xc.PORT, port if port.isdigit() else "8002")
        if settings[xc.ADDRESS].text not in ("", "0.0.0.0", *ctx.names_of(host)):
            new = xc.set_setting(new, xc.ADDRESS, "")
        allow = settings[xc.HOSTS_ALLOW].text
        if any(not xc.hosts_allow_admits(allow, ctx.names_of(p))[0] for p in _peers(ctx, host)):
            new = xc.set_setting(new, xc.HOSTS_ALLOW, allow_value(ctx, host))
        if new != text:
            edits.append(FileEdit(host.name, XEND_CONFIG, text or "", new, exists=text is not None))
        commands.append(Command(host.name, ("service", "xend", "restart")))
    if notes and not edits:
        return FixPlan("relocation", instructions="\n".join(notes))
    return FixPlan("relocation", edits=tuple(edits), commands=tuple(commands), notes=tuple(notes))


def tcp_argv(address: str, port: int) -> list[str]:
    """A connect test that exits 0 only when the port accepted (nc from the source host)."""
    return ["nc", "-z", "-v", "-w", str(TCP_TIMEOUT_S), address, str(port)]


async def _port_of(ctx: Context, host: HostConfig) -> int:
    text = await ctx.read_file(host.name, XEND_CONFIG)
    port = xc.read_settings(text or "")[xc.PORT].text
    return int(port) if port.isdigit() else 8002


async def _reach(ctx: Context, source: HostConfig, target: HostConfig) -> Finding:
    port = await _port_of(ctx, target)
    where = f"{source.name} → {target.name}"
    argv = tcp_argv(target.migration_target, port)
    result = await ctx.run(source.name, argv, timeout=TCP_TIMEOUT_S + 5)
    if result.ok:
        return Finding(where, P, f"{target.migration_target}:{port} accepts TCP connections")
    if result.exit_status == 127:
        return Finding(where, U, f"cannot test: {result.output or 'nc is not installed'}")
    found = result.output or f"exit status {result.exit_status}"
    return Finding(where, F, f"{target.migration_target}:{port} does not answer over TCP", found)


async def check_reach(ctx: Context) -> list[Finding]:
    if alone := ctx.alone():
        return alone
    targets = [h for h in ctx.others if h.toolstack == "xm"]
    return list(await asyncio.gather(*(_reach(ctx, ctx.first, t) for t in targets)))


async def plan_reach(ctx: Context) -> FixPlan:
    findings = await check_reach(ctx)
    commands = [
        Command(target.name, ("service", "xend", "restart"))
        for target, finding in zip(
            [h for h in ctx.others if h.toolstack == "xm"], findings, strict=True
        )
        if finding.status is F
    ]
    return FixPlan("relocation-port", commands=tuple(commands))
