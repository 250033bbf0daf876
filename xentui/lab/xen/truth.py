"""What really happened in the lab, on the monotonic clock: stream halts and each migration.

Tests and benchmarks compare what xentui measured from outside against this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xentui.lab.streaming.stream import HaltRecord

if TYPE_CHECKING:
    from xentui.lab.lab import Lab


@dataclass
class MigrationTruth:
    """One migration as the lab ran it; ``stats`` is the engine's MigrationStats once done."""

    guest: str
    source: str
    target: str
    toolstack: str
    live: bool
    started: float
    finished: float | None = None
    ok: bool | None = None
    message: str = ""
    rounds: list[Any] = field(default_factory=list)
    stop_and_copy_at: float | None = None
    stats: Any = None

    @property
    def downtime_s(self) -> float | None:
        return getattr(self.stats, "downtime_s", None)

    @property
    def total_s(self) -> float | None:
        return None if self.finished is None else self.finished - self.started


class GroundTruth:
    def __init__(self, lab: Lab) -> None:
        self._lab = lab
        self.migrations: list[MigrationTruth] = []

    @property
    def halts(self) -> list[HaltRecord]:
        """Every time the guest's stream stopped sending (paused, stop-and-copy, shut down)."""
        return self._lab.guest.halts

    @property
    def last_migration(self) -> MigrationTruth | None:
        return self.migrations[-1] if self.migrations else None
