"""Waiting for the screen to show something: a condition polled between frames, never a sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from textual.app import App

from xentui.setup.results import Status
from xentui.tui.setup_screen import SetupScreen


async def until(pilot, what: Callable[[], object], timeout: float = 20.0, why: str = "") -> None:
    """Until ``what()`` holds, letting the app run between checks; fails after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not what():
        if loop.time() > end:
            pytest.fail(f"timed out waiting for {why or what}")
        await pilot.pause(0.05)


class Ticks:
    """The app's ticks counted: its pass every ``tick_s`` that redraws and re-asks for host keys.

    A check that something did *not* happen waits for the tick that would have done it, not for
    a guessed time. Make it before ``run_test``: the app takes its tick method when it mounts.
    """

    def __init__(self, app: App[None]) -> None:
        self.count = 0
        tick = app._tick  # type: ignore[attr-defined]

        def counted() -> None:
            tick()
            self.count += 1

        app._tick = counted  # type: ignore[attr-defined]

    async def wait(self, pilot, n: int = 1) -> None:
        """Until ``n`` whole ticks ran from now (the messages already queued ran before them)."""
        start = self.count
        await until(pilot, lambda: self.count >= start + n, why=f"{n} tick(s) of the app")


async def checks_settled(pilot, screen: SetupScreen) -> None:
    """Until no step of the setup screen's checklist is still pending."""
    results = screen.checklist.results
    await until(pilot, lambda: all(r.status is not Status.PENDING for r in results.values()))


async def open_setup(pilot, app: App[None]) -> SetupScreen:
    """``w``, then the setup screen with every check run once."""
    await pilot.press("w")
    await until(pilot, lambda: isinstance(app.screen, SetupScreen), why="the setup screen")
    screen = app.screen
    assert isinstance(screen, SetupScreen)
    await checks_settled(pilot, screen)
    return screen
