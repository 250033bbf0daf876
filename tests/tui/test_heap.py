"""Issue 11.6: full garbage collections run on the app's tick, not when a key's paint allocates.

Python's own collector is the peer here: its thresholds, its freeze count and its per-generation
statistics say what the app asked of it.
"""

from __future__ import annotations

import gc

from tests.tui.records import config
from tests.tui.waits import until
from xentui.tui.app import XentuiApp
from xentui.tui.heap import FULL_EVERY_TICKS, NEVER


def _churn() -> list[list[int]]:
    """Objects that survive the young collections, as a poll's rows do until the next poll."""
    return [[i] for i in range(300_000)]


def _full_passes() -> int:
    return gc.get_stats()[2]["collections"]


async def test_the_app_moves_full_collections_to_its_tick_and_restores_the_collector() -> None:
    before = gc.get_threshold()
    app = XentuiApp(config(), tick_s=0.05)
    async with app.run_test() as pilot:
        await until(pilot, lambda: gc.get_threshold()[2] == NEVER, why="the heap settled")
        assert gc.get_freeze_count() > 0  # the settled screen is out of the full passes
        assert gc.get_threshold()[:2] == before[:2]  # the young generations as they were
        passes = _full_passes()
        # allocation never starts a full pass now (with Python's own thresholds this churn
        # starts three): hundreds of young collections, none full
        assert len(_churn()) == 300_000
        assert _full_passes() == passes
        ticks = app.main.heap.ticks
        await until(
            pilot,
            lambda: app.main.heap.ticks >= ticks + FULL_EVERY_TICKS + 1,
            why="ten ticks",
        )
        assert _full_passes() > passes  # the tick ran one
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
