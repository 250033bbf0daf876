"""Fixed records for the TUI tests and snapshots: two hosts, one guest, a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xentui.config import GuestConfig, HostConfig, LabConfig, SshTarget
from xentui.model import (
    ActionEvent,
    ActionKind,
    CommandResult,
    ConnectionEvent,
    ConnectionState,
    Domain,
    DomainState,
    Gap,
    GapEvent,
    HostSnapshot,
    MigrationEvent,
    MigrationPhase,
    MigrationRecord,
    MigrationRole,
    PlayerState,
    Sample,
    SnapshotEvent,
    Stall,
)
from xentui.tui.verdict import Figures

GUEST = "virt_server"
T0 = 1000.0
WALL0 = 1_780_000_000.0  # a fixed wall clock (shown in UTC by the tests)
URL = "http://virt_server:8888/TruthHappens.ogg"


def config(hosts: int = 2, guest: str = GUEST) -> LabConfig:
    return LabConfig(
        path=Path("/nonexistent/xentui.toml"),
        guest=GuestConfig(name=guest, stream_url=URL),
        hosts=tuple(
            # loopback and a closed port: a check or a connect never leaves this machine
            HostConfig(
                ssh=SshTarget(name=f"xen_host_{i + 1}", address="127.0.0.1", port=9),
                toolstack="xm",
            )
            for i in range(hosts)
        ),
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def wall(self) -> float:
        return WALL0 + (self.t - T0)


def dom0(cpu: float = 1204.0) -> Domain:
    return Domain("Domain-0", "Domain-0", 0, 491, 1, DomainState.RUNNING, "r-----", cpu)


def guest(
    name: str = GUEST,
    state: DomainState = DomainState.BLOCKED,
    flags: str = "-b----",
    role: MigrationRole | None = None,
    dom_id: int = 3,
    base: str = GUEST,
) -> Domain:
    return Domain(name, base, dom_id, 128, 1, state, flags, 37.2, role)


def snap(host: str, *domains: Domain, t: float = T0, latency: float = 0.003) -> SnapshotEvent:
    s = HostSnapshot(host, t, WALL0 + t - T0, latency, tuple(domains))
    return SnapshotEvent(t=t, wall=s.wall, snapshot=s)


def connected(host: str, t: float = T0) -> ConnectionEvent:
    return ConnectionEvent(t=t, wall=WALL0 + t - T0, host=host, state=ConnectionState.CONNECTED)


def unreachable(host: str, t: float = T0, reason: str = "connection refused") -> ConnectionEvent:
    return ConnectionEvent(
        t=t,
        wall=WALL0 + t - T0,
        host=host,
        state=ConnectionState.UNREACHABLE,
        reason=reason,
        retry_in_s=5.0,
    )


def steady(t: float = T0) -> list:
    """Both hosts connected, the guest on xen_host_1."""
    return [
        connected("xen_host_1", t),
        connected("xen_host_2", t),
        snap("xen_host_1", dom0(), guest(), t=t),
        snap("xen_host_2", dom0(845.0), t=t, latency=0.004),
    ]


def action(kind: ActionKind, t: float, ok: bool | None, target: str | None = None, msg: str = ""):
    result = None
    if ok is not None:
        result = CommandResult(("xm", kind.value), 0 if ok else 1, "", msg, t - 0.042, t)
    return ActionEvent(
        t=t,
        wall=WALL0 + t - T0,
        kind=kind,
        guest=GUEST,
        host="xen_host_1",
        target=target,
        ok=ok,
        message=msg,
        result=result,
    )


def migration(phases: list[tuple[MigrationPhase, float]], message: str = "", now_on=None):
    record = MigrationRecord(
        GUEST, "xen_host_1", "xen_host_2", True, tuple(phases), message, now_on
    )
    phase, t = phases[-1]
    return MigrationEvent(t=t, wall=WALL0 + t - T0, phase=phase, record=record)


@dataclass(frozen=True)
class Summary:
    """The fields of the probe's summary, fixed."""

    bitrate_kbps: float = 512.0
    points: tuple[Sample, ...] = field(
        default_factory=lambda: tuple(
            Sample(T0 - 60 + i, int(64_000 * (0.9 + 0.2 * ((i * 7) % 5) / 4))) for i in range(60)
        )
    )
    buffer_s: float = 4.6
    buffer_capacity_s: float = 4.8
    state: PlayerState = PlayerState.PLAYING
    gaps: tuple[Gap, ...] = ()
    stalls: tuple[Stall, ...] = ()
    media_time_estimated: bool = False
    resolution_s: float | None = 0.02
    message: str = "playing"


def migrated_summary(now: float) -> Summary:
    """A steady ~390 kbit/s stream over the last minute: the migration's 0.18 s gap left one
    empty second, and the player's refill after it came at several times the media rate."""
    rates = [390.0 + 12.0 * (((i * 7) % 5) - 2) for i in range(60)]
    hole = int(T0 + 20 - (now - 60))
    rates[hole], rates[hole + 1], rates[hole + 2] = 0.0, 1900.0, 1250.0
    return Summary(
        bitrate_kbps=rates[-1],
        points=tuple(Sample(now - 60 + i, int(kbps * 125)) for i, kbps in enumerate(rates)),
        gaps=(Gap(T0 + 20.0, T0 + 20.18, 0.02),),
    )


def migrated_figures(now: float) -> Figures:
    return Figures(Gap(T0 + 20.0, T0 + 20.18, 0.02), 4.6, 4.8, (), now)


def gap_event(t: float, length: float) -> GapEvent:
    return GapEvent(t=t, wall=WALL0 + t - T0, gap=Gap(t - length, t, 0.02))
