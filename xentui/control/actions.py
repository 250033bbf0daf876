"""Pause, unpause and migrate: one action per guest at a time, each with the tool's own words."""

from __future__ import annotations

import asyncio
import contextlib
from abc import abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from xentui.control.tracker import MigrationTracker
from xentui.model import (
    ActionEvent,
    ActionKind,
    CommandResult,
    DomainState,
    Event,
    HostSnapshot,
    MigrationEvent,
    MigrationPhase,
    SnapshotEvent,
)
from xentui.remote.base import HostUnreachable
from xentui.remote.tasks import stop_requested

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.control.poller import HostPoller
    from xentui.remote.base import Runner
    from xentui.toolstack.base import Toolstack

REPOLL_WAIT_S = 5.0
"""How long an action waits for its host's fresh list before it reports."""
FOLLOW_AFTER_COMMAND_S = 15.0
"""After the migrate command ends well, how long the lists may take to agree."""


class ActionRunner:
    """The action half of the Engine (which provides the hosts, the clock and emit)."""

    config: LabConfig
    guest: str
    pollers: dict[str, HostPoller]
    clock: Callable[[], float]
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
    def guest_host(self) -> str | None: ...
    @abstractmethod
    def reachable(self, host: str) -> bool: ...
    @abstractmethod
    def _runner_for(self, host: str) -> Runner: ...
    @abstractmethod
    def _toolstack(self, host: str) -> Toolstack: ...
    @abstractmethod
    def _event(self, **kw: object) -> ActionEvent: ...

    @property
    @abstractmethod
    def snapshots(self) -> Mapping[str, HostSnapshot]: ...

    def on_event(self, event: Event) -> None:
        """Every event passes here after the listeners: lists feed the migration tracker."""
        if isinstance(event, SnapshotEvent) and self.tracker is not None:
            self._milestones(self.tracker.observe(event.snapshot))
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()

    # --- can it run? --------------------------------------------------------------------------

    def why_not(self, kind: ActionKind, target: str | None = None) -> str | None:
        """Why this action cannot run now, in words; None when it can.

        For a migration, ``target=None`` asks whether the guest could go anywhere (the key's
        state); a host name asks about that host (the dialog's list).
        """
        g = self.guest
        if g in self.busy:
            running, since = self.busy[g]
            return f"a {running.value} of {g} is still running ({self.clock() - since:.1f} s)"
        host = self.guest_host()
        if host is None:
            return f"{g} is not running on any reachable host"
        if not self.reachable(host):
            return f"{host} is unreachable"
        dom = self.snapshots[host].find(g)
        if dom is not None and dom.migration is not None:
            return f"{g} is in a migration on {host} ({dom.name})"
        paused = dom is not None and dom.state is DomainState.PAUSED
        if kind is ActionKind.PAUSE and paused:
            return f"{g} is already paused on {host}"
        if kind is ActionKind.UNPAUSE and not paused:
            return f"{g} is not paused on {host}"
        if kind is ActionKind.MIGRATE:
            return self._why_not_to(host, target)
        return None

    def _why_not_to(self, source: str, target: str | None) -> str | None:
        """Why the guest cannot go to ``target``; with None, to any host at all."""
        g = self.guest
        if target is None:
            others = [h for h in self.pollers if h != source]
            if not others:
                return f"there is no host but {source} in the lab file"
            fits = [h for h in others if self._apart(source, h) is None]
            if not fits:
                if len(others) == 1:
                    return self._apart(source, others[0])
                return f"{source} runs {self._stack(source)} and no other host does"
            others = fits
            down = [h for h in others if not self.reachable(h)]
            if len(down) < len(others):
                return None
            if len(down) == 1:
                return f"{down[0]} is unreachable"
            return f"every other host is unreachable ({', '.join(down)})"
        if target not in self.pollers:
            return f"no host named {target!r} in the lab file"
        if target == source:
            return f"{g} is already on {target}"
        if not self.reachable(target):
            return f"{target} is unreachable"
        return self._apart(source, target)

    def _stack(self, host: str) -> str:
        try:
            return self.config.host(host).toolstack
        except KeyError:
            return "?"

    def _apart(self, source: str, target: str) -> str | None:
        """Why these two cannot migrate between them at all, whatever their state, or None.

        xm sends to the target's xend on its relocation port; xl runs ``xl migrate-receive``
        on the target over ssh: an xl host has no xend listening, an xm host has no xl.
        """
        a, b = self._stack(source), self._stack(target)
        if {a, b} == {"xm", "xl"}:
            return f"{source} runs {a} and {target} runs {b}: they cannot migrate to each other"
        return None

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
        to = self.config.host(target).migration_target
        argv = self._toolstack(source).migrate_argv(self.guest, to, live=live)
        tracker = MigrationTracker(self.guest, source, target, live=live, t=self.clock())
        self.tracker = tracker
        for host in (source, target):
            self.pollers[host].fast = True
        self._begin(ActionKind.MIGRATE, source, target)
        self._milestones([MigrationPhase.REQUESTED])

        def started(t: float) -> None:
            self._milestones(tracker.started(t))

        lost = False
        try:
            ok, message, result = await self._run(source, argv, self.migrate_timeout_s, started)
            lost = result is None or result.exit_status is None
        except BaseException:
            self.busy.pop(self.guest, None)
            for host in (source, target):
                self.pollers[host].fast = False
            raise
        finally:
            for host in (source, target):
                self.pollers[host].poke()
        if lost:
            tracker.channel_lost(message)
        else:
            self._milestones(tracker.command_finished(ok, message, self.clock()))
        event = self._end(ActionKind.MIGRATE, source, target, ok, message, result)
        if self.stopping:  # nobody polls any more: the record stays as far as it got
            self._release(tracker)
            return event
        follow = self.migrate_timeout_s if lost else FOLLOW_AFTER_COMMAND_S
        task = asyncio.create_task(self._follow(tracker, follow), name="follow migration")
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return event

    async def _follow(self, tracker: MigrationTracker, within: float) -> None:
        """Keep the guest busy until the lists show the outcome; give up after ``within``."""
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(within):
                    while not tracker.record.finished:
                        await self.changed.wait()
            if not tracker.record.finished:
                why = f"no outcome in the lists within {within:g} s after the command"
                self._milestones(tracker.give_up(why, self.clock()))
        finally:
            self._release(tracker)

    def _release(self, tracker: MigrationTracker) -> None:
        self.busy.pop(self.guest, None)
        for host in (tracker.record.source, tracker.record.target):
            self.pollers[host].fast = False

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

    def _milestones(self, phases: list[MigrationPhase]) -> None:
        tracker = self.tracker
        if tracker is None:
            return
        for phase in phases:
            t = tracker.record.at(phase) or self.clock()
            self.emit(MigrationEvent(t=t, wall=self.wall(), phase=phase, record=tracker.record))
