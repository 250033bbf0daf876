"""Seed steps 5-6: ``/xen`` exported by the first host over NFS, and mounted at /xen on the rest."""

from __future__ import annotations

import asyncio

from xentui.config import HostConfig
from xentui.setup import exports as ex
from xentui.setup.context import Context
from xentui.setup.results import Command, FileEdit, Finding, FixPlan, Status

EXPORTS = "/etc/exports"
SHARED = "/xen"
P, F, U = Status.PASSED, Status.FAILED, Status.UNKNOWN
MOUNTED_ELSEWHERE = "mounted-elsewhere"


def _peer_names(ctx: Context) -> list[str]:
    return [n for h in ctx.others for n in ctx.names_of(h)]


async def _on_boot(ctx: Context) -> tuple[bool | None, str]:
    result = await ctx.run(ctx.first.name, ["chkconfig", "--list", "nfs"])
    text = result.stdout.strip()
    if not result.ok:
        return None, result.output or f"exit status {result.exit_status}"
    levels = dict(f.split(":", 1) for f in text.split()[1:] if ":" in f)
    return any(levels.get(n) == "on" for n in "2345"), text


async def _live(ctx: Context) -> tuple[bool, str]:
    result = await ctx.run(ctx.first.name, ["exportfs"])
    lines = [ln.split() for ln in result.stdout.splitlines() if ln.strip()]
    return any(words[0].rstrip("/") == SHARED for words in lines), result.output


async def check_export(ctx: Context) -> list[Finding]:
    host = ctx.first.name
    text = await ctx.read_file(host, EXPORTS) or ""
    try:
        ok, why = ex.check_export(text, SHARED, _peer_names(ctx))
    except ex.ExportsError as exc:
        return [Finding(host, U, f"{EXPORTS} line {exc.line}: {exc.message}")]
    shown = text.strip()[:400] or "(empty file)"
    findings = [Finding(host, P if ok else F, f"{EXPORTS}: {why}", "" if ok else shown)]
    if ok:
        live, shown = await _live(ctx)
        findings.append(
            Finding(host, P, f"{SHARED} is exported now")
            if live
            else Finding(host, F, f"{SHARED} is in {EXPORTS} but not exported now", shown)
        )
    on_boot, shown = await _on_boot(ctx)
    if on_boot is None:
        findings.append(Finding(host, U, "could not tell if nfs starts at boot", shown))
    else:
        findings.append(
            Finding(host, P if on_boot else F, f"nfs {'starts' if on_boot else 'is off'} at boot")
        )
    return findings


async def plan_export(ctx: Context) -> FixPlan:
    host = ctx.first.name
    text = await ctx.read_file(host, EXPORTS)
    try:
        new = ex.ensure_export(text or "", SHARED, _peer_names(ctx))
    except ex.ExportsError as exc:
        return FixPlan(
            "nfs-export", instructions=f"{EXPORTS} line {exc.line}: {exc.message}: fix by hand"
        )
    edits = (FileEdit(host, EXPORTS, text or "", new, exists=text is not None),)
    commands: list[Command] = []
    live, _ = await _live(ctx)
    if new != (text or "") or not live:
        commands.append(Command(host, ("service", "nfs", "restart")))
    on_boot, _ = await _on_boot(ctx)
    if not on_boot:
        commands.append(Command(host, ("chkconfig", "nfs", "on")))
    return FixPlan(
        "nfs-export", edits=edits if new != (text or "") else (), commands=tuple(commands)
    )


def _mount_source(ctx: Context) -> str:
    return f"{ctx.first.migration_target}:{SHARED}"


async def _mounted(ctx: Context, host: HostConfig) -> Finding:
    text = await ctx.read_file(host.name, "/proc/mounts") or ""
    sources = {f"{n}:{SHARED}" for n in ctx.names_of(ctx.first)}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3 or fields[1].rstrip("/") != SHARED:
            continue
        if fields[0].rstrip("/") in sources and fields[2].startswith("nfs"):
            return Finding(host.name, P, f"{fields[0]} is mounted on {SHARED} ({fields[2]})")
        why = f"{SHARED} is mounted from {fields[0]}, not {ctx.first.name}"
        return Finding(host.name, F, why, kind=MOUNTED_ELSEWHERE)
    nfs = "\n".join(ln for ln in text.splitlines() if " nfs" in ln) or "no NFS mounts"
    return Finding(host.name, F, f"nothing is mounted on {SHARED}", nfs)


async def check_mount(ctx: Context) -> list[Finding]:
    if alone := ctx.alone():
        return alone
    return list(await asyncio.gather(*(_mounted(ctx, h) for h in ctx.others)))


async def plan_mount(ctx: Context) -> FixPlan:
    commands, notes = [], []
    for host, finding in zip(ctx.others, await check_mount(ctx), strict=True):
        if finding.status is P:
            continue
        if finding.kind == MOUNTED_ELSEWHERE:
            notes.append(f"{host.name}: {finding.reason}: unmount it by hand first")
            continue
        commands.append(Command(host.name, ("mount", _mount_source(ctx), SHARED)))
    if notes and not commands:
        return FixPlan("nfs-mount", instructions="\n".join(notes))
    return FixPlan("nfs-mount", commands=tuple(commands), notes=tuple(notes))
