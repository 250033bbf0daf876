"""Where the recorder meets the probe: what the app saw, and a sampler for headless runs.

`RecordingProbe` stands between the app and the real probe: each summary the app's tick asks
for, and each verdict figure, is recorded as the app got it, so a replay shows the same numbers
at the same moments. Without an app (`xentui ctl`, `xentui probe`) `sample_summaries` takes
one a second.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xentui.model import Event, Gap
from xentui.probe.summary import ProbeSummary
from xentui.record.recorder import Recorder


class RecordingProbe:
    """The probe, as the app sees it, with every answer it gives the app recorded."""

    def __init__(self, probe: Any, recorder: Recorder) -> None:
        self.inner, self.recorder = probe, recorder

    def add_listener(self, cb: Callable[[Event], None]) -> None:
        self.inner.add_listener(cb)
        self.recorder.add_listener(cb)  # the recorder's own warning reaches the app's log

    async def run(self) -> None:
        await self.inner.run()

    async def close(self) -> None:
        await self.inner.close()

    def summary(self) -> ProbeSummary:
        summary: ProbeSummary = self.inner.summary()
        self.recorder.note_summary(summary)
        return summary

    def longest_gap_since(self, t: float) -> Gap | None:
        gap: Gap | None = self.inner.longest_gap_since(t)
        self.recorder.note_query("longest_gap_since", t, gap)
        return gap

    def min_buffer_since(self, t: float) -> float | None:
        low: float | None = self.inner.min_buffer_since(t)
        self.recorder.note_query("min_buffer_since", t, low)
        return low

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def sample_summaries(probe: Any, recorder: Recorder, every_s: float = 1.0) -> None:
    """Record the probe's summary once a second until cancelled (no app to ask for it)."""
    while True:
        await asyncio.sleep(every_s)
        recorder.note_summary(probe.summary())


def runs_dir() -> Path:
    """``$XDG_STATE_HOME/xentui/runs`` (default ``~/.local/state/xentui/runs``)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "xentui" / "runs"


def run_path(command: str, wall: float | None = None) -> Path:
    """A new record's name: when, what and which process (two runs never share a file)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(wall or time.time()))
    return runs_dir() / f"{stamp}-{command}-{os.getpid()}.jsonl"
