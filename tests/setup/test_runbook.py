"""The runbook ticks itself off from events: buffer measured at the stall, verdict after migrate."""

from __future__ import annotations

from xentui.model import (
    ActionEvent,
    ActionKind,
    Gap,
    GapEvent,
    MigrationEvent,
    MigrationPhase,
    MigrationRecord,
    Stall,
    StallEvent,
    StreamStatusEvent,
)
from xentui.setup.runbook import ItemState, Runbook


def action(kind: ActionKind, t: float, ok: bool | None) -> ActionEvent:
    return ActionEvent(t=t, wall=t, kind=kind, guest="virt_server", host="xen_host_1", ok=ok)


def migration(phase: MigrationPhase, t: float, start: float = 40.0) -> MigrationEvent:
    record = MigrationRecord(
        "virt_server",
        "xen_host_1",
        "xen_host_2",
        True,
        ((MigrationPhase.REQUESTED, start), (phase, t)),
    )
    return MigrationEvent(t=t, wall=t, phase=phase, record=record)


def demo(runbook: Runbook, *, stall_in_migration: bool) -> None:
    url = "http://127.0.0.1/TruthHappens.ogg"
    runbook.feed(StreamStatusEvent(t=1.0, wall=1.0, url=url, connected=True, playing=True))
    runbook.feed(action(ActionKind.PAUSE, 10.0, None))
    runbook.feed(action(ActionKind.PAUSE, 10.04, True))
    assert runbook.current == 1
    runbook.feed(StallEvent(t=14.8, wall=14.8, stall=Stall(14.8, None)))
    runbook.feed(action(ActionKind.UNPAUSE, 30.0, True))
    runbook.feed(StallEvent(t=30.2, wall=30.2, stall=Stall(14.8, 30.2)))
    runbook.feed(migration(MigrationPhase.REQUESTED, 40.0))
    runbook.feed(GapEvent(t=63.5, wall=63.5, gap=Gap(63.3, 63.48, 0.01)))
    if stall_in_migration:
        runbook.feed(StallEvent(t=63.4, wall=63.4, stall=Stall(63.4, None)))
    runbook.feed(migration(MigrationPhase.COMPLETED, 63.6))


def test_full_demo_without_stall() -> None:
    runbook = Runbook()
    assert runbook.current == 0
    demo(runbook, stall_in_migration=False)
    assert runbook.buffer_s is not None and abs(runbook.buffer_s - 4.8) < 1e-9
    assert [i.state for i in runbook.items] == [ItemState.DONE] * 5
    assert runbook.items[1].detail == "buffer = 4.8 s"
    assert runbook.items[3].detail == "xen_host_1 → xen_host_2 in 23.6 s"
    assert runbook.verdict == (
        "NO STALL: the viewer saw nothing (stream gap 180 ms, shorter than the 4.8 s buffer)"
    )
    assert runbook.current is None


def test_a_gap_as_long_as_the_buffer_is_never_called_shorter() -> None:
    runbook = Runbook()
    url = "http://127.0.0.1/TruthHappens.ogg"
    runbook.feed(StreamStatusEvent(t=1.0, wall=1.0, url=url, connected=True, playing=True))
    runbook.feed(action(ActionKind.PAUSE, 10.0, True))
    runbook.feed(StallEvent(t=11.0, wall=11.0, stall=Stall(11.0, None)))  # a 1.0 s buffer
    runbook.feed(action(ActionKind.UNPAUSE, 20.0, True))
    runbook.feed(migration(MigrationPhase.REQUESTED, 40.0))
    runbook.feed(GapEvent(t=62.5, wall=62.5, gap=Gap(61.2, 62.4, 0.01)))
    runbook.feed(migration(MigrationPhase.COMPLETED, 63.0))
    assert runbook.verdict == (
        "NO STALL: the viewer saw nothing (stream gap 1.20 s, not shorter than the 1.0 s buffer)"
    )


def test_stall_during_migration_is_the_verdict() -> None:
    runbook = Runbook()
    demo(runbook, stall_in_migration=True)
    assert runbook.verdict is not None and runbook.verdict.startswith("STALL")


def test_unpause_before_stall_keeps_step_open() -> None:
    runbook = Runbook()
    runbook.feed(action(ActionKind.PAUSE, 10.0, True))
    assert runbook.feed(action(ActionKind.UNPAUSE, 11.0, True))
    assert runbook.items[1].state is ItemState.TODO
    assert "pause longer" in runbook.items[1].detail
    assert runbook.buffer_s is None


def test_failed_migration_marks_the_step() -> None:
    runbook = Runbook()
    runbook.feed(migration(MigrationPhase.REQUESTED, 40.0))
    failed = migration(MigrationPhase.FAILED, 41.0)
    failed = MigrationEvent(
        t=41.0,
        wall=41.0,
        phase=MigrationPhase.FAILED,
        record=MigrationRecord(
            "virt_server",
            "xen_host_1",
            "xen_host_2",
            True,
            failed.record.milestones,
            message="Error: can't connect",
        ),
    )
    runbook.feed(failed)
    assert runbook.items[3].state is ItemState.FAILED
    assert runbook.items[3].detail == "Error: can't connect"
    assert runbook.verdict is None
    assert not runbook.feed(StallEvent(t=50.0, wall=50.0, stall=Stall(50.0, None)))


def test_a_refused_pause_does_not_undo_a_measured_buffer() -> None:
    runbook = Runbook()
    runbook.feed(action(ActionKind.PAUSE, 10.0, None))
    runbook.feed(action(ActionKind.PAUSE, 10.1, True))
    runbook.feed(StallEvent(t=15.0, wall=15.0, stall=Stall(15.0, None)))
    refused = ActionEvent(
        t=16.0,
        wall=16.0,
        kind=ActionKind.PAUSE,
        guest="virt_server",
        host="xen_host_1",
        ok=False,
        message="refused: already paused",
    )
    runbook.feed(refused)
    assert runbook.items[1].state is ItemState.DONE
    assert runbook.buffer_s == 5.0


def test_a_refused_pause_before_any_shows_why() -> None:
    runbook = Runbook()
    refused = ActionEvent(
        t=16.0,
        wall=16.0,
        kind=ActionKind.PAUSE,
        guest="virt_server",
        host="",
        ok=False,
        message="refused: the guest runs nowhere",
    )
    assert runbook.feed(refused)
    assert runbook.items[1].state is ItemState.FAILED
    assert runbook.items[1].detail == "refused: the guest runs nowhere"
