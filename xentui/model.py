"""Plain, frozen records shared by every layer: domains, snapshots, stream samples and events.

Nothing here does I/O or imports Textual. Times named ``t``/``*_at`` are ``time.monotonic()``
seconds (one clock for the control layer, the probe and the lab's ground truth), so a stream gap
can be laid beside a migration milestone; ``wall`` fields are ``time.time()`` for display only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DomainState(StrEnum):
    """A domain's state in words: the first flag set, in the order Xen prints them (r b p s c d)."""

    RUNNING = "running"
    BLOCKED = "blocked"
    PAUSED = "paused"
    SHUTDOWN = "shutdown"
    CRASHED = "crashed"
    DYING = "dying"
    UNKNOWN = "unknown"
    """No state letters at all: xend 3.0.4+ prints a blank State for a domain that has an ID
    but no state in its record yet (a domain in transition, e.g. just after ``xm create``)."""


class MigrationRole(StrEnum):
    """Which end of a migration a listed domain is, told by its in-migration name."""

    OUTGOING = "outgoing"  # xm: migrating-NAME; xl: NAME--migratedaway
    INCOMING = "incoming"  # xl: NAME--incoming (xm's target keeps the plain name)


@dataclass(frozen=True, slots=True)
class Domain:
    """One row of a toolstack's list, as the tool printed it."""

    name: str
    """The name exactly as listed, including any in-migration prefix or suffix."""
    base_name: str
    """The name without in-migration decoration: follows one guest across both hosts."""
    id: int | None
    """Domain id; None where the tool left it blank (inactive managed domains)."""
    mem_mib: int | None
    vcpus: int | None
    state: DomainState
    flags: str
    """The raw state letters (``-b----``) or, for virsh, the state words (``shut off``)."""
    cpu_s: float | None
    migration: MigrationRole | None = None
    active: bool = True
    """False for a defined but not running domain (virsh ``shut off``, xm's blank ID)."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A line of a tool's output that could not be read; reported, never dropped silently."""

    line_no: int
    line: str
    reason: str


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What one command on a host returned."""

    argv: tuple[str, ...]
    exit_status: int | None
    """None when the command did not finish (timeout, channel dropped)."""
    stdout: str
    stderr: str
    started: float
    finished: float
    truncated: bool = False
    """True when the output went over the cap and was cut."""
    stdout_not_utf8: bool = False
    """True when stdout held bytes that are not UTF-8: ``stdout`` shows them as U+FFFD."""
    unfinished: str = ""
    """Why there is no exit status, in words (``xm list did not finish in 5 s``, ``xm migrate
    killed by signal KILL``); empty when the command exited. The same words end ``stderr``."""

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    @property
    def duration_s(self) -> float:
        return self.finished - self.started

    @property
    def output(self) -> str:
        """stderr and stdout together, the way a person at a terminal would read them."""
        return "\n".join(part for part in (self.stderr.strip(), self.stdout.strip()) if part)


@dataclass(frozen=True, slots=True)
class HostSnapshot:
    """One poll of one host: its domains, when, and how long the round trip took."""

    host: str
    t: float
    wall: float
    latency_s: float
    domains: tuple[Domain, ...]
    problems: tuple[ParseProblem, ...] = ()
    notes: tuple[str, ...] = ()
    """How the list was read, when a person should know (``no header``)."""

    def find(self, base_name: str) -> Domain | None:
        """The domain that is this guest under any of its names, preferring an active one."""
        matches = [d for d in self.domains if d.base_name == base_name]
        if not matches:
            return None
        return next((d for d in matches if d.active), matches[0])


# --- the stream probe's records -------------------------------------------------------------


class PlayerState(StrEnum):
    PREBUFFERING = "prebuffering"
    PLAYING = "playing"
    STALLED = "stalled"
    STOPPED = "stopped"
    """No stream: not connected yet, or reconnecting."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One sparkline point: bytes received in ``[t - width_s, t)``."""

    t: float
    nbytes: int
    width_s: float = 1.0

    @property
    def kbps(self) -> float:
        return self.nbytes * 8 / 1000 / self.width_s


def duration(seconds: float) -> str:
    """How long a gap, a stall or a pause lasted, in the one unit rule every face uses (issue
    14.5): ``36 ms`` below a second, ``1.20 s`` from one on. A verdict that said ``0.04 s``
    above a line that said ``36 ms`` told one figure twice in two ways."""
    if round(seconds * 1000) < 1000:
        return f"{max(0.0, seconds) * 1000:.0f} ms"
    return f"{seconds:.2f} s"


@dataclass(frozen=True, slots=True)
class Gap:
    """A time the player was starved of data, timed from kernel arrivals."""

    start: float
    end: float
    resolution_s: float
    """How often data arrived before the gap: gaps shorter than this cannot be seen."""

    @property
    def length_s(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Stall:
    """A time the virtual player's buffer ran dry; ``end`` is None while it lasts."""

    start: float
    end: float | None

    def length_s(self, now: float) -> float:
        return (self.end if self.end is not None else now) - self.start


# --- migrations ------------------------------------------------------------------------------


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


# --- one typed stream of what happened -------------------------------------------------------


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
