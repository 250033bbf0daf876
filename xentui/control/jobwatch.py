"""Following a migration job the engine started, beside the lists: the hypervisor's readings
while it runs, its own figures once it ended, and a forecast where the tool reports nothing.

The readings go through the source's runner on their own channel, one at a time, so the list
polls never wait for them; a reading that fails is a missed sample, never a failed migration.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from xentui.control.progress import ProgressFollower
from xentui.control.tracker import MigrationTracker
from xentui.model import (
    Event,
    JobInfo,
    MigrationPhase,
    MigrationProgressEvent,
    NoticeEvent,
)
from xentui.tasks import cancel_and_wait, stop_requested

if TYPE_CHECKING:
    from xentui.control.hosts import Hosts

JOB_POLL_S = 0.5
"""How often a running job is read: a finer bar than the lists give, at ~20-65 ms a call."""
JOB_TIMEOUT_S = 5.0
MiB = 1024 * 1024


class JobWatch:
    """Reads the migration job on its host beside the lists, and learns the link's rate.

    Its tasks go into ``background``, the set the engine's stop() ends.
    """

    def __init__(
        self,
        hosts: Hosts,
        emit: Callable[[Event], None],
        clock: Callable[[], float],
        wall: Callable[[], float],
        background: set[asyncio.Task[None]],
    ) -> None:
        self.hosts, self.emit, self.clock, self.wall = hosts, emit, clock, wall
        self.guest = hosts.guest
        self.background = background
        self.link_bps: float | None = None
        """Bytes per second the previous migration moved: the next forecast's divisor."""

    def guest_memory(self, host: str) -> int | None:
        """The guest's memory in bytes as ``host`` lists it (xm and xl do; virsh's list not)."""
        snap = self.hosts.pollers[host].snapshot
        domain = snap.find(self.guest) if snap is not None else None
        return domain.mem_mib * MiB if domain is not None and domain.mem_mib else None

    def forecast(self, memory: int | None) -> float | None:
        return memory / self.link_bps if memory and self.link_bps else None

    def watch_job(self, tracker: MigrationTracker, host: str) -> asyncio.Task[None] | None:
        """Start reading the job on ``host`` every JOB_POLL_S; None where the tool cannot."""
        argv = self.hosts.toolstack(host).jobinfo_argv(self.guest)
        if argv is None:
            return None
        tracker.figures_pending = True
        task = asyncio.create_task(self._watch(tracker, host, argv), name="watch migration job")
        self.background.add(task)  # the engine's stop() ends it
        task.add_done_callback(self.background.discard)
        return task

    async def _watch(self, tracker: MigrationTracker, host: str, argv: list[str]) -> None:
        follower, said = ProgressFollower(), False
        while not tracker.record.finished:
            t0 = self.clock()
            job = await self._read_job(host, argv)
            if job is not None and job.running and not tracker.record.finished:
                progress = follower.add(self.clock(), job)
                tracker.progress(progress)
                self.emit(
                    MigrationProgressEvent(t=progress.t, wall=self.wall(), record=tracker.record)
                )
                if progress.stuck and not said:
                    said = True
                    text = f"{self.guest}: {progress.stuck}"
                    self.emit(
                        NoticeEvent(t=self.clock(), wall=self.wall(), text=text, level="warning")
                    )
            await asyncio.sleep(max(0.0, t0 + JOB_POLL_S - self.clock()))

    async def _read_job(self, host: str, argv: list[str], *, say: bool = False) -> JobInfo | None:
        try:
            result = await self.hosts.runner(host).run(argv, timeout=JOB_TIMEOUT_S)
        except Exception as exc:
            if stop_requested():  # the transport answered a cancel with its own error
                raise asyncio.CancelledError from None
            self._missed(host, f"{type(exc).__name__}: {exc}", say)
            return None
        ts = self.hosts.toolstack(host)
        if not result.ok:
            err = ts.parse_error(result)
            self._missed(host, (err.message if err else "") or result.output, say)
            return None
        return ts.parse_jobinfo(result.stdout)

    def _missed(self, host: str, why: str, say: bool) -> None:
        if say:  # libvirt's own words, as for any virsh error
            text = f"{host}: no hypervisor figures for {self.guest}: {why or 'no answer'}"
            self.emit(NoticeEvent(t=self.clock(), wall=self.wall(), text=text))

    async def final_figures(
        self, tracker: MigrationTracker, host: str, watch: asyncio.Task[None] | None
    ) -> None:
        """Once the job ended: stop the readings, then fetch the job's own figures onto the
        record: on the target first (a transient domain is gone from the source, and libvirt
        keeps the incoming side's completed job: "Operation: Incoming migration", with the
        downtime), else on ``host``, the source (a persistent domain keeps its outgoing job)."""
        if watch is None:
            return
        try:
            await cancel_and_wait([watch])
            target = tracker.record.target
            for where, last in ((target, False), (host, True)):
                argv = self.hosts.toolstack(where).jobinfo_argv(self.guest, completed=True)
                job = await self._read_job(where, argv, say=last) if argv else None
                if job is not None and job.job_type == "Completed":
                    tracker.hypervisor_figures(job)
                    self.learn_link(tracker)
                    break
        finally:
            tracker.figures_pending = False
            self.emit(
                MigrationProgressEvent(t=self.clock(), wall=self.wall(), record=tracker.record)
            )

    def learn_link(self, tracker: MigrationTracker) -> None:
        """What the link moved in this migration, for the next one's forecast: the hypervisor's
        bytes over its time where it said, else the guest's memory over the whole duration."""
        record, memory = tracker.record, tracker.memory
        # a corrected outcome's duration holds the time nobody could see: no rate from it
        if record.outcome is not MigrationPhase.COMPLETED or record.reported:
            return
        job = record.hypervisor
        if job is not None and job.data_processed and job.elapsed_ms:
            self.link_bps = job.data_processed / (job.elapsed_ms / 1000)
        elif memory and record.duration_s:
            self.link_bps = memory / record.duration_s
