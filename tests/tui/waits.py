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
