"""Pause, unpause and migrate: one action per guest at a time, each with the tool's own words."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from xentui.control.following import ActionState, Following
from xentui.control.refusals import RefusalPolicy
from xentui.control.tracker import MigrationTracker
from xentui.model import (
    ActionEvent,
    ActionKind,
    CommandResult,
    ConnectionEvent,
    ConnectionState,
    Event,
    MigrationPhase,
    SnapshotEvent,
)
from xentui.remote.base import HostUnreachable
from xentui.tasks import stop_requested

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.control.hosts import Hosts
    from xentui.control.jobwatch import JobWatch

REPOLL_WAIT_S = 5.0
"""How long an action waits for its host's fresh list before it reports."""
FOLLOW_AFTER_COMMAND_S = 15.0
"""After the migrate command ends well, how long the lists may take to agree."""


class ActionRunner:
    """Runs the actions over the engine's hosts: the policy says whether, the job watch and
    the follower carry a migration on after its command."""

    def __init__(
        self,
        config: LabConfig,
        hosts: Hosts,
        state: ActionState,
        jobs: JobWatch,
        emit: Callable[[Event], None],
        clock: Callable[[], float],
        wall: Callable[[], float],
        *,
        action_timeout_s: float = 30.0,
        migrate_timeout_s: float = 600.0,
    ) -> None:
        self.config, self.hosts, self.state, self.jobs = config, hosts, state, jobs
        self.guest = hosts.guest
        self.emit, self.clock, self.wall = emit, clock, wall
        self.action_timeout_s, self.migrate_timeout_s = action_timeout_s, migrate_timeout_s
        self.policy = RefusalPolicy(config, hosts, state.busy, clock)
        self.follower = Following(hosts, state, jobs, emit, clock, wall)

    def on_event(self, event: Event) -> None:
        """Every event passes here after the listeners: lists feed the migration tracker."""
        tracker = self.state.tracker
        if isinstance(event, SnapshotEvent) and tracker is not None:
            self.follower.milestones(tracker.observe(event.snapshot))
        if isinstance(event, ConnectionEvent) and event.state is ConnectionState.UNREACHABLE:
            self.follower.lost_hosts()
        self.state.wake()

    # --- the actions --------------------------------------------------------------------------

    async def pause(self) -> ActionEvent:
        return await self._simple(ActionKind.PAUSE)

    async def unpause(self) -> ActionEvent:
        return await self._simple(ActionKind.UNPAUSE)

    async def _simple(self, kind: ActionKind) -> ActionEvent:
        refused = self._refuse(kind)
        if refused is not None:
            return refused
        host = self.hosts.guest_host()
        assert host is not None
        ts = self.hosts.toolstack(host)
        argv = (
            ts.pause_argv(self.guest) if kind is ActionKind.PAUSE else ts.unpause_argv(self.guest)
        )
        self._begin(kind, host)
        try:
            ok, message, result = await self._run(host, argv, self.action_timeout_s)
            # the list after the action, before the guest is free again: no decision on stale state
            if not self.state.stopping:
                await self.hosts.pollers[host].next_poll(REPOLL_WAIT_S)
        finally:
            self.state.busy.pop(self.guest, None)
        return self._end(kind, host, None, ok, message, result)

    async def migrate(self, target: str, *, live: bool = True) -> ActionEvent:
        """Run the migrate command; returns when it ends, the tracker follows the lists after."""
        refused = self._refuse(ActionKind.MIGRATE, target)
        if refused is not None:
            return refused
        source = self.hosts.guest_host()
        assert source is not None
        ts, dest = self.hosts.toolstack(source), self.config.host(target)
        to = dest.migration_uri if ts.migrates_to_uri else dest.migration_target
        argv = ts.migrate_argv(self.guest, to, live=live)
        memory = self.jobs.guest_memory(source)
        forecast = self.jobs.forecast(memory)
        tracker = MigrationTracker(
            self.guest, source, target, live=live, t=self.clock(), forecast_s=forecast
        )
        tracker.memory = memory
        self.state.tracker = tracker
        for host in (source, target):
            self.hosts.pollers[host].fast = True
        self._begin(ActionKind.MIGRATE, source, target)
        tracker.busy_token = self.state.busy[self.guest]
        self.follower.milestones([MigrationPhase.REQUESTED])
        watch = self.jobs.watch_job(tracker, source)

        def started(t: float) -> None:
            self.follower.milestones(tracker.started(t), tracker)

        lost = False
        command = asyncio.create_task(
            self._run(source, argv, self.migrate_timeout_s, started), name="migrate command"
        )
        try:
            outcome = await self.follower.command_or_loss(tracker, command)
            if outcome is None:  # every host went silent: said as lost, the guest is free
                reason = tracker.record.message
                outcome = False, f"lost: {reason}" if reason else "lost", None
            ok, message, result = outcome
            lost = result is None or result.exit_status is None
        except BaseException:
            self.state.busy.pop(self.guest, None)
            for host in (source, target):
                self.hosts.pollers[host].fast = False
            if watch is not None:
                watch.cancel()
            raise
        finally:
            for host in (source, target):
                self.hosts.pollers[host].poke()
        if lost:
            tracker.channel_lost(message)
        else:
            self.follower.milestones(tracker.command_finished(ok, message, self.clock()), tracker)
        event = self._end(ActionKind.MIGRATE, source, target, ok, message, result)
        if self.state.stopping:  # nobody polls any more: the record stays as far as it got
            if watch is not None:
                watch.cancel()
            tracker.figures_pending = False
            self.follower.release(tracker)
            return event
        within = self.migrate_timeout_s if lost else FOLLOW_AFTER_COMMAND_S
        follow = self.follower.follow(tracker, within, watch)
        self.state.keep(asyncio.create_task(follow, name="follow migration"))
        return event

    # --- plumbing -----------------------------------------------------------------------------

    def _refuse(self, kind: ActionKind, target: str | None = None) -> ActionEvent | None:
        reason = self.policy.why_not(kind, target)
        if reason is None:
            return None
        event = self._action(
            kind=kind,
            guest=self.guest,
            host=self.hosts.guest_host() or "",
            target=target,
            ok=False,
            message=f"refused: {reason}",
        )
        self.emit(event)
        return event

    def _begin(self, kind: ActionKind, host: str, target: str | None = None) -> None:
        self.state.busy[self.guest] = (kind, self.clock())  # set before any await: no double send
        self.emit(self._action(kind=kind, guest=self.guest, host=host, target=target))

    def _end(
        self,
        kind: ActionKind,
        host: str,
        target: str | None,
        ok: bool,
        message: str,
        result: CommandResult | None,
    ) -> ActionEvent:
        event = self._action(
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
        runner = self.hosts.runner(host)
        try:
            result = await runner.run(argv, timeout=timeout, on_start=on_start)
        except Exception as exc:  # the edge: a surprise is a failed action, not a dead engine
            if stop_requested():  # a cancel the transport answered with its own error
                raise asyncio.CancelledError from None
            reason = exc.reason if isinstance(exc, HostUnreachable) else None
            return False, reason or f"{type(exc).__name__}: {exc}", None
        try:
            err = self.hosts.toolstack(host).parse_error(result)
        except Exception:
            err = None
        if err is None and result.ok:
            return True, "", result
        return False, (err.message if err is not None else "") or result.output or "failed", result

    def _action(self, **kw: object) -> ActionEvent:
        return ActionEvent(t=self.clock(), wall=self.wall(), **kw)  # type: ignore[arg-type]
