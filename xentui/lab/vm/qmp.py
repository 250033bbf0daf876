"""A small asyncio QMP client: QEMU's JSON machine protocol over its unix socket.

The lab's xm/xl face and its tests drive QEMU through QMP (stop, cont, migrate, query-migrate),
so they need replies in QEMU's own words and its asynchronous events (STOP, RESUME, MIGRATION).
No library does this within our dependencies; the protocol is one JSON object per line. Every
await has a time-out: a wedged QEMU must surface as an error, not a hung demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from pathlib import Path
from typing import Any

TIMEOUT = 10.0
_LIMIT = 4 * 1024 * 1024
"""Largest reply line accepted (query-* replies are a few kB; the default 64 kB is too tight)."""


class QmpError(Exception):
    """QEMU refused a command (its ``desc``), or the QMP connection failed or timed out."""

    def __init__(self, message: str, error_class: str = "") -> None:
        super().__init__(message)
        self.error_class = error_class


class Qmp:
    """One QMP connection. ``await Qmp.connect(path)``; ``execute``; ``next_event``; ``close``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        """Every event QEMU sent, in order: ``{"event": "STOP", "data": {...}, ...}``."""
        self.greeting: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        self._closed_why = ""

    @classmethod
    async def connect(cls, path: Path | str, *, timeout: float = TIMEOUT) -> Qmp:
        """Connect (waiting for QEMU to create the socket), read the greeting, negotiate."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_unix_connection(str(path), limit=_LIMIT), timeout
                )
                break
            except (FileNotFoundError, ConnectionRefusedError) as err:
                if time.monotonic() >= deadline:
                    raise QmpError(f"no QMP socket at {path} after {timeout:g} s: {err}") from None
                await asyncio.sleep(0.05)
            except TimeoutError:
                raise QmpError(f"QMP connect to {path} timed out after {timeout:g} s") from None
        qmp = cls(reader, writer)
        try:
            line = await asyncio.wait_for(reader.readline(), timeout)
            greeting = json.loads(line) if line else None
            if not isinstance(greeting, dict) or "QMP" not in greeting:
                raise QmpError(f"no QMP greeting on {path}: {line[:80]!r}")
            qmp.greeting = greeting["QMP"]
            qmp._task = asyncio.create_task(qmp._read_loop(), name=f"qmp {path}")
            await qmp.execute("qmp_capabilities", timeout=timeout)
        except BaseException as err:
            await qmp.close()
            if isinstance(err, TimeoutError):
                raise QmpError(f"QMP greeting on {path} timed out after {timeout:g} s") from None
            if isinstance(err, ValueError):
                raise QmpError(f"QMP greeting on {path} is not JSON: {err}") from None
            raise
        return qmp

    async def execute(
        self, name: str, args: dict[str, Any] | None = None, *, timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """Run one command; its ``return`` value (``{}`` for none). QmpError with QEMU's desc."""
        if self._closed_why:
            raise QmpError(f"{name}: {self._closed_why}")
        ident = str(next(self._ids))
        message: dict[str, Any] = {"execute": name, "id": ident}
        if args:
            message["arguments"] = args
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        try:
            self._writer.write(json.dumps(message).encode() + b"\n")
            await asyncio.wait_for(self._writer.drain(), timeout)
            reply = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise QmpError(f"{name}: no QMP reply in {timeout:g} s") from None
        except (ConnectionError, OSError) as err:
            raise QmpError(f"{name}: QMP connection lost: {err}") from None
        finally:
            self._pending.pop(ident, None)
        if "error" in reply:
            error = reply["error"]
            raise QmpError(f"{name}: {error.get('desc', error)}", str(error.get("class", "")))
        result = reply.get("return", {})
        return result if isinstance(result, dict) else {"return": result}

    async def next_event(self, *names: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next queued event (among ``names`` if given; others are dropped on the way)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                event = await asyncio.wait_for(self.events.get(), max(left, 0))
            except TimeoutError:
                want = " or ".join(names) or "any"
                raise QmpError(f"no QMP event ({want}) in {timeout:g} s") from None
            if not names or event.get("event") in names:
                return event

    async def _read_loop(self) -> None:
        why = "QEMU closed the QMP connection"
        try:
            while line := await self._reader.readline():
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not ours to judge: QEMU only sends JSON
                if not isinstance(message, dict):
                    continue
                if "event" in message:
                    self.events.put_nowait(message)
                    continue
                future = self._pending.get(str(message.get("id", "")))
                if future is not None and not future.done():
                    future.set_result(message)
        except (ConnectionError, OSError, ValueError) as err:
            why = f"QMP connection lost: {err}"
        finally:
            self._closed_why = self._closed_why or why
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(QmpError(self._closed_why))

    @property
    def closed(self) -> bool:
        return bool(self._closed_why)

    async def close(self) -> None:
        """Close the socket and stop reading (QEMU keeps running: ``execute("quit")`` ends it)."""
        self._closed_why = self._closed_why or "the QMP connection was closed"
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, TIMEOUT)
        self._writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._writer.wait_closed(), TIMEOUT)
