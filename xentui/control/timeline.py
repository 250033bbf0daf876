"""A migration record in words: each milestone with its offset, and how long each phase took."""

from __future__ import annotations

import itertools

from xentui.model import MigrationPhase, MigrationRecord
from xentui.textsafe import printable


def phase_durations(record: MigrationRecord) -> list[tuple[MigrationPhase, MigrationPhase, float]]:
    """(from, to, seconds) between consecutive milestones, in the order they happened."""
    steps = sorted(record.milestones, key=lambda m: m[1])
    return [(a, b, tb - ta) for (a, ta), (b, tb) in itertools.pairwise(steps)]


def correction(record: MigrationRecord) -> str | None:
    """The lists' outcome said as a correction of what was said before (the command's
    failure, a loss), so the log tells one story; None when nothing is corrected (issue 10.4)."""
    guest, source, target = (printable(n) for n in (record.guest, record.source, record.target))
    if record.outcome is MigrationPhase.COMPLETED and record.reported:
        return (
            f"migration of {guest}: reported {record.reported}, but {target} now runs it: "
            "completed after all"
        )
    if record.outcome is MigrationPhase.FAILED and record.at(MigrationPhase.LOST) is not None:
        return f"migration of {guest}: reported lost, and {source} still runs it: it did not move"
    return None


def timeline_lines(record: MigrationRecord) -> list[str]:
    """The timeline as a presenter reads it, one milestone per line, offsets from the request."""
    t0 = record.at(MigrationPhase.REQUESTED)
    kind = "live migration" if record.live else "migration"
    guest, source, target = (printable(n) for n in (record.guest, record.source, record.target))
    lines = [f"{kind} of {guest}: {source} -> {target}"]
    prev: float | None = None
    for phase, t in sorted(record.milestones, key=lambda m: m[1]):
        since = f"+{t - t0:7.3f} s" if t0 is not None else ""
        step = f"  ({t - prev:.3f} s after the previous)" if prev is not None else ""
        lines.append(f"  {since}  {phase.value}{step}")
        prev = t
    outcome = record.outcome
    if outcome is MigrationPhase.COMPLETED and record.duration_s is not None:
        lines.append(f"completed in {record.duration_s:.3f} s; {guest} is on {target}")
    elif outcome in (MigrationPhase.FAILED, MigrationPhase.LOST):
        # the tool's message, inert; its further lines indented under the FAILED
        said = printable(record.message, newlines=True).replace("\n", "\n  ")
        lines.append(f"{outcome.value.upper()}: {said}")
    else:
        lines.append(f"not finished; {guest} last seen on {printable(record.guest_now_on or '?')}")
    if (corrected := correction(record)) is not None:
        lines.append(corrected)
    return lines
