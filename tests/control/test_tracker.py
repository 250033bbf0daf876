"""The migration timeline from hand-fed lists, as xm and xl show a guest moving (pure, no I/O)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xentui.control.timeline import phase_durations, timeline_lines
from xentui.control.tracker import MigrationTracker
from xentui.model import Domain, DomainState, HostSnapshot, MigrationPhase, MigrationRole

P = MigrationPhase
G = "virt_server"


def dom(name: str, state=DomainState.BLOCKED, role=None, base=G) -> Domain:
    return Domain(name, base, 3, 128, 1, state, "-b----", 1.0, migration=role)


def snap(host: str, t: float, *domains: Domain) -> HostSnapshot:
    return HostSnapshot(host=host, t=t, wall=t, latency_s=0.01, domains=domains)


def new() -> MigrationTracker:
    return MigrationTracker(G, "h1", "h2", live=True, t=10.0)


def test_xm_migration_all_milestones_in_order() -> None:
    tr = new()
    assert tr.started(10.1) == [P.STARTED]
    assert tr.observe(snap("h1", 10.5, dom(f"migrating-{G}", role=MigrationRole.OUTGOING))) == [
        P.RENAMED_ON_SOURCE
    ]
    # xm's target keeps the plain name, created paused until the restore ends
    assert tr.observe(snap("h2", 11.0, dom(G, DomainState.PAUSED))) == [P.SEEN_ON_TARGET]
    assert tr.observe(snap("h1", 12.0)) == []  # gone from source, target still paused
    assert tr.observe(snap("h2", 12.5, dom(G))) == [P.COMPLETED]
    rec = tr.record
    assert [p for p, _ in rec.milestones] == [
        P.REQUESTED,
        P.STARTED,
        P.RENAMED_ON_SOURCE,
        P.SEEN_ON_TARGET,
        P.COMPLETED,
    ]
    assert rec.duration_s == 2.5 and rec.guest_now_on == "h2"
    assert tr.command_finished(True, "", 12.6) == []  # already complete: nothing doubled
    durations = phase_durations(rec)
    assert durations[0] == (P.REQUESTED, P.STARTED, durations[0][2])
    assert abs(sum(d for *_, d in durations) - 2.5) < 1e-9
    assert timeline_lines(rec)[-1].startswith("completed in 2.500 s")


def test_xl_names_and_completion_needs_the_source_gone() -> None:
    tr = new()
    tr.started(10.0)
    tr.observe(snap("h2", 10.4, dom(f"{G}--incoming", DomainState.PAUSED, MigrationRole.INCOMING)))
    tr.observe(snap("h1", 10.6, dom(f"{G}--migratedaway", role=MigrationRole.OUTGOING)))
    assert tr.observe(snap("h2", 11.0, dom(G))) == []  # source still lists it
    assert tr.observe(snap("h1", 11.2)) == [P.COMPLETED]
    assert tr.record.at(P.SEEN_ON_TARGET) == 10.4 and tr.record.at(P.RENAMED_ON_SOURCE) == 10.6


def test_failed_command_ends_with_the_tools_words_and_where_the_guest_is() -> None:
    tr = new()
    tr.started(10.0)
    tr.observe(snap("h1", 10.2, dom(G)))
    assert tr.command_finished(False, "Error: can't connect: Connection refused", 10.3) == [
        P.FAILED
    ]
    rec = tr.record
    assert rec.outcome is P.FAILED and rec.guest_now_on == "h1"
    assert rec.message.startswith("Error: can't connect") and "is on h1" in rec.message
    assert tr.observe(snap("h2", 11.0, dom(G))) == []  # finished: later lists change nothing


def test_channel_drop_keeps_following_and_lists_complete_it() -> None:
    tr = new()
    tr.started(10.0)
    tr.channel_lost("connection lost")
    tr.observe(snap("h1", 10.5, dom(f"migrating-{G}", role=MigrationRole.OUTGOING)))
    tr.observe(snap("h2", 11.0, dom(G)))
    assert tr.observe(snap("h1", 11.5)) == [P.COMPLETED]


def test_channel_drop_then_guest_back_on_source_is_a_failure() -> None:
    tr = new()
    tr.started(10.0)
    tr.channel_lost("connection lost")
    tr.observe(snap("h1", 10.5, dom(f"migrating-{G}", role=MigrationRole.OUTGOING)))
    tr.observe(snap("h2", 10.7))
    assert tr.observe(snap("h1", 11.0, dom(G))) == [P.FAILED]
    assert tr.record.guest_now_on == "h1" and "running on h1 again" in tr.record.message


def test_a_paused_guest_completes_on_the_commands_word() -> None:
    tr = new()
    tr.observe(snap("h1", 10.5))
    tr.observe(snap("h2", 10.6, dom(G, DomainState.PAUSED)))
    assert tr.record.outcome is None
    assert tr.command_finished(True, "", 10.7) == [P.COMPLETED]


def test_give_up_names_the_last_place_seen() -> None:
    tr = new()
    tr.observe(snap("h1", 10.5, dom(f"migrating-{G}", role=MigrationRole.OUTGOING)))
    assert tr.give_up("no outcome", 70.0) == [P.FAILED]
    assert tr.record.guest_now_on == "h1" and tr.give_up("again", 80.0) == []


def test_other_hosts_and_other_guests_are_ignored() -> None:
    tr = new()
    assert tr.observe(snap("h3", 10.5, dom(G))) == []
    assert tr.observe(snap("h2", 10.6, dom("other", base="other"))) == []
    assert tr.record.at(P.SEEN_ON_TARGET) is None


# --- any interleaving of lists ------------------------------------------------------------------

SOURCE_VIEWS = [(), (dom(G),), (dom(f"migrating-{G}", role=MigrationRole.OUTGOING),)]
TARGET_VIEWS = [
    (),
    (dom(G, DomainState.PAUSED),),
    (dom(G),),
    (dom(f"{G}--incoming", DomainState.PAUSED, MigrationRole.INCOMING),),
]
step = st.one_of(
    st.tuples(st.just("h1"), st.sampled_from(range(len(SOURCE_VIEWS)))),
    st.tuples(st.just("h2"), st.sampled_from(range(len(TARGET_VIEWS)))),
    st.tuples(st.just("end"), st.booleans()),
    st.tuples(st.just("lost"), st.just(0)),
    st.tuples(st.just("hosts gone"), st.just(0)),
)


@given(st.lists(step, max_size=30))
def test_any_interleaving_gives_a_sane_timeline(steps) -> None:
    tr = new()
    tr.started(10.0)
    last: dict[str, tuple] = {}
    t = 10.0
    for kind, arg in steps:
        t += 0.1
        if kind == "end":
            tr.command_finished(arg, "" if arg else "Error: boom", t)
        elif kind == "lost":
            tr.channel_lost("gone")
        elif kind == "hosts gone":
            if tr.lose("every host is unreachable", t):
                last.clear()  # what they said before decides nothing (issue 10.4)
        else:
            views = SOURCE_VIEWS if kind == "h1" else TARGET_VIEWS
            if tr.record.outcome is not P.COMPLETED:  # only completion closes the timeline
                last[kind] = views[arg]
            tr.observe(snap(kind, t, *views[arg]))
    rec = tr.record
    phases = [p for p, _ in rec.milestones]
    assert len(phases) == len(set(phases))  # each milestone once
    assert phases[:2] == [P.REQUESTED, P.STARTED]
    if P.COMPLETED in phases and (P.FAILED in phases or P.LOST in phases):
        # the lists overruled what was said: completion comes last, as a correction
        assert phases[-1] is P.COMPLETED and rec.reported in ("failed", "lost")
    if P.FAILED in phases and P.LOST in phases:  # lost, then the guest seen on the source
        assert phases.index(P.LOST) < phases.index(P.FAILED)
    if rec.outcome is P.COMPLETED and tr.command_ok is not True:
        # completed from the lists alone: gone from the source, plain and running on the target
        assert last.get("h1") == () and last.get("h2") == (dom(G),)
    if rec.outcome is not None:
        assert phases[-1] is rec.outcome


def test_a_persistent_virsh_source_left_shut_off_counts_as_gone() -> None:
    """libvirt keeps a persistent domain defined on the source ('shut off') after the move."""
    tr = new()
    off = Domain(G, G, None, None, None, DomainState.SHUTDOWN, "shut off", None, active=False)
    assert tr.observe(snap("h2", 10.2, off)) == []  # a stale definition on the target: not seen
    assert tr.observe(snap("h1", 10.3, dom(G))) == []
    assert tr.observe(snap("h2", 11.0, dom(G))) == [P.SEEN_ON_TARGET]
    assert tr.observe(snap("h1", 11.5, off)) == [P.COMPLETED]
    assert tr.record.guest_now_on == "h2"


def test_lost_then_the_lists_complete_it_after_all() -> None:
    """Issue 10.4: every host went silent mid-way; their next lists decide, as a correction."""
    tr = new()
    tr.started(10.0)
    assert tr.observe(snap("h1", 10.2, dom(f"migrating-{G}", role=MigrationRole.OUTGOING))) == [
        P.RENAMED_ON_SOURCE
    ]
    assert tr.observe(snap("h2", 10.3, dom(G, DomainState.PAUSED))) == [P.SEEN_ON_TARGET]
    assert tr.lose("every host of the migration is unreachable", 11.0) == [P.LOST]
    assert tr.record.finished and tr.record.reported == "lost"
    assert tr.observe(snap("h2", 20.0, dom(G))) == []  # one host's list is not enough
    assert tr.observe(snap("h1", 20.1)) == [P.COMPLETED]
    assert tr.record.outcome is P.COMPLETED and tr.record.guest_now_on == "h2"
    assert tr.observe(snap("h1", 20.2, dom(G))) == []  # completion closes the timeline


def test_lost_then_the_source_still_runs_it() -> None:
    tr = new()
    tr.started(10.0)
    tr.lose("every host of the migration is unreachable", 11.0)
    assert tr.observe(snap("h1", 20.0, dom(G))) == []
    assert tr.observe(snap("h2", 20.1)) == [P.FAILED]
    assert tr.record.guest_now_on == "h1" and "h1 lists" in tr.record.message
