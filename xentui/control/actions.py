"""Pause, unpause and migrate: one action per guest at a time, each with the tool's own words."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from xentui.control.following import Following
from xentui.control.jobwatch import JobWatch
from xentui.control.refusals import Refusals
from xentui.control.tracker import MigrationTracker
from xentui.model import (
    ActionEvent,
    ActionKind,
    CommandResult,
    ConnectionEvent,
    ConnectionState,
    Event,
    MigrationEvent,
    MigrationPhase,
    SnapshotEvent,
)
from xentui.remote.base import HostUnreachable
from xentui.tasks import stop_requested

if TYPE_CHECKING:
    from xentui.remote.base import Runner
    from xentui.toolstack.base import Toolstack

REPOLL_WAIT_S = 5.0
"""How long an action waits for its host's fresh list before it reports."""
FOLLOW_AFTER_COMMAND_S = 15.0
"""After the migrate command ends well, how long the lists may take to agree."""


class ActionRunner(Refusals, JobWatch, Following):
    """The action half of the Engine (which provides the hosts, the clock and emit)."""

    wall: Callable[[], float]
    action_timeout_s: float
    migrate_timeout_s: float

    def __init__(self) -> None:
        self.busy: dict[str, tuple[ActionKind, float]] = {}
        self.tracker: MigrationTracker | None = None
        self.background: set[asyncio.Task[None]] = set()
        self.changed = asyncio.Event()
        self.stopping = False
        """Set by the engine's stop(): an action ending now starts nothing that would outlive it."""

    @abstractmethod
    def emit(self, event: Event) -> None: ...
    @abstractmethod
    def _runner_for(self, host: str) -> Runner: ...
    @abstractmethod
    def _toolstack(self, host: str) -> Toolstack: ...
    @abstractmethod
    def _event(self, **kw: object) -> ActionEvent: ...

    def on_event(self, event: Event) -> None:
        """Every event passes here after the listeners: lists feed the migration tracker."""
        if isinstance(event, SnapshotEvent) and self.tracker is not None:
            self._milestones(self.tracker.observe(event.snapshot))
        if isinstance(event, ConnectionEvent) and event.state is ConnectionState.UNREACHABLE:
            self._lost_hosts()
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()

    # --- the actions --------------------------------------------------------------------------

    async def pause(self) -> ActionEvent:
        return await self._simple(ActionKind.PAUSE)

    async def unpause(self) -> ActionEvent:
        return await self._simple(ActionKind.UNPAUSE)

    async def _simple(self, kind: ActionKind) -> ActionEvent:
        refused = self._refuse(kind)
        if refused is not None:
            return refused
        host = self.guest_host()
        assert host is not None
        ts = self._toolstack(host)
        argv = (
            ts.pause_argv(self.guest) if kind is ActionKind.PAUSE else ts.unpause_argv(self.guest)
        )
        self._begin(kind, host)
        try:
            ok, message, result = await self._run(host, argv, self.action_timeout_s)
            # the list after the action, before the guest is free again: no decision on stale state
            if not self.stopping:
                await self.pollers[host].next_poll(REPOLL_WAIT_S)
        finally:
            self.busy.pop(self.guest, None)
        return self._end(kind, host, None, ok, message, result)

    async def migrate(self, target: str, *, live: bool = True) -> ActionEvent:
        """Run the migrate command; returns when it ends, the tracker follows the lists after."""
        refused = self._refuse(ActionKind.MIGRATE, target)
        if refused is not None:
            return refused
        source = self.guest_host()
        assert source is not None
        ts, dest = self._toolstack(source), self.config.host(target)
        to = dest.migration_uri if ts.migrates_to_uri else dest.migration_target
        argv = ts.migrate_argv(self.guest, to, live=live)
        memory = self.guest_memory(source)
        tracker = MigrationTracker(
            self.guest, source, target, live=live, t=self.clock(), forecast_s=self.forecast(memory)
        )
        tracker.memory = memory
        self.tracker = tracker
        for host in (source, target):
            self.pollers[host].fast = True
        self._begin(ActionKind.MIGRATE, source, target)
        tracker.busy_token = self.busy[self.guest]
        self._milestones([MigrationPhase.REQUESTED])
        watch = self.watch_job(tracker, source)

        def started(t: float) -> None:
            self._milestones(tracker.started(t), tracker)

        lost = False
        command = asyncio.create_task(
            self._run(source, argv, self.migrate_timeout_s, started), name="migrate command"
        )
        try:
            outcome = await self._command_or_loss(tracker, command)
            if outcome is None:  # every host went silent: said as lost, the guest is free
                reason = tracker.record.message
                outcome = False, f"lost: {reason}" if reason else "lost", None
            ok, message, result = outcome
            lost = result is None or result.exit_status is None
        except BaseException:
            self.busy.pop(self.guest, None)
            for host in (source, target):
                self.pollers[host].fast = False
            if watch is not None:
                watch.cancel()
            raise
        finally:
            for host in (source, target):
                self.pollers[host].poke()
        if lost:
            tracker.channel_lost(message)
        else:
            self._milestones(tracker.command_finished(ok, message, self.clock()), tracker)
        event = self._end(ActionKind.MIGRATE, source, target, ok, message, result)
        if self.stopping:  # nobody polls any more: the record stays as far as it got
            if watch is not None:
                watch.cancel()
            tracker.figures_pending = False
            self._release(tracker)
            return event
        follow = self.migrate_timeout_s if lost else FOLLOW_AFTER_COMMAND_S
        task = asyncio.create_task(self._follow(tracker, follow, watch), name="follow migration")
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return event

    # --- plumbing -----------------------------------------------------------------------------

    def _refuse(self, kind: ActionKind, target: str | None = None) -> ActionEvent | None:
        reason = self.why_not(kind, target)
        if reason is None:
            return None
        event = self._event(
            kind=kind,
            guest=self.guest,
            host=self.guest_host() or "",
            target=target,
            ok=False,
            message=f"refused: {reason}",
        )
        self.emit(event)
        return event

    def _begin(self, kind: ActionKind, host: str, target: str | None = None) -> None:
        self.busy[self.guest] = (kind, self.clock())  # set before any await: no double send
        self.emit(self._event(kind=kind, guest=self.guest, host=host, target=target))

    def _end(
        self,
        kind: ActionKind,
        host: str,
        target: str | None,
        ok: bool,
        message: str,
        result: CommandResult | None,
    ) -> ActionEvent:
        event = self._event(
            kind=kind,
            guest=self.guest,
            host=host,
            target=target,
            ok=ok,
            message=message,
            result=result,
        )
        self.emit(event)
        return event

    async def _run(
        self,
        host: str,
        argv: list[str],
        timeout: float,
        on_start: Callable[[float], None] | None = None,
    ) -> tuple[bool, str, CommandResult | None]:
        """(ok, message, result): the tool's own words on failure, the reason if unreachable."""
        runner = self._runner_for(host)
        try:
            result = await runner.run(argv, timeout=timeout, on_start=on_start)
        except Exception as exc:  # the edge: a surprise is a failed action, not a dead engine
            if stop_requested():  # a cancel the transport answered with its own error
                raise asyncio.CancelledError from None
            reason = exc.reason if isinstance(exc, HostUnreachable) else None
            return False, reason or f"{type(exc).__name__}: {exc}", None
        try:
            err = self._toolstack(host).parse_error(result)
        except Exception:
            err = None
        if err is None and result.ok:
            return True, "", result
        return False, (err.message if err is not None else "") or result.output or "failed", result

    def _milestones(
        self, phases: list[MigrationPhase], tracker: MigrationTracker | None = None
    ) -> None:
        """Emit ``tracker``'s new milestones (default: the current migration's)."""
        tracker = tracker or self.tracker
        if tracker is None:
            return
        for phase in phases:
            if phase is MigrationPhase.COMPLETED:  # before anyone waiting for it wakes
                self.learn_link(tracker)
            t = tracker.record.at(phase) or self.clock()
            self.emit(MigrationEvent(t=t, wall=self.wall(), phase=phase, record=tracker.record))
