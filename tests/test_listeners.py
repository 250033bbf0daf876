"""Issue 13.4: the one "tell every listener" of the engine, the probe and the checklist."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from xentui.listeners import notify

log = logging.getLogger("tests.listeners")


def test_every_listener_hears_despite_a_broken_one(caplog: pytest.LogCaptureFixture) -> None:
    heard: list[tuple[str, int]] = []
    listeners: list[Callable[[int], None]] = []

    def broken(n: int) -> None:
        raise ValueError(f"cannot take {n}")

    listeners += [lambda n: heard.append(("a", n)), broken, lambda n: heard.append(("b", n))]
    with caplog.at_level(logging.ERROR, logger="tests.listeners"):
        notify(listeners, 7, log, "test")
    assert heard == [("a", 7), ("b", 7)]
    (record,) = caplog.records
    assert record.getMessage().startswith("test listener failed on int: <function")
    assert record.exc_info is not None and record.exc_info[0] is ValueError


def test_a_listener_added_while_telling_hears_the_next_event_only() -> None:
    heard: list[str] = []
    listeners: list[Callable[[str], None]] = []

    def first(event: str) -> None:
        heard.append(f"first {event}")
        if len(listeners) == 1:
            listeners.append(lambda e: heard.append(f"late {e}"))

    listeners.append(first)
    notify(listeners, "one", log, "test")
    notify(listeners, "two", log, "test")
    assert heard == ["first one", "first two", "late two"]
