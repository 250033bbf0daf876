"""Waiting for the screen to show something: a condition polled between frames, never a sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest


async def until(pilot, what: Callable[[], object], timeout: float = 20.0, why: str = "") -> None:
    """Until ``what()`` holds, letting the app run between checks; fails after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not what():
        if loop.time() > end:
            pytest.fail(f"timed out waiting for {why or what}")
        await pilot.pause(0.05)
