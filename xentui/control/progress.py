"""A running migration's readings in words: rate, time left, and whether it converges.

Pure: readings come in as JobInfo with their time (from ``virsh domjobinfo`` today, from QMP
``query-migrate`` for the same fields later). The panel, the event log and ``xentui ctl
migrate`` all say things with these functions, so their words agree.
"""

from __future__ import annotations

from xentui.model import JobInfo, MigrationProgress, MigrationRecord, duration

PILE_UP_PASSES = 3
"""Passes with no real shrink of what is left to send before it counts as not converging."""
SHRINK = 0.9
"""What is left must fall below this share of its value PILE_UP_PASSES passes ago."""
TCP_GAP_MS = 100.0
"""A viewer's gap this much longer than the hypervisor's downtime gets the TCP explanation."""
TCP_WHY = (
    "after the switch a window update from the player can be lost and the guest's TCP waits "
    "out its 200 ms retransmit timer"
)


def size(n: float) -> str:
    """Bytes as people read them: ``91.0 MiB`` (powers of 1024, as virsh prints)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def rate(bps: float) -> str:
    return f"{size(bps)}/s"


def ms(value: float) -> str:
    """Milliseconds said by the one unit rule (``model.duration``): ``36 ms``, ``1.20 s``."""
    return duration(value / 1000)


class ProgressFollower:
    """Turns successive readings of one job into MigrationProgress (rate, ETA, converging)."""

    def __init__(self) -> None:
        self._last: tuple[float, JobInfo] | None = None
        self._least: dict[int, int] = {}
        """Per pass: the least still to send that any reading of that pass showed."""

    def add(self, t: float, job: JobInfo) -> MigrationProgress:
        measured = self._measured_rate(t, job)
        self._last = (t, job)
        bps = float(job.memory_bps) if job.memory_bps else measured
        left = job.data_remaining
        eta = left / bps if left is not None and bps else None
        if job.iteration is not None and left is not None:
            least = self._least.get(job.iteration)
            self._least[job.iteration] = left if least is None else min(least, left)
        return MigrationProgress(t=t, job=job, rate_bps=bps, eta_s=eta, stuck=self._stuck(job, bps))

    def _measured_rate(self, t: float, job: JobInfo) -> float | None:
        if self._last is None:
            return None
        t0, before = self._last
        if job.data_processed is None or before.data_processed is None or t <= t0:
            return None
        sent = job.data_processed - before.data_processed
        return sent / (t - t0) if sent > 0 else None

    def _stuck(self, job: JobInfo, bps: float | None) -> str:
        dirty, passes = job.dirty_bps, job.iteration
        if dirty and bps and dirty >= bps and (passes or 0) >= 2:
            return (
                f"not converging: the guest dirties {rate(dirty)}, as fast as the link "
                f"sends ({rate(bps)})"
            )
        left = job.data_remaining
        if passes is None or left is None or passes <= PILE_UP_PASSES:
            return ""
        before = self._least.get(passes - PILE_UP_PASSES)
        if before is not None and left >= before * SHRINK:
            return (
                f"not converging: pass {passes} and still {size(left)} to send, "
                f"no less than {PILE_UP_PASSES} passes ago"
            )
        return ""


def progress_words(p: MigrationProgress) -> str:
    """``50.0 of 128.0 MiB sent · 11.3 MiB/s · pass 3 · about 4 s left`` (what is known)."""
    job, parts = p.job, []
    if job.data_processed is not None and job.data_total:
        parts.append(f"{size(job.data_processed)} of {size(job.data_total)} sent")
    elif job.data_processed is not None:
        parts.append(f"{size(job.data_processed)} sent")
    if p.rate_bps:
        parts.append(rate(p.rate_bps))
    if job.iteration is not None:
        parts.append(f"pass {job.iteration}")
    if job.dirty_bps:
        parts.append(f"dirtied {rate(job.dirty_bps)}")
    if job.expected_downtime_ms is not None:
        parts.append(f"expected downtime {ms(job.expected_downtime_ms)}")
    if p.eta_s is not None and not p.stuck:
        parts.append(f"about {p.eta_s:.0f} s left" if p.eta_s >= 1 else "less than 1 s left")
    return " · ".join(parts) or "no figures yet"


def downtime_words(hypervisor_ms: float, viewer_gap_ms: float | None) -> tuple[str, str]:
    """The hypervisor's pause beside the viewer's, and why they differ when they do by much:
    ``("hypervisor paused the guest 14 ms; the viewer's stream paused 245 ms", "after ...")``."""
    said = f"hypervisor paused the guest {ms(hypervisor_ms)}"
    if viewer_gap_ms is None:
        return said, ""
    said += f"; the viewer's stream paused {ms(viewer_gap_ms)}"
    return said, TCP_WHY if viewer_gap_ms - hypervisor_ms > TCP_GAP_MS else ""


def figures_lines(record: MigrationRecord) -> list[str]:
    """What the hypervisor said about the finished job, and the forecast beside the actual."""
    lines = []
    job = record.hypervisor
    if job is not None:
        parts = []
        if job.elapsed_ms is not None:
            parts.append(f"migration took {ms(job.elapsed_ms)}")
        if job.total_downtime_ms is not None:
            parts.append(f"paused the guest {ms(job.total_downtime_ms)}")
        if job.data_processed is not None:
            parts.append(f"sent {size(job.data_processed)}")
        if job.setup_ms is not None:
            parts.append(f"setup {ms(job.setup_ms)}")
        if parts:
            lines.append("hypervisor: " + ", ".join(parts))
    if record.forecast_s is not None:
        took = record.duration_s
        actual = f"took {took:.1f} s" if took is not None else "not finished"
        lines.append(f"forecast {record.forecast_s:.1f} s, {actual}")
    return lines
