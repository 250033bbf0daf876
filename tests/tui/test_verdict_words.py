"""The verdict's words when the probe saw no gap: it says how short a gap it could have missed."""

from __future__ import annotations

from xentui.model import Gap, MigrationPhase, MigrationRecord
from xentui.tui.verdict import Figures, verdict_lines

P = MigrationPhase
RECORD = MigrationRecord(
    guest="virt_server",
    source="xen_host_1",
    target="xen_host_2",
    live=True,
    milestones=((P.REQUESTED, 100.0), (P.STARTED, 100.1), (P.COMPLETED, 123.4)),
    guest_now_on="xen_host_2",
)


def _head(figures: Figures) -> str:
    return verdict_lines(RECORD, figures)[0].plain


def test_a_gap_is_given_in_ms_below_a_second_and_in_seconds_above() -> None:
    """One unit rule (issue 14.5): the verdict said 0.04 s above a line that said 36 ms."""
    head = _head(Figures(Gap(110.0, 110.18, 0.02), 4.6, 4.8, (), 130.0, 0.02))
    assert "in 23.4 s" in head and "stream gap 180 ms" in head and "no stall" in head
    head = _head(Figures(Gap(110.0, 111.25, 0.02), 3.5, 4.8, (), 130.0, 0.02))
    assert "stream gap 1.25 s" in head


def test_no_gap_names_the_resolution() -> None:
    head = _head(Figures(None, 4.9, 5.0, (), 130.0, 0.019))
    assert "no stream gap over 19 ms" in head and "buffer never below 4.9 s of 5.0 s" in head


def test_no_gap_and_no_resolution_yet_says_only_what_it_saw() -> None:
    assert "no stream gap seen" in _head(Figures(None, 4.9, 5.0, (), 130.0))
