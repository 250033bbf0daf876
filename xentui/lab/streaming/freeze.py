"""When the guest's output stops and starts: halts of a frozen guest, timed for the ground truth.

A halt stops the server's writing at once; the wire goes quiet only when every connection's
unsent kernel queue has run empty, so both moments are recorded on one monotonic clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from xentui.tasks import cancel_and_wait

QUIET_POLL_S = 0.001


@dataclass(slots=True)
class HaltRecord:
    """One time the guest's output stopped, on the server's monotonic clock."""

    why: str
    t_halt: float
    """When the server stopped writing."""
    t_wire_quiet: float | None = None
    """When every connection's unsent queue ran empty: nothing more could reach a client."""
    t_resume: float | None = None
    queued_at_halt: int = 0
    """Bytes still unsent in the kernel, over all connections, when the writing stopped."""


class OutputGate:
    """Open while the guest runs; ``unsent`` tells how many bytes the kernel still holds."""

    def __init__(self, clock: Callable[[], float], unsent: Callable[[], list[int]]) -> None:
        self._clock = clock
        self._unsent = unsent
        self.halts: list[HaltRecord] = []
        self._running = asyncio.Event()
        self._running.set()
        self._quiet_task: asyncio.Task[None] | None = None

    @property
    def halted(self) -> bool:
        return not self._running.is_set()

    async def wait_open(self) -> None:
        await self._running.wait()

    def halt(self, why: str) -> None:
        """Halts do not nest: halting a halted guest only adds ``why`` to the current record."""
        if self.halted:
            record = self.halts[-1]
            if why not in record.why.split(", "):
                record.why = f"{record.why}, {why}"
            return
        self._running.clear()
        record = HaltRecord(why=why, t_halt=self._clock())
        record.queued_at_halt = sum(self._unsent())
        self.halts.append(record)
        self._quiet_task = asyncio.get_running_loop().create_task(self._watch_quiet(record))

    def resume(self) -> None:
        if not self.halted:
            return
        self.halts[-1].t_resume = self._clock()
        self._running.set()
        if self._quiet_task is not None:
            self._quiet_task.cancel()
            self._quiet_task = None

    async def close(self) -> None:
        task, self._quiet_task = self._quiet_task, None
        if task is not None:
            await cancel_and_wait([task])

    async def _watch_quiet(self, record: HaltRecord) -> None:
        while self.halted:
            if not any(self._unsent()):
                record.t_wire_quiet = self._clock()
                return
            await asyncio.sleep(QUIET_POLL_S)
