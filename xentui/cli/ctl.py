"""`xentui ctl pause|unpause|migrate`: one action on the guest, headless, and how it went.

Progress goes to stderr, each line with the seconds since the action was asked for; a host that
cannot be reached is said once; while a migration runs without a word (xm says nothing until it
ends) a heartbeat line says it still runs. stdout has the result: the verdict line and the
timeline, or with ``--json`` one object (action, guest, source, target, ok, error, timeline).
Ctrl-C stops following, not the migration: the hosts go on, and ``xentui list`` shows where.
Exit 0 done, 1 the action failed, 2 a usage, lab-file or connection error, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from xentui.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.control.engine import Engine
    from xentui.model import ActionEvent, Event, MigrationRecord

FIRST_POLL_S = 15.0
"""How long the first list of each host may take (connect, host-key check, list)."""
PROGRESS_EVERY_S = 1.0
"""How often a running job's reading is printed (the engine reads it every 0.5 s)."""
HEARTBEAT_S = 5.0
"""Silence during a migration after which a line says it still runs."""
EXIT_INTERRUPTED = 130


class Progress:
    """The stderr lines of one run: elapsed times, each unreachable host once, a heartbeat."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.t0 = clock()
        self.last = self.t0
        self.down: dict[str, str] = {}
        """Hosts said to be unreachable, with the reason said."""
        self.migrating = False
        """A migration is under way: the heartbeat speaks."""
        self.migrate_asked = False
        """A migration was asked for: a Ctrl-C from here on leaves it running on the hosts."""
        self._progress_at: float | None = None

    def say(self, text: str) -> None:
        now = self.clock()
        self.last = now
        emit(f"  +{now - self.t0:6.1f} s  {text}", file=sys.stderr, flush=True)

    def on_event(self, event: Event) -> None:
        from xentui.control.progress import progress_words
        from xentui.model import (
            ConnectionEvent,
            ConnectionState,
            MigrationEvent,
            MigrationProgressEvent,
            NoticeEvent,
        )

        if isinstance(event, MigrationEvent):
            self.say(event.phase.value)
        elif isinstance(event, ConnectionEvent):
            if event.state is ConnectionState.UNREACHABLE and event.host not in self.down:
                self.down[event.host] = event.reason
                self.say(f"{event.host} unreachable: {event.reason}")
            elif event.state is ConnectionState.CONNECTED and event.host in self.down:
                del self.down[event.host]  # back: a later loss is news again
                self.say(f"{event.host} reachable again")
        elif isinstance(event, MigrationProgressEvent) and (p := event.record.progress) is not None:
            # the panel's words, at most once a second; a stuck job says so in the notice below
            due = self._progress_at is None or p.t >= self._progress_at + PROGRESS_EVERY_S
            if not event.record.finished and due:
                self._progress_at = p.t
                self.say(progress_words(p))
        elif isinstance(event, NoticeEvent) and event.level == "warning":  # "not converging"
            self.say(event.text)

    async def heartbeat(self, every_s: float = HEARTBEAT_S) -> None:
        """While a migration runs and nothing was said for ``every_s``: say it still runs."""
        while True:
            await asyncio.sleep(min(1.0, every_s))
            if self.migrating and self.clock() - self.last >= every_s:
                self.say("still migrating (no news from the hosts; xm says nothing until the end)")


def unknown_target(config: LabConfig, args: argparse.Namespace) -> str | None:
    """``--to`` naming no host of the lab file: a usage error, said before connecting."""
    if args.action != "migrate" or any(h.name == args.to for h in config.hosts):
        return None
    names = ", ".join(h.name for h in config.hosts)
    return f"--to {args.to!r}: no host of that name in {config.path.name} (hosts: {names})"


def run(args: argparse.Namespace, config: LabConfig) -> int:
    from xentui.cli.recording import closed, open_recorder

    if (problem := unknown_target(config, args)) is not None:
        emit(f"xentui ctl {args.action}: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    progress = Progress()
    recorder = open_recorder(args, "ctl", config)
    try:
        return asyncio.run(_ctl(config, args, progress, recorder))
    except KeyboardInterrupt:
        if progress.migrate_asked:
            emit(
                "\nCtrl-C: xentui stopped following, the migration goes on on the hosts; "
                f"follow it with: xentui list --config {config.path}",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    finally:
        closed(recorder)


async def _ctl(
    config: LabConfig, args: argparse.Namespace, progress: Progress, recorder: object
) -> int:
    from xentui.control.engine import Engine
    from xentui.model import ActionKind

    kind = ActionKind(args.action)
    async with Engine(config, trust_new_host_keys=args.trust_new_host_keys) as engine:
        engine.add_listener(progress.on_event)
        if recorder is not None:
            engine.add_listener(recorder.on_event)  # type: ignore[attr-defined]
        await engine.refresh(timeout=FIRST_POLL_S, fresh=False)
        source = engine.guest_host()
        progress.t0 = progress.last = progress.clock()  # elapsed from the request on
        beat = asyncio.create_task(progress.heartbeat(), name="ctl heartbeat")
        try:
            if kind is ActionKind.PAUSE:
                event = await engine.pause()
            elif kind is ActionKind.UNPAUSE:
                event = await engine.unpause()
            else:
                progress.migrating = progress.migrate_asked = True
                event = await engine.migrate(args.to, live=args.live)
            record = None
            if kind is ActionKind.MIGRATE and not event.message.startswith("refused:"):
                record = await engine.wait_migration(args.timeout)
        finally:
            progress.migrating = False
            beat.cancel()
        return _report(args, engine, event, source or event.host or None, record, progress)


def _report(
    args: argparse.Namespace,
    engine: Engine,
    event: ActionEvent,
    source: str | None,
    record: MigrationRecord | None,
    progress: Progress,
) -> int:
    from xentui.model import ActionKind, MigrationPhase

    kind = event.kind
    refused = event.message.startswith("refused:")
    ok = bool(event.ok) if record is None else record.outcome is MigrationPhase.COMPLETED
    if args.json:
        emit(json.dumps(_doc(event, source, record, ok), indent=2))
    else:
        _text(event, source, record)
    down = [h for h in engine.pollers if not engine.reachable(h)]
    for host in down:  # said once: not again when the progress lines said it already
        if refused and host not in progress.down:
            emit(f"  {host} unreachable: {engine.errors.get(host) or 'no answer'}", file=sys.stderr)
    if ok:
        return EXIT_OK
    if kind is not ActionKind.MIGRATE or refused:
        # no command result: the host was not there to run it
        return EXIT_CONFIG if (down if refused else event.result is None) else EXIT_FAILED
    return EXIT_FAILED


def _text(event: ActionEvent, source: str | None, record: MigrationRecord | None) -> None:
    from xentui.control.progress import figures_lines
    from xentui.control.timeline import timeline_lines

    took = f" ({event.result.duration_s * 1000:.0f} ms)" if event.result else ""
    # a failure's decisive lines (toolstack.errtext): the first on the verdict's line, the
    # others indented under it
    first, *more = event.message.splitlines() or [""]
    verdict = "ok" if event.ok else f"FAILED: {first}"
    target = f" -> {event.target}" if event.target else ""
    where = f"on {source}" if source else "(on no reachable host)"
    emit(f"{event.kind.value} {event.guest} {where}{target}: {verdict}{took}")
    if not event.ok and more:
        emit("\n".join(f"    {line}" for line in more))
    if record is not None:
        emit("\n".join([*timeline_lines(record), *figures_lines(record)]))


def _doc(
    event: ActionEvent, source: str | None, record: MigrationRecord | None, ok: bool
) -> dict[str, object]:
    """One object for a script: the same fields for every action (timeline empty but for a
    migration), ``error`` the tool's or xentui's words when not ok."""
    timeline: list[dict[str, object]] = []
    error = None if event.ok else event.message
    if record is not None:
        t0 = min((t for _, t in record.milestones), default=0.0)
        timeline = [
            {"phase": phase.value, "t_s": round(t - t0, 3)}
            for phase, t in sorted(record.milestones, key=lambda m: m[1])
        ]
        if not ok:
            outcome = record.outcome.value if record.outcome is not None else "not finished"
            error = record.message or error or f"migration {outcome}"
    return {
        "action": event.kind.value,
        "guest": event.guest,
        "source": source,
        "target": event.target,
        "ok": ok,
        "error": error,
        "timeline": timeline,
        "duration_s": record.duration_s if record is not None else None,
    }
