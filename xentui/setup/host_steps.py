"""Seed steps 1-3 and 7: the hosts answer their toolstack, the guest exists, is set up, runs."""

from __future__ import annotations

from xentui.config import HostConfig
from xentui.remote.base import HostUnreachable
from xentui.setup.context import Context
from xentui.setup.guest_config import GuestConfigError, fix_text, problems
from xentui.setup.results import Command, FileEdit, Finding, FixPlan, Status
from xentui.toolstack import get_toolstack

P, F, U = Status.PASSED, Status.FAILED, Status.UNKNOWN
NOT_RUNNING = "not-running"


def guest_config_path(ctx: Context) -> str:
    return f"/etc/xen/{ctx.config.guest.name}"


async def _list(ctx: Context, host: HostConfig) -> tuple[Finding, list[str]]:
    """A finding on the host's toolstack list, and the guest's listed names on it."""
    tool = get_toolstack(host.toolstack)
    argv = tool.list_argv()
    try:
        result = await ctx.run(host.name, argv)
    except HostUnreachable as exc:
        return Finding(host.name, F, f"not reachable over SSH: {exc.reason}"), []
    shown = " ".join(argv)
    if not result.ok:
        return Finding(host.name, F, f"`{shown}` failed", result.output[:300]), []
    listing = tool.parse_list(result.stdout)
    names = [d.name for d in listing.domains]
    if not listing.domains:
        return Finding(host.name, F, f"`{shown}` listed no domain", result.stdout[:300]), []
    guest = ctx.config.guest.name
    found = [d.name for d in listing.domains if d.base_name == guest and d.active]
    count = f"{len(names)} domain{'s' if len(names) != 1 else ''}"
    reason = f"answers `{shown}`: {count} ({', '.join(names)})"
    return Finding(host.name, P, reason), found


async def check_hosts(ctx: Context) -> list[Finding]:
    import asyncio

    pairs = await asyncio.gather(*(_list(ctx, host) for host in ctx.hosts))
    return [finding for finding, _ in pairs]


async def check_guest_installed(ctx: Context) -> list[Finding]:
    host, path = ctx.first.name, guest_config_path(ctx)
    text = await ctx.read_file(host, path)
    if text is None:
        return [Finding(host, F, f"{path} does not exist: the guest is not installed here")]
    return [Finding(host, P, f"{path} exists ({len(text.splitlines())} lines)")]


async def check_guest_config(ctx: Context) -> list[Finding]:
    host, path = ctx.first.name, guest_config_path(ctx)
    text = await ctx.read_file(host, path)
    if text is None:
        return [Finding(host, F, f"{path} does not exist")]
    try:
        wrong = problems(text)
    except GuestConfigError as exc:
        return [Finding(host, U, f"{path} line {exc.line}: {exc.message}")]
    if wrong:
        return [Finding(host, F, f"{path}: {'; '.join(wrong)}")]
    return [Finding(host, P, f"{path}: no active vnc lines, sdl=1 set")]


async def plan_guest_config(ctx: Context) -> FixPlan:
    host, path = ctx.first.name, guest_config_path(ctx)
    text = await ctx.read_file(host, path)
    if text is None:
        return FixPlan("guest-config", instructions=f"{path} is missing: install the guest first.")
    try:
        new = fix_text(text)
    except GuestConfigError as exc:
        return FixPlan(
            "guest-config",
            instructions=f"{path} line {exc.line}: {exc.message}. Correct it by hand first.",
        )
    edits = (FileEdit(host, path, text, new),) if new != text else ()
    return FixPlan("guest-config", edits=edits)


async def check_guest_running(ctx: Context) -> list[Finding]:
    import asyncio

    pairs = await asyncio.gather(*(_list(ctx, host) for host in ctx.hosts))
    first = ctx.first.name
    guest = ctx.config.guest.name
    where = {host.name: names for host, (_, names) in zip(ctx.hosts, pairs, strict=True) if names}
    if where.get(first) == [guest]:
        return [Finding(first, P, f"{guest} is running on {first}")]
    moving = {h: names for h, names in where.items() if names != [guest]}
    if moving:  # passing through: neither a pass nor a failure until it lands
        host, names = next(iter(moving.items()))
        why = f"{guest} is listed as {names[0]}: a migration is on; check again when it ends"
        return [Finding(host, U, why)]
    if where:  # after a migration: the demo goes on from there (m migrates it back)
        other = next(iter(where))
        return [Finding(other, P, f"{guest} is running on {other} (the demo began on {first})")]
    unreached = [f for f, _ in pairs if f.status is not P]
    if unreached:
        return [Finding(unreached[0].where, U, f"could not list domains: {unreached[0].reason}")]
    return [Finding(first, F, f"{guest} is not running on any host", kind=NOT_RUNNING)]


async def plan_guest_running(ctx: Context) -> FixPlan:
    guest, first = ctx.config.guest.name, ctx.first
    findings = await check_guest_running(ctx)
    if findings[0].status is P:
        return FixPlan("guest-running")
    if findings[0].kind != NOT_RUNNING:
        return FixPlan("guest-running", instructions=f"{findings[0].reason}.")
    argv = get_toolstack(first.toolstack).create_argv(guest)
    return FixPlan("guest-running", commands=(Command(first.name, tuple(argv)),))
