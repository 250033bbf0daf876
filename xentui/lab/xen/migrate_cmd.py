"""`xm migrate` on a simulated host, and the flow both tools share around the real transfer.

The bytes move through the lab's migration engine (contract 5 in docs/ARCHITECTURE.md:
``migration.send_guest`` to the target's ``RelocationServer``); this module does what xend does
around it: the names each host lists while it runs (``XendCheckpoint.save`` renames the source
``migrating-NAME``, Xen 3.0.0 to 4.4), the stream's halt at stop-and-copy, and xm's texts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import asyncssh

from xentui.lab.machine.shell import Out
from xentui.lab.xen import migration as engine
from xentui.lab.xen.truth import MigrationTruth

if TYPE_CHECKING:
    from xentui.lab.xen.domains import SimDomain
    from xentui.lab.xen.host import SimHost
    from xentui.lab.xen.site import MigrationSite
    from xentui.lab.xen.xm_cli import XmText

ECONNREFUSED, EAI_NONAME = 111, -2


class Refused(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind, self.detail = kind, detail
        super().__init__(f"{kind}: {detail}")


async def transfer(
    lab: MigrationSite,
    source: SimHost,
    target_ip: str,
    port: int,
    truth: MigrationTruth,
    on_stop_and_copy: Callable[[], None],
    *,
    live: bool = True,
    connect: Callable[[], Awaitable[tuple[Any, Any]]] | None = None,
) -> engine.MigrationStats:
    """Run the engine; raise Refused('connect'|'dropped'|'error', detail) on failure."""
    opts = lab.options
    memory = engine.GuestMemory.of_mib(opts.transfer_mib)

    def on_round(record: Any) -> None:
        truth.rounds.append(record)

    def before_stop() -> None:
        truth.stop_and_copy_at = lab.clock()
        on_stop_and_copy()

    try:
        return await engine.send_guest(
            memory,
            source_ip=source.ip,
            target=(target_ip, port),
            link_mbit=opts.link_mbit,
            speed=opts.speed,
            dirty_pages_per_s=opts.dirty_pages_per_s,
            on_round=on_round,
            before_stop_and_copy=before_stop,
            clock=lab.clock,
            live=live,
            connect=connect,
        )
    except ConnectionRefusedError as e:
        raise Refused("connect", "Connection refused") from e
    except engine.MigrationRefused as e:
        raise Refused("dropped", str(e)) from e
    except (engine.MigrationError, OSError, asyncssh.Error) as e:
        raise Refused("error", str(e)) from e


def begin(
    lab: MigrationSite, source: SimHost, target: str, live: bool, tool: str
) -> MigrationTruth:
    truth = MigrationTruth(lab.options.guest_name, source.name, target, tool, live, lab.clock())
    lab.ground_truth.migrations.append(truth)
    lab.guest.migrating = True
    return truth


def end(lab: MigrationSite, truth: MigrationTruth, ok: bool, message: str = "") -> None:
    truth.finished, truth.ok, truth.message = lab.clock(), ok, message
    lab.guest.migrating = False
    lab.incoming = None


def drop_incoming(lab: MigrationSite) -> None:
    if lab.incoming is not None:
        host, dom = lab.incoming
        host.remove(dom)
    lab.incoming = None


def stop_and_copy(lab: MigrationSite, dom: SimDomain) -> Callable[[], None]:
    """What the source does before the last round: the domain stops, and so does its stream."""

    def stop() -> None:
        dom.set_suspended(True)
        lab.guest.halt("stop-and-copy")

    return stop


def arrived(
    lab: MigrationSite, source: SimHost, dom: SimDomain, target: SimHost | None
) -> SimDomain | None:
    """The target's copy once the pages are over, or None if either end was destroyed meanwhile."""
    new_dom = lab.incoming[1] if lab.incoming is not None else None
    if new_dom is None or target is None:
        return None
    if dom not in source.domains or new_dom not in target.domains:
        return None
    return new_dom


def roll_back(
    lab: MigrationSite, source: SimHost, dom: SimDomain, truth: MigrationTruth, why: str
) -> None:
    """A failed migration: the target's copy goes, the source's domain runs on under its name."""
    drop_incoming(lab)
    if dom in source.domains:
        dom.name = lab.options.guest_name
        dom.set_suspended(False)
        lab.guest.resume("stop-and-copy")
    end(lab, truth, False, why)


def hand_over(
    lab: MigrationSite,
    source: SimHost,
    dom: SimDomain,
    target: SimHost,
    new_dom: SimDomain,
    truth: MigrationTruth,
) -> None:
    """A finished migration: the target's copy takes the name and runs; the source's goes."""
    source.remove(dom)
    new_dom.name = lab.options.guest_name  # an xl target called it NAME--incoming
    new_dom.set_paused(0)  # XendCheckpoint.restore unpauses once xc_restore is done
    new_dom.cpu_s = 0.0
    lab.guest.place(target, new_dom)
    lab.guest.resume("paused")
    lab.guest.resume("stop-and-copy")
    end(lab, truth, True)


