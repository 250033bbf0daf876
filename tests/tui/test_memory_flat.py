"""Memory stays flat (issue 10.10): once warm, migrations through the app cost no memory.

The app grew ~180 KB a migration, with no plateau in 80. Two caches held what no one showed:
Textual's ``StylesCache.get_inner_outer``, an lru_cache keyed by every widget's StylesCache (the
migrate dialog and each toast, with all their rendered strips, 1,024 widgets deep), and the
event log's RichLog row cache, keyed by line numbers that only grow (1,024 rows deep, the event
log kept 1,000 lines). Here the app drives live migrations (m, Enter) over the lab's real SSH
with the probe on its real HTTP stream. The lab is a child process (benchmarks/soak.py
--serve-lab, as `xentui demo` runs it) so the traced memory is the app's alone. The event log is
filled to its cap first, as after a long show, and 20 migrations warm the rest (the log's row
cache, Rich's and Textual's own bounded caches: measured flat from there); then
``MEASURED`` more may grow traced memory by less than ``BOUND_KIB`` each.
"""

from __future__ import annotations

import gc
import importlib.util
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.tui.test_lab import press
from tests.tui.waits import until
from xentui.config import LabConfig
from xentui.model import MigrationPhase, NoticeEvent
from xentui.tui.app import XentuiApp
from xentui.tui.session import build_live_app, live
from xentui.tui.widgets.event_log import MAX_LINES, EventLog

SOAK = Path(__file__).parents[2] / "benchmarks" / "soak.py"
WARMUP = 20
MEASURED = 20
BOUND_KIB = 50.0
"""Per migration, once warm: measured ~10-20 KiB (noise of the probe's and SSH's buffers);
before the fix, ~180 KiB."""


def _soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lab_child(tmp_path: Path) -> Iterator[LabConfig]:
    """The soak's own lab child (``--serve-lab``): one way to start it, for both."""
    with _soak().lab_child(tmp_path / "lab") as config:
        yield config


async def migrate(pilot, app: XentuiApp) -> None:
    await until(pilot, lambda: app.check_action("migrate", ()), why="migrate enabled")
    before = app.main.migration
    await press(pilot, "m", "enter")
    await until(pilot, lambda: app.main.migration is not before, why="the migration starts")
    await until(pilot, lambda: app.main.migration.finished, timeout=30, why="its outcome")
    record = app.main.migration
    assert record.outcome is MigrationPhase.COMPLETED, record
    await until(pilot, lambda: app.main.guest_host() == record.target, why="the guest moved")


def traced_kib() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1024


async def test_migrations_grow_no_memory_once_warm(lab_child: LabConfig) -> None:
    # traced from the start: a block allocated before tracing began is not counted when freed,
    # so a cache turning over would look like growth until every old entry had gone
    tracemalloc.start(1)
    try:
        app = build_live_app(lab_child)
        async with live(app.engine, app.probe), app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: app.main.guest_host(), why="the guest's host")
            log = app.main.query_one(EventLog)
            for i in range(MAX_LINES):  # a long show's log, at its cap
                log.add(NoticeEvent(t=app.main.clock(), wall=app.main.wall(), text=f"earlier {i}"))
            for _ in range(WARMUP):
                await migrate(pilot, app)
            start = traced_kib()
            for _ in range(MEASURED):
                await migrate(pilot, app)
            grown = traced_kib() - start
    finally:
        tracemalloc.stop()
    per = grown / MEASURED
    print(f"traced memory over {MEASURED} migrations: {grown:+.0f} KiB, {per:+.1f} KiB each")
    assert per < BOUND_KIB, f"{per:.1f} KiB a migration (bound {BOUND_KIB})"
