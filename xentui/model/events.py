"""One typed stream of what happened: the events the engine and the probe report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from xentui.model.hosts import CommandResult, HostSnapshot
from xentui.model.migration import MigrationPhase, MigrationRecord
from xentui.model.stream import Gap, Stall


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of everything the engine reports; ``t`` is monotonic, ``wall`` for display."""

    t: float
    wall: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotEvent(Event):
    snapshot: HostSnapshot


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionEvent(Event):
    host: str
    state: ConnectionState
    reason: str = ""
    retry_in_s: float | None = None


class ActionKind(StrEnum):
    PAUSE = "pause"
    UNPAUSE = "unpause"
    MIGRATE = "migrate"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionEvent(Event):
    """An action was requested (``result`` None), refused, or finished (``result`` set)."""

    kind: ActionKind
    guest: str
    host: str
    target: str | None = None
    ok: bool | None = None
    message: str = ""
    result: CommandResult | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationEvent(Event):
    """A milestone of a migration; ``record`` is the timeline so far."""

    phase: MigrationPhase
    record: MigrationRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationProgressEvent(Event):
    """A running migration's new reading, or a finished one's hypervisor figures; not a
    milestone: ``record`` carries them (``progress``, ``hypervisor``)."""

    record: MigrationRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class GapEvent(Event):
    gap: Gap


@dataclass(frozen=True, slots=True, kw_only=True)
class StallEvent(Event):
    """The buffer ran dry (``stall.end`` None) or playback resumed (``stall.end`` set)."""

    stall: Stall


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamStatusEvent(Event):
    """The stream connected, failed or reconnects: ``message`` says why, in words."""

    url: str
    connected: bool
    message: str = ""
    retry_in_s: float | None = None
    playing: bool = False
    """Media plays: the player reached PLAYING on the Ogg clock (not on an estimate, not on
    headers alone). The runbook's first step ticks on this, never on ``connected``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeEvent(Event):
    """Anything else worth a line in the event log."""

    text: str
    level: str = "info"
    extra: dict[str, str] = field(default_factory=dict)
