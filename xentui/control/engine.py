"""The engine: polls every host, runs one action per guest at a time, and follows migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping

from xentui.config import HostConfig, LabConfig
from xentui.control.actions import ActionRunner
from xentui.control.following import ActionState
from xentui.control.hosts import Hosts
from xentui.control.jobwatch import JobWatch
from xentui.control.poller import HostPoller
from xentui.control.tracker import MigrationTracker
from xentui.listeners import notify
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    Event,
    HostSnapshot,
    MigrationRecord,
)
from xentui.remote import HostKeyRejected, make_runner
from xentui.remote.base import Runner
from xentui.tasks import cancel_and_wait
from xentui.toolstack import get_toolstack

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class Engine:
    """Everything the TUI and the headless commands need from the hosts, as calls and events.

    Assembled from parts it holds, each with only what it needs: the hosts (a poller and a
    runner each), the refusal policy, the action runner, the job watch and the follower.
    """

    def __init__(
        self,
        config: LabConfig,
        *,
        trust_new_host_keys: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        poll_timeout_s: float | None = None,
        backoff_cap_s: float = 8.0,
        action_timeout_s: float = 30.0,
        migrate_timeout_s: float = 600.0,
    ) -> None:
        self.config = config
        self.guest = config.guest.name
        self.clock, self.wall = clock, wall
        self._trust_new = trust_new_host_keys
        interval = config.poll_interval_s
        # a host gone silent right after a poll: the next one starts an interval later and
        # gives up one interval after that, so it is marked within two (floor: 1 s for a list)
        self._poll_timeout = poll_timeout_s or max(interval, 1.0)
        self._backoff_cap = max(backoff_cap_s, interval)
        self._listeners: list[Listener] = []
        self.runners: dict[str, Runner] = {}
        self.pollers: dict[str, HostPoller] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False
        self.hosts = Hosts(self.guest, self.pollers, self.runners)
        self.state = ActionState()
        self.jobs = JobWatch(self.hosts, self.emit, clock, wall, self.state.background)
        self.actions = ActionRunner(
            config,
            self.hosts,
            self.state,
            self.jobs,
            self.emit,
            clock,
            wall,
            action_timeout_s=action_timeout_s,
            migrate_timeout_s=migrate_timeout_s,
        )
        self.policy = self.actions.policy

    # --- events -------------------------------------------------------------------------------

    def add_listener(self, cb: Listener) -> None:
        self._listeners.append(cb)

    def emit(self, event: Event) -> None:
        notify(self._listeners, event, log, "event")  # a broken one stops not the hosts' updates
        self.actions.on_event(event)

    # --- the actions (the runner's; the policy says whether) ------------------------------------

    def why_not(self, kind: ActionKind, target: str | None = None) -> str | None:
        """Why this action cannot run now, in words; None when it can (see RefusalPolicy)."""
        return self.policy.why_not(kind, target)

    async def pause(self) -> ActionEvent:
        return await self.actions.pause()

    async def unpause(self) -> ActionEvent:
        return await self.actions.unpause()

    async def migrate(self, target: str, *, live: bool = True) -> ActionEvent:
        """Run the migrate command; returns when it ends, the tracker follows the lists after."""
        return await self.actions.migrate(target, live=live)

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Create a runner and a poll task per host; connections open in those tasks."""
        if self._started:
            return
        self._started, self.state.stopping = True, False
        n = len(self.config.hosts)
        for i, host in enumerate(self.config.hosts):
            # all first lists at once, then staggered: 50 hosts do not hit the loop together
            self._add_host(host, phase=i * self.config.poll_interval_s / n)

    def _add_host(self, host: HostConfig, phase: float = 0.0) -> None:
        runner = make_runner(host, trust_new_host_keys=self._trust_new, clock=self.clock)
        poller = HostPoller(
            host.name,
            runner,
            get_toolstack(host.toolstack),
            emit=self.emit,
            interval_s=self.config.poll_interval_s,
            timeout_s=self._poll_timeout,
            backoff_cap_s=self._backoff_cap,
            clock=self.clock,
            wall=self.wall,
        )
        poller.phase = phase
        self.runners[host.name], self.pollers[host.name] = runner, poller
        self._tasks.append(asyncio.create_task(poller.run(), name=f"poll {host.name}"))

    async def stop(self) -> None:
        self.state.stopping = True
        tasks, self._tasks = self._tasks, []
        try:
            stuck = await cancel_and_wait([*tasks, *self.state.background])
        finally:  # a cancel aimed at stop() itself goes on once the connections are closed
            await asyncio.gather(
                *(r.close() for r in self.runners.values()), return_exceptions=True
            )
        if stuck:  # a shutdown ends even so; the rest of the process goes on
            log.warning("tasks that would not stop: %s", ", ".join(t.get_name() for t in stuck))
        for name in self.pollers:
            self.emit(
                ConnectionEvent(
                    t=self.clock(), wall=self.wall(), host=name, state=ConnectionState.CLOSED
                )
            )
        self._started = False

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- state --------------------------------------------------------------------------------

    @property
    def snapshots(self) -> Mapping[str, HostSnapshot]:
        return self.hosts.snapshots

    @property
    def connections(self) -> Mapping[str, ConnectionEvent]:
        return self.hosts.connections

    @property
    def errors(self) -> Mapping[str, str | None]:
        """Per host: the last list problem, or the reason it is unreachable; None when fine."""
        return self.hosts.errors

    def reachable(self, host: str) -> bool:
        return self.hosts.reachable(host)

    def guest_host(self) -> str | None:
        """Where the guest is now: mid-migration, the source (it runs there until the switch)."""
        return self.hosts.guest_host()

    @property
    def tracker(self) -> MigrationTracker | None:
        return self.state.tracker

    @property
    def background(self) -> set[asyncio.Task[None]]:
        return self.state.background

    @property
    def link_bps(self) -> float | None:
        """Bytes per second the previous migration moved (the job watch learns it)."""
        return self.jobs.link_bps

    def guest_memory(self, host: str) -> int | None:
        return self.jobs.guest_memory(host)

    async def final_figures(
        self, tracker: MigrationTracker, host: str, watch: asyncio.Task[None] | None
    ) -> None:
        await self.jobs.final_figures(tracker, host, watch)

    @property
    def migration(self) -> MigrationRecord | None:
        return self.tracker.record if self.tracker is not None else None

    async def refresh(
        self, host: str | None = None, *, timeout: float | None = None, fresh: bool = True
    ) -> None:
        """Poll now (one host or all) and return when those polls have finished (or timeout).

        ``fresh=False`` only waits for each host's first list (for a one-shot command).
        """
        names = [host] if host is not None else list(self.pollers)
        wait = timeout if timeout is not None else self._poll_timeout + 1
        await asyncio.gather(
            *(self.pollers[n].next_poll(wait, fresh=fresh) for n in names if n in self.pollers)
        )

    async def wait_migration(self, timeout: float) -> MigrationRecord | None:
        """The current migration's record once it has an outcome and, where the tool keeps
        them, the hypervisor's figures (or as far as it got)."""

        def done(t: MigrationTracker) -> bool:
            return t.record.finished and not t.figures_pending

        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while self.tracker is not None and not done(self.tracker):
                    await self.state.changed.wait()
        return self.migration

    def unknown_host_key(self, host: str) -> HostKeyRejected | None:
        """The unknown (not changed) host key that keeps ``host`` out, for a trust dialog."""
        return self.hosts.unknown_host_key(host)

    def trust_host_key(self, host: str, fingerprint: str | None = None) -> None:
        """The presenter checked the fingerprint: accept that host's new key on the next try."""
        self.hosts.trust_host_key(host, fingerprint)


__all__ = ["ActionKind", "Engine"]
