"""Engines around the lab (or any lab file), stopped at the end of each test."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from xentui.config import LabConfig
from xentui.control.engine import Engine
from xentui.model import ConnectionEvent, ConnectionState, Event


class Recorder:
    """Every event an engine emitted, in order, with a way to wait for one."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(self, pred: Callable[[Event], bool], timeout: float = 10.0) -> Event:
        async with asyncio.timeout(timeout):
            seen = 0
            while True:
                for e in self.events[seen:]:
                    if pred(e):
                        return e
                seen = len(self.events)
                self._changed.clear()
                await self._changed.wait()

    async def wait_until(self, cond: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until ``cond()`` holds, checked after each event (never a sleep, then a hope)."""
        async with asyncio.timeout(timeout):
            while not cond():
                self._changed.clear()
                await self._changed.wait()


def connection(
    host: str, state: ConnectionState, after: float = float("-inf")
) -> Callable[[Event], bool]:
    """A predicate for ``Recorder.wait_for``: ``host`` reached ``state`` later than ``after``."""
    return lambda e: (
        isinstance(e, ConnectionEvent) and e.host == host and e.state is state and e.t > after
    )


def polls_when(engine: Engine, host: str, pred: Callable[[Event], bool]) -> list[int]:
    """The host's poll count at each matching event, taken as it is emitted (not when read)."""
    counts: list[int] = []
    poller = engine.pollers[host]
    engine.add_listener(lambda e: counts.append(poller.polls_started) if pred(e) else None)
    return counts


@pytest.fixture
async def engine_factory() -> AsyncIterator[Callable[..., Any]]:
    engines: list[Engine] = []

    async def make(config: LabConfig, **kw: Any) -> tuple[Engine, Recorder]:
        if "interval" in kw:
            config = dataclasses.replace(config, poll_interval_s=kw.pop("interval"))
        engine = Engine(config, **kw)
        rec = Recorder()
        engine.add_listener(rec)
        engines.append(engine)
        await engine.start()
        await engine.refresh(timeout=10, fresh=False)
        return engine, rec

    yield make
    for e in engines:
        await e.stop()


# the real-sshd fixtures, for the end-to-end tests through OpenSSH
from tests.remote.conftest import sshd, sshd_factory  # noqa: E402

__all__ = ["Recorder", "engine_factory", "polls_when", "sshd", "sshd_factory"]
