"""The watchdog's words for a silent or too slow stream, on a driven clock."""

from __future__ import annotations

from xentui.probe.watchdog import Watchdog


def test_silent_once_then_flows_again() -> None:
    dog = Watchdog(0.0)
    dog.connected(10.0, 0.0)
    assert dog.check(11.0, False, 0.0, 0.0) is None
    said = dog.check(12.5, False, 0.0, 0.0)
    assert said == "connected, but no data yet for 2 s: the server is silent"
    assert dog.check(13.0, False, 0.0, 0.0) is None  # said once
    assert dog.data(14.0) == "data flows again"
    assert dog.data(14.1) is None


def test_trickle_is_too_slow_but_a_paced_prebuffer_is_not() -> None:
    dog = Watchdog(0.0)
    received = 0.0
    said = []
    for step in range(1, 60):  # 0.1 s steps, media at 0.8 s per second: slow but will play
        now = step * 0.1
        received += 0.08
        dog.data(now)
        said.append(dog.check(now, False, received, 51.2))
    assert not any(said)
    for step in range(60, 120):  # then 0.1 s of media per second: it can never play
        now = step * 0.1
        received += 0.01
        dog.data(now)
        said.append(dog.check(now, False, received, 6.4))
    words = [s for s in said if s]
    assert len(words) == 1 and "too slow to play" in words[0] and "6.40 kbit/s" in words[0]


def test_a_silence_is_not_counted_against_the_pace_once_data_flows_again() -> None:
    """After a pause the stream refills a stalled player at full speed: no "too slow"."""
    dog = Watchdog(0.0)
    received, said = 0.0, []
    for step in range(1, 31):  # 3 s of normal flow, playing
        received += 0.1
        dog.data(step * 0.1)
        said.append(dog.check(step * 0.1, True, received, 400.0))
    for step in range(31, 111):  # 8 s of silence (the guest is paused); the player stalls
        said.append(dog.check(step * 0.1, False, received, 0.0))
    assert [s for s in said if s] == ["connected, but no data for 2 s: the server is silent"]
    for step in range(111, 161):  # data again at the media's pace while still refilling
        now = step * 0.1
        received += 0.1
        said.append(dog.data(now))
        said.append(dog.check(now, False, received, 400.0))
    words = [s for s in said if s]
    assert words[1:] == ["data flows again"], words
