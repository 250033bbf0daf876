"""Plain, frozen records shared by every layer: domains, snapshots, stream samples and events.

Nothing here does I/O or imports Textual. Times named ``t``/``*_at`` are ``time.monotonic()``
seconds (one clock for the control layer, the probe and the lab's ground truth), so a stream gap
can be laid beside a migration milestone; ``wall`` fields are ``time.time()`` for display only.

The rest of xentui imports from ``xentui.model`` itself; the parts are ``hosts`` (domains,
snapshots, a command's result), ``stream`` (the probe's records), ``migration`` (phases, job
readings, a migration's record) and ``events`` (what the engine and the probe report).
"""

from __future__ import annotations

from xentui.model.events import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    Event,
    GapEvent,
    MigrationEvent,
    MigrationProgressEvent,
    NoticeEvent,
    SnapshotEvent,
    StallEvent,
    StreamStatusEvent,
)
from xentui.model.hosts import (
    CommandResult,
    Domain,
    DomainState,
    HostSnapshot,
    MigrationRole,
    ParseProblem,
)
from xentui.model.migration import (
    DEFAULT_PAGE_BYTES,
    OUTCOMES,
    RUNNING_JOBS,
    JobInfo,
    MigrationPhase,
    MigrationProgress,
    MigrationRecord,
)
from xentui.model.stream import (
    Gap,
    PlayerState,
    Sample,
    Stall,
    duration,
)

__all__ = [
    "DEFAULT_PAGE_BYTES",
    "OUTCOMES",
    "RUNNING_JOBS",
    "ActionEvent",
    "ActionKind",
    "CommandResult",
    "ConnectionEvent",
    "ConnectionState",
    "Domain",
    "DomainState",
    "Event",
    "Gap",
    "GapEvent",
    "HostSnapshot",
    "JobInfo",
    "MigrationEvent",
    "MigrationPhase",
    "MigrationProgress",
    "MigrationProgressEvent",
    "MigrationRecord",
    "MigrationRole",
    "NoticeEvent",
    "ParseProblem",
    "PlayerState",
    "Sample",
    "SnapshotEvent",
    "Stall",
    "StallEvent",
    "StreamStatusEvent",
    "duration",
]
