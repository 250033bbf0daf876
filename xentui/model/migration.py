"""Migrations: their phases, the hypervisor's job readings and one migration's record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MigrationPhase(StrEnum):
    REQUESTED = "requested"
    STARTED = "started"
    RENAMED_ON_SOURCE = "renamed on source"
    SEEN_ON_TARGET = "seen on target"
    COMPLETED = "completed"
    FAILED = "failed"
    LOST = "lost"
    """Every host of the migration went unreachable mid-way: nobody can tell where the guest
    is, so the migration holds nothing; the next lists decide (and say so, as a correction)."""


OUTCOMES = (MigrationPhase.COMPLETED, MigrationPhase.FAILED, MigrationPhase.LOST)


RUNNING_JOBS = ("Bounded", "Unbounded")
DEFAULT_PAGE_BYTES = 4096


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A migration job's figures as the hypervisor reports them: ``virsh domjobinfo`` fills
    them today, QMP ``query-migrate`` can fill the same fields. None: not reported.

    Sizes are bytes, rates bytes/s (the dirty rate is pages/s, as both tools count it)."""

    job_type: str | None = None
    """libvirt's word: ``Unbounded`` or ``Bounded`` while it runs, ``Completed``, ``None``..."""
    elapsed_ms: int | None = None
    data_processed: int | None = None
    data_remaining: int | None = None
    data_total: int | None = None
    memory_bps: int | None = None
    dirty_pages_s: int | None = None
    page_bytes: int | None = None
    iteration: int | None = None
    """The pass over guest memory: 1 is the first full copy, each later one resends dirt."""
    expected_downtime_ms: int | None = None
    total_downtime_ms: int | None = None
    """How long the guest was paused for the switch (completed jobs only)."""
    setup_ms: int | None = None

    @property
    def running(self) -> bool:
        return self.job_type in RUNNING_JOBS

    @property
    def dirty_bps(self) -> int | None:
        if self.dirty_pages_s is None:
            return None
        return self.dirty_pages_s * (self.page_bytes or DEFAULT_PAGE_BYTES)


@dataclass(frozen=True, slots=True)
class MigrationProgress:
    """One reading of a running migration, with what follows from the readings before it."""

    t: float
    job: JobInfo
    rate_bps: float | None = None
    """Bytes sent per second: the hypervisor's bandwidth, else measured between readings."""
    eta_s: float | None = None
    stuck: str = ""
    """Why the migration is not converging, in words; empty while it is (or cannot be told)."""

    @property
    def fraction(self) -> float | None:
        done, total = self.job.data_processed, self.job.data_total
        return None if done is None or not total else min(1.0, done / total)


@dataclass(frozen=True, slots=True)
class MigrationRecord:
    """The timeline of one migration, built from the command and from both hosts' lists."""

    guest: str
    source: str
    target: str
    live: bool
    milestones: tuple[tuple[MigrationPhase, float], ...] = ()
    message: str = ""
    """The tool's own message on failure."""
    guest_now_on: str | None = None
    """Where the guest was last seen (after a failure, this is where it is now)."""
    progress: MigrationProgress | None = None
    """The hypervisor's latest reading while the job ran (None where the tool reports none)."""
    hypervisor: JobInfo | None = None
    """The finished job's own figures (total time, downtime), fetched after it ended."""
    forecast_s: float | None = None
    """Where the tool reports no progress: guest memory over the link rate the previous
    migration measured; after the migration it stands beside the actual duration."""
    reported: str = ""
    """What was said of it before the lists could tell (``failed``: the command or the
    timeline said so; ``lost``): a later outcome from the lists says it corrects this."""

    def at(self, phase: MigrationPhase) -> float | None:
        return next((t for p, t in self.milestones if p is phase), None)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def outcome(self) -> MigrationPhase | None:
        for phase, _ in reversed(self.milestones):
            if phase in OUTCOMES:
                return phase
        return None

    @property
    def duration_s(self) -> float | None:
        start, end = self.at(MigrationPhase.REQUESTED), None
        if (outcome := self.outcome) is not None:
            end = self.at(outcome)
        return None if start is None or end is None else end - start
