"""The byte meter's one-second points and its fixed-size ring."""

from __future__ import annotations

import pytest

from xentui.probe.meter import ByteMeter


def test_points_are_whole_seconds_oldest_first() -> None:
    meter = ByteMeter()
    for i in range(30):  # 1000 bytes every 0.1 s from t=100.0 to 102.9
        meter.add(100.0 + i * 0.1, 1000)
    pts = meter.points(103.5, count=4)
    assert [p.t for p in pts] == [100.0, 101.0, 102.0, 103.0]
    assert [p.nbytes for p in pts] == [0, 10000, 10000, 10000]
    assert pts[-1].kbps == pytest.approx(80.0)
    assert meter.kbps(103.5) == pytest.approx(80.0)


def test_ring_forgets_old_bins_and_survives_long_silences() -> None:
    meter = ByteMeter(keep_s=5)
    meter.add(10.0, 500)
    meter.add(1000.0, 700)  # a long silence: the ring must not keep the old bytes
    pts = meter.points(1001.0, count=3)
    assert [p.nbytes for p in pts] == [0, 0, 700]
    assert meter.total == 1200
    meter.add(995.0, 99)  # too old for the ring: only totalled
    assert sum(p.nbytes for p in meter.points(1001.0, count=5)) == 700
    assert meter.total == 1299


def test_the_bitrate_counts_media_at_the_rate_given_and_forgets_it_with_the_bytes() -> None:
    """Two links in one window: 1 s of media at 7 kB/s, then 1 s at 14 kB/s; the figure is the
    media per second at the current link's rate, not the mixed bytes (21 kB over 2 s)."""
    meter = ByteMeter(keep_s=5)
    for i in range(10):
        meter.add(100.0 + i * 0.1, 700, 0.1)
        meter.add(101.0 + i * 0.1, 1400, 0.1)
    assert meter.kbps(102.0) == pytest.approx(84.0)
    assert meter.bitrate_kbps(102.0, 14000.0) == pytest.approx(112.0)
    assert meter.kbps(101.5, over_s=1) == pytest.approx(56.0)  # the first link's bytes...
    assert meter.bitrate_kbps(101.5, 14000.0, over_s=1) == pytest.approx(112.0)  # its media
    meter.add(110.0, 10, 0.0)  # a silence longer than the ring: its media is gone too
    assert meter.bitrate_kbps(110.5, 14000.0) == 0.0