async def on_incoming(lab: MigrationSite, host: SimHost, incoming: Any) -> None:
    """The target's side: the guest's domain appears, paused, under a new domid."""
    g = lab.options.guest_name
    name = f"{g}--incoming" if host.toolstack == "xl" else g
    dom = host.new_domain(name, lab.options.guest_mem_mib, paused=True)
    lab.incoming = (host, dom)


# --- xm ----------------------------------------------------------------------------------------


def xm_migrate_args(text: XmText, args: list[str]) -> tuple[bool, int, str, str] | Out:
    """xm migrate's getopt: (live, port, domain, host), or xm's words for what it refuses."""
    live, port, rest = False, 0, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-l", "--live"):
            live = True
            text.specified["live"] = ""
        elif a in ("-h", "--help"):
            return Out(stdout=_xm_migrate_help())
        elif a in ("-r", "--resource") or (a in ("-p", "--port") and text.v >= (3, 0, 4)):
            if i + 1 >= len(args) or not args[i + 1].isdigit():
                return text.error("migrate", f"option {a} requires argument", with_usage=False)
            if a in ("-p", "--port"):
                port = int(args[i + 1])
            text.specified["port" if a in ("-p", "--port") else "resource"] = args[i + 1]
            i += 1
        elif a.startswith("-") and len(a) > 1:
            return text.error("migrate", f"option {a} not recognized", with_usage=False)
        else:
            rest.append(a)
        i += 1
    if len(rest) != 2:
        if text.v >= (3, 3):
            return text.error("migrate", "Invalid number of arguments")
        return text.error("migrate", f"Invalid arguments: {rest!r}", with_usage=False)
    return live, port, rest[0], rest[1]


async def xm_migrate(lab: MigrationSite, host: SimHost, text: XmText, args: list[str]) -> Out:
    parsed = xm_migrate_args(text, args)
    if isinstance(parsed, Out):
        return parsed
    live, port, name, dst = parsed
    dom = host.find(name)
    if dom is None:
        return text.no_domain("migrate", name)
    if dom.dom0:
        return text.error("migrate", "Cannot migrate Domain-0", with_usage=False)
    incoming = lab.incoming is not None and lab.incoming[1] is dom
    if incoming or lab.guest.migrating or (dom.paused and text.v >= (3, 3)):
        return text.error("migrate", "Domain is not running")
    target_ip = lab.resolve(dst, host)
    if target_ip is None:
        return text.error("migrate", text.cant_connect(EAI_NONAME, "Name or service not known"))
    port = port or host.relocation.port
    # xend runs the migration, not the xm client: a dropped SSH session does not stop it.
    run = _xm_run(lab, host, text, dom, dst, target_ip, port, live)
    return await asyncio.shield(lab.spawn(run, "xm-migrate"))


async def _xm_run(
    lab: MigrationSite,
    host: SimHost,
    text: XmText,
    dom: SimDomain,
    dst: str,
    target_ip: str,
    port: int,
    live: bool,
) -> Out:
    truth = begin(lab, host, dst, live, "xm")
    target_host = lab.host_by_ip(target_ip)
    # XendCheckpoint.save renames first, so that a migration to the local host has no clash.
    dom.name = f"migrating-{lab.options.guest_name}"
    try:
        stats = await transfer(
            lab, host, target_ip, port, truth, stop_and_copy(lab, dom), live=live
        )
    except Refused as e:
        roll_back(lab, host, dom, truth, e.detail)
        if e.kind == "connect":
            return text.error("migrate", text.cant_connect(ECONNREFUSED, "Connection refused"))
        # The target dropped us (hosts-allow, or its restore failed): xc_save loses its peer.
        live_flag = 1 if live else 0
        return text.error(
            "migrate",
            f"/usr/lib/xen/bin/xc_save 20 {dom.domid} 0 0 {live_flag} failed",
            with_usage=False,
        )
    truth.stats = stats
    new_dom = arrived(lab, host, dom, target_host)
    if new_dom is None or target_host is None:
        # Someone destroyed an end meanwhile: the save or the restore fails, as in xend.
        roll_back(lab, host, dom, truth, "an end of the migration was destroyed")
        return text.error(
            "migrate", f"/usr/lib/xen/bin/xc_save 20 {dom.domid} 0 0 1 failed", with_usage=False
        )
    hand_over(lab, host, dom, target_host, new_dom, truth)
    return Out()


def _xm_migrate_help() -> str:
    from xentui.lab.xen.xm_cli import usage

    return (
        usage("migrate") + "\nOptions:\n\n-h, --help           Print this help.\n"
        "-l, --live           Use live migration.\n"
    )
