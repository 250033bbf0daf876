"""TUI test fixtures: a fixed clock shown in UTC, and an app fed recorded records."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.tui.records import Clock, config
from xentui.tui.app import XentuiApp


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> XentuiApp:
    return XentuiApp(config(), clock=clock, wall=clock.wall)
