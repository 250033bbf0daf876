"""Xen 3.0's pre-copy policy and the dirtying model, as arithmetic (no sockets)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentui.lab.xen.precopy import GuestMemory, PrecopyPolicy, dirtied_pages


def run(policy: PrecopyPolicy, link_pages_per_s: float) -> list[int]:
    """Drive the policy as if each round took pages / link rate; return every round's pages."""
    pages = policy.first_round()
    sent = []
    while True:
        sent.append(pages)
        if policy.last:
            return sent
        pages = policy.after_round(pages, pages / link_pages_per_s)


LINK_100MBIT = 100e6 / 8 / 4096  # ~3052 pages/s


def test_256_mib_at_100_mbit_converges_in_a_few_rounds_to_a_small_last_round() -> None:
    mem = GuestMemory.of_mib(256)
    assert (mem.pages, mem.hot_pages) == (65536, 2048)
    rounds = run(PrecopyPolicy(mem, 200), LINK_100MBIT)
    assert rounds[0] == 65536
    assert all(b < a for a, b in itertools.pairwise(rounds))  # rounds shrink
    assert rounds[-2] < 50 <= rounds[-3]  # stopped after the first round under 50 pages
    assert 3 <= len(rounds) <= 8
    # "a few tens of seconds" at 100 Mbit/s
    assert 20 < sum(rounds) / LINK_100MBIT < 30


def test_a_guest_dirtying_faster_than_the_link_stops_after_30_rounds() -> None:
    mem = GuestMemory(pages=65536, hot_pages=2048)
    rounds = run(PrecopyPolicy(mem, 1e6), LINK_100MBIT)
    assert len(rounds) == 30  # 29 iterations, then the last one
    assert rounds[-1] == 2048  # the whole writable working set goes in the downtime


def test_sending_over_three_times_memory_stops_early() -> None:
    mem = GuestMemory(pages=1000, hot_pages=1000)
    rounds = run(PrecopyPolicy(mem, 1e7), 1000.0)
    assert sum(rounds[:-1]) > 3000 >= sum(rounds[:-2])
    assert len(rounds) < 30


def test_max_rounds_and_non_live() -> None:
    mem = GuestMemory(pages=1000, hot_pages=1000)
    assert len(run(PrecopyPolicy(mem, 1e7, max_rounds=3), 1e9)) == 3
    assert run(PrecopyPolicy(mem, 200, live=False), 1000.0) == [1000]
    assert run(PrecopyPolicy(mem, 200, max_rounds=1), 1000.0) == [1000]
    with pytest.raises(ValueError, match="max_rounds must be at least 1"):
        PrecopyPolicy(mem, 200, max_rounds=0)


def test_a_quiet_guest_sends_memory_once_then_empty_rounds() -> None:
    # 100 pages is not under 50, so one more pre-copy round (empty) comes before the last.
    assert run(PrecopyPolicy(GuestMemory(100, 10), 0), 1000.0) == [100, 0, 0]
    assert run(PrecopyPolicy(GuestMemory(30, 10), 0), 1000.0) == [30, 0]


@given(
    hot=st.integers(1, 100_000),
    rate=st.floats(0, 1e6),
    t1=st.floats(0, 100),
    t2=st.floats(0, 100),
)
def test_dirtied_pages_grow_with_time_and_saturate_at_the_working_set(hot, rate, t1, t2) -> None:
    a, b = sorted((t1, t2))
    assert 0 <= dirtied_pages(hot, rate, a) <= dirtied_pages(hot, rate, b) <= hot
    assert dirtied_pages(hot, rate, a) <= rate * a + 1e-9


def test_bad_memory_is_one_line() -> None:
    with pytest.raises(ValueError, match="bad guest memory: 10 pages, 11 hot"):
        GuestMemory(10, 11)
    assert GuestMemory.of_mib(0.001).pages == 1
