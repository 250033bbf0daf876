"""The recorder: a listener beside the engine and the probe that appends the run to a file.

It never blocks the app: a listener call only puts the event on a bounded queue; a writer
thread encodes, drops unchanged host lists to a one-line ``poll``, writes, flushes when the
queue runs dry (at least once a second) and fsyncs on every verdict, so a crash loses at most
the last second. A full disk or a read-only state dir becomes one warning (a `NoticeEvent` to
its listeners, the app's event log) and the run goes on unrecorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from xentui.config import LabConfig
from xentui.model import (
    Event,
    HostSnapshot,
    MigrationEvent,
    MigrationPhase,
    MigrationProgressEvent,
    NoticeEvent,
    SnapshotEvent,
)
from xentui.probe.summary import ProbeSummary
from xentui.record.codec import JSON, encode
from xentui.record.schema import SummaryDelta, event_line, header_line

log = logging.getLogger(__name__)

QUEUE_SIZE = 4096
FLUSH_S = 1.0
_STOP = object()


class Recorder:
    """Records one run to ``path``; `close()` ends the file with an ``end`` line."""

    def __init__(
        self,
        path: Path,
        *,
        command: str,
        lab: LabConfig | None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        queue_size: int = QUEUE_SIZE,
    ) -> None:
        self.path, self.clock, self.wall = path, clock, wall
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._listeners: list[Callable[[Event], None]] = []
        self._said: list[NoticeEvent] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.dropped = 0
        self.failed: str | None = None
        """Why recording stopped (disk full, read-only dir), or None while it works."""
        self.lines = 0
        self._last: dict[str, tuple[object, object]] = {}
        self._delta = SummaryDelta()
        self._file: IO[str] | None = None
        self._put(header_line(command, clock(), wall(), lab))
        self._thread = threading.Thread(target=self._write_all, name="xentui-recorder")
        self._thread.daemon = True
        self._thread.start()

    # --- what the loop calls: never more than a put on a queue ----------------------------------

    def add_listener(self, cb: Callable[[Event], None]) -> None:
        """Who hears the recorder's own warning (the app's event log, a CLI's stderr)."""
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        with self._lock:
            self._listeners.append(cb)
            said = list(self._said)
        for event in said:  # a failure before anyone listened is still said, once
            cb(event)

    def on_event(self, event: Event) -> None:
        """The engine's and probe's listener."""
        self._put(event)

    def note_summary(self, summary: ProbeSummary) -> None:
        """The probe's summary as shown now (the app's tick, or a headless sampler)."""
        self._put(("summary", self.clock(), self.wall(), summary))

    def note_query(self, fn: str, since: float, result: object) -> None:
        self._put(("query", self.clock(), self.wall(), fn, since, result))

    @property
    def pending(self) -> int:
        """Lines queued, not yet written (a test feeding an hour in a second waits on it)."""
        return self._queue.qsize()

    def close(self, timeout: float = 5.0) -> None:
        """End the file and wait for the writer (bounded: a hung disk does not hang the exit)."""
        if self._thread.is_alive():
            with contextlib.suppress(queue.Full):
                self._queue.put(_STOP, timeout=timeout)
            self._thread.join(timeout)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _put(self, item: object) -> None:
        if self.failed is not None:
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1:
                self._warn("the disk is too slow for the run record: some lines are dropped")

    # --- the writer thread ----------------------------------------------------------------------

    def _write_all(self) -> None:
        last_flush = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=FLUSH_S)
            except queue.Empty:
                item = None
            if item is _STOP:
                self._write({"k": "end", "t": self.clock(), "wall": self.wall(),
                             "dropped": self.dropped}, sync=True)  # fmt: skip
                break
            if item is not None:
                line = self._line(item)
                if line is not None:
                    self._write(line, sync=_verdict(item))
            now = time.monotonic()
            if self._file is not None and (self._queue.empty() or now - last_flush >= FLUSH_S):
                self._flush(sync=False)
                last_flush = now
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()

    def _line(self, item: Any) -> dict[str, JSON] | None:
        if isinstance(item, dict):
            return item
        if isinstance(item, SnapshotEvent):
            return self._snapshot(item)
        if isinstance(item, Event):
            return event_line(item)
        if item[0] == "summary":
            return self._delta.line(item[1], item[2], item[3])
        _, t, wall, fn, since, result = item
        return {"k": "query", "t": t, "wall": wall, "fn": fn, "since": encode(since),
                "result": encode(result)}  # fmt: skip

    def _snapshot(self, event: SnapshotEvent) -> dict[str, JSON]:
        snap: HostSnapshot = event.snapshot
        seen = (snap.domains, snap.problems)
        if self._last.get(snap.host) == seen:
            return {"k": "poll", "host": snap.host, "t": snap.t, "wall": snap.wall,
                    "latency_s": encode(snap.latency_s)}  # fmt: skip
        self._last[snap.host] = seen
        return event_line(event)

    def _write(self, line: dict[str, JSON], *, sync: bool) -> None:
        if self.failed is not None:
            return
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n")
            self.lines += 1
            if sync:
                self._flush(sync=True)
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def _flush(self, *, sync: bool) -> None:
        if self._file is None or self.failed is not None:
            return
        try:
            self._file.flush()
            if sync:
                os.fsync(self._file.fileno())
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.failed = f"{why}"
        self._warn(f"not recording this run: {self.path}: {why}")
        if self._file is not None:
            with contextlib.suppress(OSError, ValueError):
                self._file.close()
            self._file = None
        while True:  # what is queued will never be written: free the loop's puts at once
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:  # close() is waiting for the writer to end
                self._queue.put_nowait(_STOP)
                break

    def _warn(self, text: str) -> None:
        log.warning("%s", text)
        event = NoticeEvent(t=self.clock(), wall=self.wall(), text=text, level="warning")
        with self._lock:
            self._said.append(event)
            listeners = list(self._listeners)
        for cb in listeners:
            if self._loop is not None and self._loop.is_running():
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(cb, event)
            else:
                with contextlib.suppress(Exception):
                    cb(event)


def _verdict(item: object) -> bool:
    """Lines worth an fsync: a migration's outcome and the hypervisor's final figures."""
    if isinstance(item, MigrationEvent):
        return item.phase in (MigrationPhase.COMPLETED, MigrationPhase.FAILED)
    return isinstance(item, MigrationProgressEvent) and item.record.hypervisor is not None
