"""The virtual player and the gap detector, driven by a fake clock."""

from __future__ import annotations

import pytest

from xentui.model import PlayerState, Stall
from xentui.probe.gaps import GapDetector
from xentui.probe.player import VirtualPlayer


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _fill(player: VirtualPlayer, clock: Clock, upto: float, step: float = 0.1) -> float:
    """Receive media in steps while the player wants it; returns media received."""
    media = player.received_s
    while player.wants_data() and media < upto:
        media += step
        player.receive(media)
    return media


def test_prebuffers_then_plays_and_stays_full() -> None:
    clock = Clock()
    player = VirtualPlayer(4.8, clock=clock)
    assert player.state is PlayerState.STOPPED
    player.start()
    assert player.state is PlayerState.PREBUFFERING
    media = 0.0
    for _ in range(25):
        media += 0.2
        player.receive(media)
    assert player.state is PlayerState.PLAYING
    assert player.level_s() == pytest.approx(4.8, abs=0.21)
    assert not player.wants_data()
    clock.t += 0.5
    assert player.level_s() == pytest.approx(media - 0.5)
    assert player.wants_data()
    assert player.wait_s() == 0.0


def test_stalls_after_its_buffer_when_the_data_stops() -> None:
    events: list[Stall] = []
    clock = Clock()
    player = VirtualPlayer(4.8, clock=clock, on_stall=events.append)
    player.start()
    _fill(player, clock, 4.8)
    assert player.state is PlayerState.PLAYING
    halt = clock.t
    clock.t += 10.0  # the guest is paused: nothing arrives
    assert player.level_s() == 0.0
    assert player.state is PlayerState.STALLED
    assert events[0].start == pytest.approx(halt + 4.8, abs=1e-6)
    assert events[0].end is None
    clock.t += 1.0
    _fill(player, clock, 100.0)  # data again: prebuffer, then play
    assert player.state is PlayerState.PLAYING
    assert events[-1].end == pytest.approx(clock.t)
    assert player.stalls[-1].length_s(clock.t) == pytest.approx(6.2, abs=1e-6)


def test_short_gap_drains_but_does_not_stall() -> None:
    clock = Clock()
    player = VirtualPlayer(5.0, clock=clock)
    player.start()
    media = _fill(player, clock, 5.0)
    lowest = player.level_s()
    for _ in range(3):  # 0.21 s without data, then data again
        clock.t += 0.07
        lowest = min(lowest, player.level_s())
    media = _fill(player, clock, media + 1.0)
    assert player.state is PlayerState.PLAYING
    assert lowest == pytest.approx(5.0 - 0.21, abs=0.11)
    assert not player.stalls


def test_wait_tells_when_there_is_room() -> None:
    clock = Clock()
    player = VirtualPlayer(2.0, clock=clock)
    player.start()
    player.receive(2.5)
    assert player.state is PlayerState.PLAYING
    assert player.wait_s() == pytest.approx(0.5)
    clock.t += 0.5
    assert player.wait_s() == pytest.approx(0.0)


def test_reconnect_keeps_what_is_buffered() -> None:
    clock = Clock()
    player = VirtualPlayer(3.0, clock=clock)
    player.start()
    player.receive(3.0)
    clock.t += 1.0
    player.stop()
    player.start()  # new connection: its media time starts at zero again
    player.receive(0.5)
    assert player.level_s() == pytest.approx(2.5)


def test_rejects_a_non_positive_buffer() -> None:
    with pytest.raises(ValueError, match="buffer_s"):
        VirtualPlayer(0, clock=Clock())


def test_gap_detector_counts_only_starved_intervals() -> None:
    det = GapDetector()
    t = 0.0
    for _ in range(150):  # normal arrivals every 10 ms, reads never starve
        t += 0.010
        assert det.arrival(t) is None
    assert det.resolution_s == pytest.approx(0.010)
    t += 0.200  # a long interval without starvation: the player had data, no gap
    assert det.arrival(t) is None
    start = t
    det.starving(0.004)  # starved, but an interval of normal length is no gap
    t += 0.008
    assert det.arrival(t) is None
    start = t
    det.starving(0.001)  # short waits are normal
    det.starving(0.004)
    t += 0.300
    gap = det.arrival(t)
    assert gap is not None
    assert (gap.start, gap.end) == (start, t)
    assert gap.length_s == pytest.approx(0.3)
    assert gap.resolution_s > 0.010  # the 0.2 s interval widened it (time-weighted)


def test_gap_detector_reset_forgets_the_old_connection() -> None:
    det = GapDetector()
    det.arrival(1.0)
    det.reset()
    det.starving(1.0)
    assert det.arrival(5.0) is None


def test_gap_detector_no_gaps_before_it_knows_the_rhythm() -> None:
    det = GapDetector()
    det.arrival(0.0)
    det.starving(0.5)
    assert det.arrival(0.5) is None  # one interval is no history


def test_gap_detector_against_a_self_pacing_server() -> None:
    """Icecast: the reader waits for every page; only a clearly longer silence is a gap."""
    det = GapDetector()
    t, gaps = 0.0, []
    for i in range(200):
        det.starving(0.1)
        t += 0.5 + 0.3 * ((i * 7) % 5) / 4  # pages 0.5-0.8 s apart, all waited for
        if (gap := det.arrival(t)) is not None:
            gaps.append(gap)
    assert gaps == []
    assert det.starved_share > 0.9
    assert 0.5 < det.resolution_s < 0.8
    det.starving(3.0)
    t += 3.0
    gap = det.arrival(t)
    assert gap is not None and gap.length_s == pytest.approx(3.0)


def test_gap_detector_floor_is_unknown_until_it_knows_the_rhythm() -> None:
    det = GapDetector()
    assert det.floor_s is None
    t = 0.0
    for _ in range(20):  # 64 kbit/s in 512 B reads: an arrival every ~0.15 s
        t += 0.15
        det.arrival(t)
    assert det.floor_s == pytest.approx(0.15)
    det.reset()
    assert det.floor_s is None


def test_gap_detector_floor_of_a_self_pacing_server_is_twice_its_rhythm() -> None:
    det = GapDetector()
    t = 0.0
    for _ in range(20):
        det.starving(0.4)
        t += 0.5
        assert det.arrival(t) is None
    assert det.floor_s == pytest.approx(1.0)  # a 0.9 s silence would pass for a late page
