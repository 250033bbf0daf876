"""The migration panel's words: progress while it runs, then the verdict the audience reads.

Pure: the figures come in as values (from the probe, or fixed in tests) with the clock reading.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text

from xentui.control.progress import downtime_words, figures_lines, progress_words
from xentui.model import (
    Gap,
    HostSnapshot,
    MigrationPhase,
    MigrationRecord,
    Stall,
    duration,
)
from xentui.probe.summary import no_gap_words
from xentui.tui.format import STATE_STYLE, one_line, plain
from xentui.tui.sources import ProbeLike, ProbeSummaryLike

SETTLE_S = 2.0
"""After a migration ends, how long the stream figures keep being updated before they freeze."""


@dataclass(frozen=True, slots=True)
class Figures:
    """What the stream did from the migration request on."""

    longest_gap: Gap | None
    min_buffer_s: float | None
    capacity_s: float
    stalls: tuple[Stall, ...]
    now: float
    resolution_s: float | None = None
    """The probe's resolution: with no gap, the verdict says how short a gap it could miss."""

    @property
    def stalled_s(self) -> float:
        return sum(s.length_s(self.now) for s in self.stalls)


def figures_from(probe: ProbeLike, summary: ProbeSummaryLike, since: float, now: float) -> Figures:
    return Figures(
        longest_gap=probe.longest_gap_since(since),
        min_buffer_s=probe.min_buffer_since(since),
        capacity_s=summary.buffer_capacity_s,
        stalls=tuple(s for s in summary.stalls if (s.end is None or s.end >= since)),
        now=now,
        resolution_s=summary.resolution_s,
    )


def settled(record: MigrationRecord, now: float, capacity_s: float) -> bool:
    """True once the figures of a finished migration can no longer change."""
    left = settle_left(record, now, capacity_s)
    return left is not None and left < 0


def settle_left(record: MigrationRecord, now: float, capacity_s: float) -> float | None:
    """Seconds until the figures freeze: a gap still going on at the end is timed when data
    flows again, and a stall it causes comes up to a buffer later (None: not finished)."""
    outcome = record.outcome
    end = record.at(outcome) if outcome is not None else None
    return None if end is None else end + capacity_s + SETTLE_S - now


def figure_words(figures: Figures) -> str:
    """The verdict's figures in the words every face uses (issue 14.5): the panel, the
    runbook, the event log, and the probe's and the report's `describe_verdict`."""
    gap = figures.longest_gap
    parts = [f"stream gap {duration(gap.length_s)}" if gap else no_gap_words(figures.resolution_s)]
    if figures.min_buffer_s is not None:
        parts.append(
            f"buffer never below {figures.min_buffer_s:.1f} s of {figures.capacity_s:.1f} s"
        )
    parts.append(f"stalled {duration(figures.stalled_s)}" if figures.stalls else "no stall")
    return " · ".join(parts)


def loud_words(figures: Figures) -> Text:
    """What the viewer saw, the line the audience reads first."""
    # styled as a span, not the line's style: what is appended after it keeps its own
    if figures.stalls:
        said = f"STALLED {duration(figures.stalled_s)} — the viewer saw the picture freeze"
        return Text.assemble((said, "bold reverse red"))
    return Text.assemble(("NO STALL — the viewer saw nothing", "bold reverse green"))


def progress_lines(
    record: MigrationRecord, now: float, snapshots: Mapping[str, HostSnapshot]
) -> tuple[Text, Text]:
    """While a migration runs: phase and elapsed time, and what each end lists for the guest."""
    start = record.at(MigrationPhase.REQUESTED)
    elapsed = 0.0 if start is None else max(0.0, now - start)
    phase = record.milestones[-1][0].value if record.milestones else "requested"
    head = Text.assemble(
        ("LIVE MIGRATION " if record.live else "MIGRATION ", "bold magenta"),
        plain(record.guest, "bold"),
        ": ",
        plain(record.source),
        " → ",
        plain(record.target),
        " · ",
        (phase, "bold"),
        f" · {elapsed:5.1f} s",
    )
    if (bar := _bar(record, elapsed)) is not None:
        head.append(" ").append_text(bar)
    if record.progress is not None:
        p = record.progress
        if p.stuck:
            words, _, why = p.stuck.partition(": ")
            return head, Text.assemble((words.upper(), "bold reverse red"), ": ", why)
        return head, Text(progress_words(p))
    shows = Text()
    for i, host in enumerate((record.source, record.target)):
        if i:
            shows.append(" · ")
        shows.append_text(plain(host)).append(": ")
        snap = snapshots.get(host)
        domain = snap.find(record.guest) if snap is not None else None
        if domain is None:
            shows.append("nothing" if snap is not None else "no list yet", style="dim")
        else:
            shows.append_text(plain(domain.name, "bold")).append(" (")
            shows.append(domain.state.value, style=STATE_STYLE[domain.state]).append(")")
    return head, shows


