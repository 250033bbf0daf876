"""`xentui list` and `xentui ctl`: the hosts' lists and one action, headless, for scripts and SSH.

Exit 0 on success, 1 when the action failed, 2 for a lab-file or connection error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING

from xentui.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.control.engine import Engine
    from xentui.model import Event

FIRST_POLL_S = 15.0
"""How long the first list of each host may take (connect, host-key check, list)."""


def _common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: given before the subcommand, the top-level --config must survive
    p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="the lab file")
    p.add_argument(
        "--trust-new-host-keys",
        action="store_true",
        help="accept and record host keys not yet in known_hosts (changed keys stay refused)",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="print each host's domains (exit 2 if a host is unreachable)")
    _common(p)
    p.add_argument("--json", action="store_true", help="one JSON object (a stable shape)")
    p.set_defaults(func=run_list)

    c = sub.add_parser("ctl", help="pause, unpause or live-migrate the guest and report")
    csub = c.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("pause", "pause the guest"), ("unpause", "unpause the guest")):
        a = csub.add_parser(name, help=text)
        _common(a)
        a.set_defaults(func=run_ctl)
    m = csub.add_parser("migrate", help="migrate the guest to --to HOST and print the timeline")
    _common(m)
    m.add_argument("--to", required=True, metavar="HOST", help="the target host (lab-file name)")
    m.add_argument("--no-live", dest="live", action="store_false", help="stop-and-copy")
    m.add_argument("--timeout", type=float, default=600.0, help="seconds to follow (600)")
    m.set_defaults(func=run_ctl)


def _load(args: argparse.Namespace) -> LabConfig | None:
    from xentui.config import ConfigError, find_config, load_config

    try:
        return load_config(find_config(getattr(args, "config", None)))
    except (ConfigError, OSError) as exc:
        emit(f"xentui {args.command}: {exc}", file=sys.stderr)
        return None


def _engine(config: LabConfig, args: argparse.Namespace) -> Engine:
    from xentui.control.engine import Engine

    return Engine(config, trust_new_host_keys=args.trust_new_host_keys)


def run_list(args: argparse.Namespace) -> int:
    config = _load(args)
    return EXIT_CONFIG if config is None else asyncio.run(_list(config, args))


async def _list(config: LabConfig, args: argparse.Namespace) -> int:
    from xentui.control.listing import host_json, host_text

    async with _engine(config, args) as engine:
        await engine.refresh(timeout=FIRST_POLL_S, fresh=False)
        hosts = []
        for h in config.hosts:
            snap = engine.snapshots.get(h.name)
            hosts.append(
                host_json(
                    h.name,
                    h.toolstack,
                    reachable=engine.reachable(h.name),
                    error=engine.errors.get(h.name) or (None if snap else "no answer yet"),
                    latency_s=snap.latency_s if snap else None,
                    domains=snap.domains if snap else (),
                    notes=snap.notes if snap else (),
                    error_output=p.error_output if (p := engine.pollers.get(h.name)) else None,
                )
            )
    if args.json:
        emit(json.dumps({"hosts": hosts}, indent=2))
    else:
        emit("\n".join(line for h in hosts for line in host_text(h)))
    return EXIT_OK if all(h["reachable"] for h in hosts) else EXIT_CONFIG


def run_ctl(args: argparse.Namespace) -> int:
    config = _load(args)
    return EXIT_CONFIG if config is None else asyncio.run(_ctl(config, args))


PROGRESS_EVERY_S = 1.0
"""How often a running job's reading is printed (the engine reads it every 0.5 s)."""
_shown_at: list[float] = []


def _log(event: Event) -> None:
    from xentui.control.progress import progress_words
    from xentui.model import (
        ConnectionEvent,
        ConnectionState,
        MigrationEvent,
        MigrationProgressEvent,
        NoticeEvent,
    )

    if isinstance(event, MigrationEvent):
        emit(f"  {event.phase.value}", file=sys.stderr)
    elif isinstance(event, ConnectionEvent) and event.state is ConnectionState.UNREACHABLE:
        emit(f"  {event.host} unreachable: {event.reason}", file=sys.stderr)
    elif isinstance(event, MigrationProgressEvent) and (p := event.record.progress) is not None:
        # the panel's words, at most once a second; a stuck job says so in the notice below
        if not event.record.finished and (not _shown_at or p.t >= _shown_at[-1] + PROGRESS_EVERY_S):
            _shown_at.append(p.t)
            emit(f"  {progress_words(p)}", file=sys.stderr)
    elif isinstance(event, NoticeEvent) and event.level == "warning":  # "not converging"
        emit(f"  {event.text}", file=sys.stderr)


async def _ctl(config: LabConfig, args: argparse.Namespace) -> int:
    from xentui.control.progress import figures_lines
    from xentui.control.timeline import timeline_lines
    from xentui.model import ActionKind, MigrationPhase

    kind = ActionKind(args.action)
    async with _engine(config, args) as engine:
        engine.add_listener(_log)
        await engine.refresh(timeout=FIRST_POLL_S, fresh=False)
        located = engine.guest_host() is not None
        needed = [h.name for h in config.hosts] if not located else []
        if kind is ActionKind.MIGRATE:
            needed.append(args.to)
        down = [n for n in needed if n in engine.pollers and not engine.reachable(n)]
        if kind is ActionKind.PAUSE:
            event = await engine.pause()
        elif kind is ActionKind.UNPAUSE:
            event = await engine.unpause()
        else:
            event = await engine.migrate(args.to, live=args.live)
        took = f" ({event.result.duration_s * 1000:.0f} ms)" if event.result else ""
        # a failure's decisive lines (toolstack.errtext): the first on the verdict's line, the
        # others indented under it
        first, *more = event.message.splitlines() or [""]
        verdict = "ok" if event.ok else f"FAILED: {first}"
        target = f" -> {event.target}" if event.target else ""
        emit(f"{kind.value} {event.guest} on {event.host or '?'}{target}: {verdict}{took}")
        if not event.ok and more:
            emit("\n".join(f"    {line}" for line in more))
        refused = event.message.startswith("refused:")
        if refused and down:
            for n in down:
                emit(f"  {n}: {engine.errors.get(n) or 'unreachable'}", file=sys.stderr)
        if kind is not ActionKind.MIGRATE or refused:
            if event.ok:
                return EXIT_OK
            # no command result: the host was not there to run it
            return EXIT_CONFIG if (down if refused else event.result is None) else EXIT_FAILED
        record = await engine.wait_migration(args.timeout)
        if record is None:
            return EXIT_FAILED
        emit("\n".join([*timeline_lines(record), *figures_lines(record)]))
        return EXIT_OK if record.outcome is MigrationPhase.COMPLETED else EXIT_FAILED
