"""Scenes for the snapshot tests: recorded records fed to the app at fixed times."""

from __future__ import annotations

import dataclasses

from tests.tui.records import (
    T0,
    WALL0,
    Clock,
    Summary,
    action,
    connected,
    dom0,
    gap_event,
    guest,
    migrated_figures,
    migrated_summary,
    migration,
    snap,
    steady,
    unreachable,
)
from xentui.model import (
    ActionKind,
    DomainState,
    MigrationPhase,
    MigrationRole,
    PlayerState,
    Stall,
    StallEvent,
)
from xentui.tui.app import XentuiApp
from xentui.tui.screens.migrate import MigrateDialog
from xentui.tui.screens.trust_key import NewHostKey, TrustHostKey

PHASES = [
    (MigrationPhase.REQUESTED, T0 + 1),
    (MigrationPhase.STARTED, T0 + 1.1),
    (MigrationPhase.RENAMED_ON_SOURCE, T0 + 2),
    (MigrationPhase.SEEN_ON_TARGET, T0 + 3),
    (MigrationPhase.COMPLETED, T0 + 24.4),
]


def main(app: XentuiApp, clock: Clock) -> None:
    app.feed(*steady())
    app.main.show_summary(Summary())


def dialog(app: XentuiApp, clock: Clock) -> None:
    main(app, clock)
    app.push_screen(MigrateDialog("virt_server", "xen_host_1", [("xen_host_2", None)]))


def migrating(app: XentuiApp, clock: Clock) -> None:
    main(app, clock)
    app.feed(action(ActionKind.MIGRATE, T0 + 1, None, "xen_host_2"), migration(PHASES[:3]))
    clock.t = T0 + 5
    outgoing = guest("migrating-virt_server", role=MigrationRole.OUTGOING)
    app.feed(
        snap("xen_host_1", dom0(), outgoing, t=clock.t),
        snap("xen_host_2", dom0(845.0), guest(state=DomainState.PAUSED, flags="--p---", dom_id=7)),
    )
    app.main.tick()


def verdict(app: XentuiApp, clock: Clock) -> None:
    migrating(app, clock)
    clock.t = T0 + 25
    app.feed(
        gap_event(T0 + 20.18, 0.18),
        snap("xen_host_2", dom0(845.0), guest(dom_id=7), t=clock.t),
        migration(PHASES, now_on="xen_host_2"),
        snap("xen_host_1", dom0(), t=clock.t),
    )
    app.main.show_summary(migrated_summary(clock.t))
    app.main.show_figures(migrated_figures(clock.t))
    app.main.tick()


def measured(app: XentuiApp, clock: Clock) -> None:
    """The whole demo so far: the buffer measured by a pause (runbook ``buffer = 4.8 s``), a
    live migration under way against its forecast, the player refilling (issue 14.3)."""
    main(app, clock)
    stall = Stall(T0 + 5.85, None)
    app.feed(
        action(ActionKind.PAUSE, T0 + 1, None),
        action(ActionKind.PAUSE, T0 + 1.05, True),
        StallEvent(t=stall.start, wall=WALL0 + stall.start - T0, stall=stall),
        action(ActionKind.UNPAUSE, T0 + 9, None),
        action(ActionKind.UNPAUSE, T0 + 9.04, True),
        StallEvent(t=T0 + 9.3, wall=WALL0 + 9.3, stall=Stall(stall.start, T0 + 9.3)),
        action(ActionKind.MIGRATE, T0 + 11, None, "xen_host_2"),
    )
    record = migration([(MigrationPhase.REQUESTED, T0 + 11), (MigrationPhase.STARTED, T0 + 11.1)])
    record = dataclasses.replace(record, record=dataclasses.replace(record.record, forecast_s=7.6))
    app.feed(record)
    clock.t = T0 + 12.9
    refill = Summary(buffer_s=0.7, buffer_capacity_s=5.0, state=PlayerState.PREBUFFERING)
    app.main.show_summary(refill)
    app.main.tick()


def hostile(app: XentuiApp, clock: Clock) -> None:
    main(app, clock)
    app.feed(
        snap(
            "xen_host_2",
            dom0(845.0),
            guest("[bold red]x[/]", base="[bold red]x[/]", dom_id=8),
            guest("esc\x1b[31mred", base="esc\x1b[31mred", dom_id=9),
        )
    )


FINGERPRINT = "SHA256:2c1Qm8Yv0pX7rJ3kW9bN4eT6uZ5aH8dF1gL0sC2vB7o"


def new_key(app: XentuiApp, clock: Clock) -> None:
    """xen_host_2 refused for a key never seen, and the dialog that asks about it."""
    app.feed(connected("xen_host_1"), snap("xen_host_1", dom0(), guest()))
    app.feed(
        unreachable(
            "xen_host_2",
            reason=f"host key for [127.0.0.1]:2202 is unknown: server offers {FINGERPRINT}",
        )
    )
    app.main.show_summary(Summary())
    key = NewHostKey(
        "xen_host_2", "127.0.0.1:2202", "ssh-ed25519", FINGERPRINT, "/home/demo/.ssh/known_hosts"
    )
    app.push_screen(TrustHostKey(key))


SCENES = {"main": main, "dialog": dialog, "migrating": migrating, "verdict": verdict}
LAYOUT_SCENES = {"main": main, "measured": measured, "migrating": migrating, "verdict": verdict}
"""Scenes whose every panel the layout tests read at every width."""