BAR_CELLS = 20


def _bar(record: MigrationRecord, elapsed: float) -> Text | None:
    """``[█████░░░░░]  42 %`` from the hypervisor's bytes, else elapsed against the forecast
    (``of ~7.6 s forecast``) where the tool reports nothing; None when neither is known."""
    p = record.progress
    if p is not None and p.fraction is not None:
        share, note = p.fraction, f" {p.fraction * 100:3.0f} %"
    elif record.forecast_s:
        share, note = (
            min(1.0, elapsed / record.forecast_s),
            f" of ~{record.forecast_s:.1f} s forecast",
        )
    else:
        return None
    full = round(share * BAR_CELLS)
    style = "red" if p is not None and p.stuck else "magenta"
    return Text.assemble(("█" * full, style), ("░" * (BAR_CELLS - full), "dim"), note)


def hypervisor_line(record: MigrationRecord, figures: Figures | None) -> Text:
    """Under the verdict: the hypervisor's pause beside the viewer's, why they differ when
    they do by much, and the forecast beside the actual; empty when none is known."""
    job = record.hypervisor
    text = Text()
    if (
        job is not None
        and job.total_downtime_ms is not None
        and record.outcome is MigrationPhase.COMPLETED
    ):
        gap = figures.longest_gap if figures is not None else None
        said, why = downtime_words(job.total_downtime_ms, gap.length_s * 1000 if gap else None)
        text.append(said[:1].upper() + said[1:], style="bold")
        if why:
            text.append(f": {why}")
    forecast = [line for line in figures_lines(record) if line.startswith("forecast")]
    if forecast:
        text.append(" · " if text.plain else "").append(forecast[0].capitalize())
    return text


def verdict_lines(
    record: MigrationRecord, figures: Figures | None, settling_s: float | None = None
) -> tuple[Text, Text]:
    """The summary line and the loud line under it; ``settling_s``: seconds until the figures
    freeze (they are final once it is None or past)."""
    guest = plain(record.guest, "bold")
    if record.outcome is MigrationPhase.LOST:
        head = Text.assemble(guest, ": ", plain(record.source), " → ", plain(record.target))
        head.append(" lost")
        if (took := record.duration_s) is not None:
            head.append(f" after {took:.1f} s")
        head.append_text(Text.assemble(" · where ", guest, " runs is read from the next lists"))
        loud = Text.assemble(("MIGRATION LOST", "bold reverse red"), " ")
        return head, loud.append_text(plain(record.message))
    if record.outcome is MigrationPhase.FAILED:
        where = record.guest_now_on or record.source
        head = Text.assemble(
            guest, ": ", plain(record.source), " → ", plain(record.target), " refused"
        )
        if (took := record.duration_s) is not None:
            head.append(f" after {took:.1f} s")
        head.append_text(Text.assemble(" · ", guest, " is on ", plain(where)))
        loud = Text.assemble(("MIGRATION FAILED", "bold reverse red"), " ")
        loud.append_text(one_line(record.message or "the tool gave no message"))
        return head, loud
    head = Text.assemble(guest, ": ", plain(record.source), " → ", plain(record.target))
    head.append(f" in {record.duration_s:.1f} s" if record.duration_s is not None else "")
    if record.reported:  # the lists overruled what was said: the panel says so too
        head.append(f" · completed after all (reported {record.reported})", style="bold")
    if figures is None:
        head.append(" · stream not measured")
        return head, Text("COMPLETED — no stream figures", style="bold")
    head.append(" · " + figure_words(figures))
    loud = loud_words(figures)
    if settling_s is not None and settling_s >= 0:
        # said as it is: the figures may still move, and when they will stop
        loud.append_text(Text(f"  measuring · final in {math.ceil(settling_s)} s", style="dim"))
    else:
        loud.append_text(Text("  final", style="dim"))
    return head, loud
