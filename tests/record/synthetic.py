"""A synthetic run, fed to a real Recorder: an hour in a second, for size and round trips."""

from __future__ import annotations

import time
from pathlib import Path

from xentui.config.types import GuestConfig, HostConfig, LabConfig, SshTarget
from xentui.model import (
    ActionEvent,
    ActionKind,
    Domain,
    DomainState,
    Gap,
    GapEvent,
    HostSnapshot,
    MigrationEvent,
    MigrationPhase,
    MigrationRecord,
    PlayerState,
    Sample,
    SnapshotEvent,
)
from xentui.probe.summary import ProbeSummary
from xentui.record.recorder import Recorder

T0, WALL0 = 1000.0, 1_700_000_000.0
HOSTS = ("xen_host_1", "xen_host_2")


def lab() -> LabConfig:
    key = Path("/home/presenter/.ssh/id_demo")
    hosts = tuple(
        HostConfig(ssh=SshTarget(name=h, address="127.0.0.1", port=2200 + i, identity_file=key))
        for i, h in enumerate(HOSTS)
    )
    guest = GuestConfig(name="virt_server", stream_url="http://127.0.0.1:8888/TruthHappens.ogg")
    return LabConfig(path=Path("/tmp/lab.toml"), guest=guest, hosts=hosts)


def domains(on: bool) -> tuple[Domain, ...]:
    dom0 = Domain("Domain-0", "Domain-0", 0, 512, 2, DomainState.RUNNING, "r-----", 12.0)
    guest = Domain("virt_server", "virt_server", 7, 256, 1, DomainState.BLOCKED, "-b----", 3.5)
    return (dom0, guest) if on else (dom0,)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t

    def wall(self) -> float:
        return WALL0 + self.t - T0


def hour(path: Path, seconds: int = 3600, migrate_every: int = 300) -> Recorder:
    """Two hosts polled each second, a summary each second, a migration every 5 minutes."""
    clock = Clock()
    rec = Recorder(path, command="app", lab=lab(), clock=clock, wall=clock.wall)
    where = 0
    points: list[Sample] = []
    for s in range(seconds):
        clock.t = T0 + s
        while rec.pending > 1000:  # an hour in a second: let the writer keep up
            time.sleep(0.001)
        for i, host in enumerate(HOSTS):
            snap = HostSnapshot(
                host, clock.t, clock.wall(), 0.004 + (s % 7) / 1000, domains(i == where)
            )
            rec.on_event(SnapshotEvent(t=clock.t, wall=clock.wall(), snapshot=snap))
        points = [*points, Sample(t=float(int(clock.t)), nbytes=50_000 + (s * 37) % 900)][-60:]
        summary = ProbeSummary(
            bitrate_kbps=400.0 + s % 5,
            points=tuple(points),
            buffer_s=5.0 - (s % 3) / 10,
            buffer_capacity_s=5.0,
            state=PlayerState.PLAYING,
            gaps=(),
            stalls=(),
            media_time_estimated=False,
            message="connected: HTTP 200",
            resolution_s=0.02,
        )
        rec.note_summary(summary)
        if s % migrate_every == migrate_every - 1:
            source, target = HOSTS[where], HOSTS[1 - where]
            rec.on_event(ActionEvent(t=clock.t, wall=clock.wall(), kind=ActionKind.MIGRATE,
                                     guest="virt_server", host=source, target=target))  # fmt: skip
            record = MigrationRecord("virt_server", source, target, True)
            for k, phase in enumerate((MigrationPhase.REQUESTED, MigrationPhase.COMPLETED)):
                record = MigrationRecord(
                    "virt_server", source, target, True,
                    (*record.milestones, (phase, clock.t + k * 8.0)),
                )  # fmt: skip
                rec.on_event(MigrationEvent(t=clock.t + k * 8, wall=clock.wall(), phase=phase,
                                            record=record))  # fmt: skip
            gap = Gap(clock.t + 7.8, clock.t + 8.0, 0.02)
            rec.on_event(GapEvent(t=clock.t + 8.0, wall=clock.wall(), gap=gap))
            where = 1 - where
    return rec
