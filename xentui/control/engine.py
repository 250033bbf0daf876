"""The engine: polls every host, runs one action per guest at a time, and follows migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping

from xentui.config import HostConfig, LabConfig
from xentui.control.actions import ActionRunner
from xentui.control.poller import HostPoller
from xentui.control.tracker import MigrationTracker
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    Event,
    HostSnapshot,
    MigrationRecord,
    MigrationRole,
)
from xentui.remote import HostKeyRejected, make_runner
from xentui.remote.base import Runner
from xentui.tasks import cancel_and_wait
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import Toolstack

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class Engine(ActionRunner):
    """Everything the TUI and the headless commands need from the hosts, as calls and events."""

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
        self.action_timeout_s, self.migrate_timeout_s = action_timeout_s, migrate_timeout_s
        self._listeners: list[Listener] = []
        self.runners: dict[str, Runner] = {}
        self.pollers: dict[str, HostPoller] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False
        super().__init__()

    # --- events -------------------------------------------------------------------------------

    def add_listener(self, cb: Listener) -> None:
        self._listeners.append(cb)

    def remove_listener(self, cb: Listener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(cb)

    def emit(self, event: Event) -> None:
        for cb in list(self._listeners):
            try:
                cb(event)
            except Exception:  # a broken listener must not stop the hosts' updates
                log.exception("event listener failed on %s", type(event).__name__)
        self.on_event(event)

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Create a runner and a poll task per host; connections open in those tasks."""
        if self._started:
            return
        self._started, self.stopping = True, False
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
        self.stopping = True
        tasks, self._tasks = self._tasks, []
        try:
            stuck = await cancel_and_wait([*tasks, *self.background])
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
        return {n: p.snapshot for n, p in self.pollers.items() if p.snapshot is not None}

    @property
    def connections(self) -> Mapping[str, ConnectionEvent]:
        return {n: p.connection for n, p in self.pollers.items() if p.connection is not None}

    @property
    def errors(self) -> Mapping[str, str | None]:
        """Per host: the last list problem, or the reason it is unreachable; None when fine."""
        out: dict[str, str | None] = {}
        for name, p in self.pollers.items():
            conn = p.connection
            down = conn is not None and conn.state is ConnectionState.UNREACHABLE
            out[name] = conn.reason if down and conn is not None else p.error
        return out

    def reachable(self, host: str) -> bool:
        conn = self.connections.get(host)
        return conn is not None and conn.state is ConnectionState.CONNECTED

    @property
    def migration(self) -> MigrationRecord | None:
        return self.tracker.record if self.tracker is not None else None

    def guest_host(self) -> str | None:
        """Where the guest is now: mid-migration, the source (it runs there until the switch)."""
        seen = [
            (name, d)
            for name, snap in self.snapshots.items()
            if (d := snap.find(self.guest)) is not None and d.active
        ]
        if not seen:
            return None
        for role in (MigrationRole.OUTGOING, None):
            for name, d in seen:
                if d.migration is role:
                    return name
        return seen[0][0]

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
                    await self.changed.wait()
        return self.migration

    def unknown_host_key(self, host: str) -> HostKeyRejected | None:
        """The unknown (not changed) host key that keeps ``host`` out, for a trust dialog.

        None when no file could record it (known_hosts none or /dev/null): a yes could not be
        kept, and the refusal itself says where the key can go.
        """
        poller = self.pollers.get(host)
        failure = poller.failure if poller is not None else None
        if isinstance(failure, HostKeyRejected) and not failure.changed and failure.known_hosts:
            return failure
        return None

    def trust_host_key(self, host: str, fingerprint: str | None = None) -> None:
        """The presenter checked the fingerprint: accept that host's new key on the next try.

        Only the key with ``fingerprint`` (default: the unknown one refused last) is trusted:
        if the host offers another by then, it is refused and asked about anew.
        """
        pending = self.unknown_host_key(host)
        fingerprint = fingerprint or (pending.fingerprint if pending is not None else None)
        runner = self.runners.get(host)
        if fingerprint and runner is not None and hasattr(runner, "trust_key"):
            runner.trust_key = fingerprint
            self.pollers[host].poke()

    def _runner_for(self, host: str) -> Runner:
        return self.runners[host]

    def _event(self, **kw: object) -> ActionEvent:
        return ActionEvent(t=self.clock(), wall=self.wall(), **kw)  # type: ignore[arg-type]

    def _toolstack(self, host: str) -> Toolstack:
        return self.pollers[host].toolstack


__all__ = ["ActionKind", "Engine"]
