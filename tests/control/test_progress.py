"""A running job's readings in words: the rate, the time left, and 'not converging' when so."""

from __future__ import annotations

import dataclasses

from xentui.control.progress import (
    TCP_WHY,
    ProgressFollower,
    downtime_words,
    figures_lines,
    progress_words,
    size,
)
from xentui.model import JobInfo, MigrationPhase, MigrationRecord

MiB = 1024 * 1024


def job(done: int, left: int, *, passes: int = 1, bw: int | None = None, dirty: int = 0) -> JobInfo:
    return JobInfo(
        job_type="Unbounded",
        data_processed=done * MiB,
        data_remaining=left * MiB,
        data_total=128 * MiB,
        memory_bps=bw,
        dirty_pages_s=dirty,
        page_bytes=4096,
        iteration=passes,
        expected_downtime_ms=30,
    )


def test_the_rate_is_the_hypervisors_else_measured_between_readings() -> None:
    f = ProgressFollower()
    first = f.add(10.0, job(20, 108))
    assert first.rate_bps is None and first.eta_s is None  # one reading: nothing to measure
    second = f.add(10.5, job(26, 102))
    assert second.rate_bps == 12 * MiB and second.eta_s == 102 / 12
    reported = f.add(11.0, job(32, 96, bw=8 * MiB))
    assert reported.rate_bps == 8 * MiB and reported.eta_s == 12.0
    assert reported.fraction == 32 / 128 and not reported.stuck


def test_a_guest_dirtying_memory_as_fast_as_the_link_sends_does_not_converge() -> None:
    f = ProgressFollower()
    # 3072 pages/s of 4 KiB = 12 MiB/s dirtied against 12 MiB/s sent, on the second pass
    p = f.add(1.0, job(140, 60, passes=2, bw=12 * MiB, dirty=3072))
    assert p.stuck == (
        "not converging: the guest dirties 12.0 MiB/s, as fast as the link sends (12.0 MiB/s)"
    )
    first_pass = ProgressFollower().add(1.0, job(40, 88, passes=1, bw=12 * MiB, dirty=3072))
    assert not first_pass.stuck  # the first copy always has dirt to follow


def test_passes_piling_up_with_nothing_less_to_send_do_not_converge() -> None:
    f = ProgressFollower()
    for i, left in enumerate((90, 40, 41, 39), start=1):
        assert not f.add(float(i), job(100 + 10 * i, left, passes=i, bw=12 * MiB)).stuck
    p = f.add(5.0, job(200, 40, passes=5, bw=12 * MiB))
    assert p.stuck == "not converging: pass 5 and still 40.0 MiB to send, no less than 3 passes ago"
    assert "left" not in progress_words(p)  # no time-left promise for a migration that is stuck
    shrinking = ProgressFollower()
    for i, left in enumerate((90, 60, 40, 20, 5), start=1):
        last = shrinking.add(float(i), job(100 + 10 * i, left, passes=i, bw=12 * MiB))
    assert not last.stuck


def test_progress_in_words() -> None:
    f = ProgressFollower()
    p = f.add(1.0, job(50, 41, passes=3, bw=round(11.3 * MiB), dirty=100))
    assert progress_words(p) == (
        "50.0 MiB of 128.0 MiB sent · 11.3 MiB/s · pass 3 · dirtied 400.0 KiB/s"
        " · expected downtime 30 ms · about 4 s left"
    )
    empty = ProgressFollower().add(1.0, JobInfo(job_type="Unbounded"))
    assert progress_words(empty) == "no figures yet"


def test_the_hypervisors_pause_beside_the_viewers() -> None:
    said, why = downtime_words(14, 245)
    assert said == "hypervisor paused the guest 14 ms; the viewer's stream paused 245 ms"
    assert why == TCP_WHY and "200 ms retransmit timer" in why
    assert downtime_words(165, 198) == (
        "hypervisor paused the guest 165 ms; the viewer's stream paused 198 ms",
        "",
    )
    assert downtime_words(14, None) == ("hypervisor paused the guest 14 ms", "")


def test_the_finished_jobs_figures_and_the_forecast_beside_the_actual() -> None:
    record = MigrationRecord(
        guest="virt_server",
        source="xen_host_1",
        target="xen_host_2",
        live=True,
        milestones=((MigrationPhase.REQUESTED, 0.0), (MigrationPhase.COMPLETED, 7.9)),
        hypervisor=JobInfo(
            job_type="Completed",
            elapsed_ms=682,
            total_downtime_ms=165,
            data_processed=91 * MiB,
            setup_ms=12,
        ),
    )
    assert figures_lines(record) == [
        "hypervisor: migration took 682 ms, paused the guest 165 ms, sent 91.0 MiB, setup 12 ms"
    ]
    xm = dataclasses.replace(record, hypervisor=None, forecast_s=7.6)
    assert figures_lines(xm) == ["forecast 7.6 s, took 7.9 s"]


def test_sizes_read_as_virsh_prints_them() -> None:
    assert [size(n) for n in (512, 2048, 91 * MiB, 3 * 1024 * MiB)] == [
        "512 B",
        "2.0 KiB",
        "91.0 MiB",
        "3.0 GiB",
    ]
