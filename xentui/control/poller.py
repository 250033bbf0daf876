"""One host's poll loop: one list in flight at most, re-armed after it ends, with capped backoff."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable

from xentui.model import (
    CommandResult,
    ConnectionEvent,
    ConnectionState,
    Event,
    HostSnapshot,
    NoticeEvent,
    SnapshotEvent,
)
from xentui.remote.base import HostUnreachable, Runner
from xentui.tasks import stop_requested
from xentui.toolstack.base import ListParseError, Toolstack

Clock = Callable[[], float]
FAST_INTERVAL_S = 0.25
LATENCY_PATIENCE = 3.0
"""A host's list may take this many times its slowest recent answer: an old dom0 whose xm list
takes most of a second is slow, not gone."""
FIRST_LIST_TIMEOUT_S = 5.0
"""Before a host has answered once, how long its list may take (its pace is not known yet)."""
MIGRATION_PATIENCE = 2.0
"""While a migration involves the host, its xend is busy sending pages: a list may take this
many times the usual timeout before the host counts as unreachable (no false alarm on stage)."""


class HostPoller:
    """Polls one host's domain list and reports snapshots, connection changes and list problems."""

    def __init__(
        self,
        name: str,
        runner: Runner,
        toolstack: Toolstack,
        *,
        emit: Callable[[Event], None],
        interval_s: float,
        timeout_s: float,
        backoff_cap_s: float,
        clock: Clock,
        wall: Clock,
    ) -> None:
        self.name, self.runner, self.toolstack = name, runner, toolstack
        self._emit, self._clock, self._wall = emit, clock, wall
        self.interval, self.timeout, self.backoff_cap = interval_s, timeout_s, backoff_cap_s
        self.snapshot: HostSnapshot | None = None
        self.connection: ConnectionEvent | None = None
        self.failure: HostUnreachable | None = None
        """Why the last connection attempt failed (typed: HostKeyRejected, AuthFailed...)."""
        self.error: str | None = None
        """The last list problem (the tool failed or printed something unreadable), else None."""
        self.error_output: str | None = None
        """The whole output of the list command that failed (``error`` leads with its decisive
        lines), for `xentui list --json` and the event log's detail; None when it did not fail."""
        self._poke = asyncio.Event()
        self._started = self._finished = 0
        self._done = asyncio.Event()
        self._backoff = interval_s
        self.phase = 0.0
        """Added once after the first poll: spreads many hosts' polls across the interval."""
        self.fast = False
        """Set while a migration involves this host: a finer timeline for a few cheap polls."""
        self._latencies: deque[float] = deque(maxlen=10)

    @property
    def polls_started(self) -> int:
        """How many polls have started: tests count polls, not seconds, on a loaded machine."""
        return self._started

    def poke(self) -> None:
        """Poll again at once (after an action); a poll in flight is followed by a fresh one."""
        self._poke.set()

    async def next_poll(self, timeout: float, *, fresh: bool = True) -> None:
        """Wait until a poll that starts after this call has finished (or the timeout).

        ``fresh=False``: the first poll ever, or the one in flight, will do.
        """
        if not fresh and self._finished > 0:
            return
        want = self._started + 1 if fresh or self._started == 0 else self._started
        self.poke()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while self._finished < want:
                    await self._done.wait()

    @property
    def list_timeout(self) -> float:
        """The configured timeout (one interval by default: a silent host is marked within two),
        stretched for a host that is slow by nature and for one busy with a migration."""
        if self._latencies:
            base = max(self.timeout, LATENCY_PATIENCE * max(self._latencies))
        else:
            base = max(self.timeout, FIRST_LIST_TIMEOUT_S)
        return base * (MIGRATION_PATIENCE if self.fast else 1.0)

    async def run(self) -> None:
        """Poll until cancelled; a failure is an event and a retry, never an exception."""
        first = True
        while True:
            delay = await self.poll_once()
            if stop_requested():  # the runner answered a cancel with "unreachable": stop anyway
                raise asyncio.CancelledError
            if first:
                delay, first = delay + self.phase, False
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._poke.wait()

    async def poll_once(self) -> float:
        """One poll; returns how long to wait before the next one."""
        self._poke.clear()
        self._started += 1
        try:
            return await self._poll()
        finally:
            self._finished = self._started
            done, self._done = self._done, asyncio.Event()
            done.set()

    async def _poll(self) -> float:
        if not getattr(self.runner, "connected", True) and self.connection is None:
            self._connection(ConnectionState.CONNECTING, "")
        t0 = self._clock()
        try:
            result = await self.runner.run(self.toolstack.list_argv(), timeout=self.list_timeout)
        except HostUnreachable as exc:
            self.failure = exc
            return self._unreachable(exc.reason)
        except Exception as exc:  # the edge: any surprise is this host's problem, not the loop's
            return self._unreachable(f"{type(exc).__name__}: {exc}")
        if result.exit_status is None:
            # alive at the SSH level but the tool did not answer in time (xend busy, host hung):
            # no backoff, and the event says when the next try really is. The words are the
            # runner's ("xm list did not finish in 1 s"), never the last line the tool printed
            # before it hung (a list's header is no reason)
            why = result.unfinished or f"{self.toolstack.name} list did not finish"
            self._connection(ConnectionState.UNREACHABLE, why, retry_in_s=self.interval)
            return self.interval
        self._backoff = self.interval
        self.failure = None
        self._latencies.append(result.duration_s)
        if self.connection is None or self.connection.state is not ConnectionState.CONNECTED:
            self._connection(ConnectionState.CONNECTED, "")
        self._read(result)
        every = min(self.interval, FAST_INTERVAL_S) if self.fast else self.interval
        return max(0.0, t0 + every - self._clock())

    def _read(self, result: CommandResult) -> None:
        problem: str | None = None
        try:
            err = self.toolstack.parse_error(result)
        except Exception as exc:
            err, problem = None, f"reading the error failed: {exc}"
        if err is not None or not result.ok:
            problem = problem or (err.message if err else result.output) or "list failed"
            self.error_output = result.output
        else:
            self.error_output = None
            try:
                parsed = self.toolstack.parse_list(result.stdout)
            except ListParseError as exc:
                problem = str(exc)
            except Exception as exc:
                problem = f"{self.toolstack.name} list unreadable: {exc}"
            else:
                self.snapshot = HostSnapshot(
                    host=self.name,
                    t=result.finished,
                    wall=self._wall(),
                    latency_s=result.duration_s,
                    domains=parsed.domains,
                    problems=parsed.problems,
                    notes=parsed.notes,
                )
                if result.truncated:
                    problem = "list output over the cap: cut"
                elif parsed.problems:
                    first = parsed.problems[0]
                    problem = (
                        f"{self.toolstack.name} list: {len(parsed.problems)} line(s) unreadable, "
                        f"line {first.line_no}: {first.reason}: {first.line[:80]!r}"
                    )
                self._set_error(problem)
                self._emit(
                    SnapshotEvent(t=result.finished, wall=self._wall(), snapshot=self.snapshot)
                )
                return
        self._set_error(problem)

    def _set_error(self, problem: str | None) -> None:
        if problem == self.error:
            return
        self.error = problem
        text = f"{self.name}: {problem}" if problem else f"{self.name}: list readable again"
        level = "error" if problem else "info"
        # the whole output rides along: Enter on the line in the event log shows it
        extra = {"output": self.error_output} if problem and self.error_output else {}
        self._emit(
            NoticeEvent(t=self._clock(), wall=self._wall(), text=text, level=level, extra=extra)
        )

    def _unreachable(self, reason: str) -> float:
        delay = self._backoff
        self._backoff = min(self._backoff * 2, self.backoff_cap)
        self._connection(ConnectionState.UNREACHABLE, reason, retry_in_s=delay)
        return delay

    def _connection(
        self, state: ConnectionState, reason: str, retry_in_s: float | None = None
    ) -> None:
        self.connection = ConnectionEvent(
            t=self._clock(),
            wall=self._wall(),
            host=self.name,
            state=state,
            reason=reason,
            retry_in_s=retry_in_s,
        )
        self._emit(self.connection)
