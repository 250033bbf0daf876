"""`xentui probe`'s run as a whole: did media ever play, the summary, and the estimate's words."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xentui.model import Event, Gap
    from xentui.probe.monitor import StreamProbe
    from xentui.probe.summary import ProbeSummary

NOT_OGG_HINT = (
    "not Ogg: the buffer and the stalls are estimated at {kbps:g} kbit/s; give the stream's "
    "bitrate with --bitrate KBPS"
)
GIVEN_HINT = "not Ogg: the buffer and the stalls are estimated at {kbps:g} kbit/s (--bitrate)"


def estimate_words(probe: StreamProbe, given: float | None) -> str:
    """Empty while an Ogg clock reads the stream (or nothing came); else how it is estimated."""
    timeline = probe.timeline
    if not timeline.estimated or timeline.nbytes == 0:
        return ""
    return (GIVEN_HINT if given else NOT_OGG_HINT).format(kbps=timeline.fallback_kbps)


@dataclass
class Run:
    """What the whole run saw, for the summary: did media ever play, and the worst of it."""

    started: float
    ticks: int = 0
    played_ticks: int = 0
    kbps: list[float] = field(default_factory=list)
    low_s: float | None = None
    said: str = ""
    """The probe's last words about the connection (refused, HTTP 404, playing)."""
    estimated_said: bool = False
    longest_s: float | None = None
    """The longest gap of the whole run, significant or not."""
    significant: list[Gap] = field(default_factory=list)
    """Every significant gap of the run (``gaps.significant``), kept here: the probe keeps
    only its latest 1000 gaps, and a long run's rhythm could push the early ones out."""
    _seen_end: float = float("-inf")
    """End of the newest gap taken from a summary: the next summary's newer ones are news."""

    def hear(self, event: Event) -> None:
        from xentui.model import StreamStatusEvent

        if isinstance(event, StreamStatusEvent) and event.message:
            self.said = event.message

    def take_gaps(self, summary: ProbeSummary) -> float | None:
        """The gaps that ended since the summary before: kept when significant; returns the
        longest of them (None: no gap ended), which is the line's own interval."""
        from xentui.probe.gaps import significant

        new = [g for g in summary.gaps if g.end > self._seen_end]
        if not new:
            return None
        self._seen_end = max(g.end for g in new)
        self.significant += [g for g in new if significant(g)]
        longest = max(g.length_s for g in new)
        self.longest_s = max(self.longest_s or 0.0, longest)
        return longest

    def note(self, summary: ProbeSummary) -> None:
        from xentui.model import PlayerState

        self.ticks += 1
        if summary.state in (PlayerState.PLAYING, PlayerState.STALLED):
            self.played_ticks += 1
            self.kbps.append(summary.bitrate_kbps)
            low = summary.buffer_s
            self.low_s = low if self.low_s is None else min(self.low_s, low)

    @property
    def played(self) -> bool:
        return self.played_ticks > 0


def summary_doc(
    run: Run, probe: StreamProbe, summary: ProbeSummary | None, note: str
) -> dict[str, object]:
    """The run in one object: ``ok`` is whether a stream ever played; ``gaps`` counts and
    ``significant_gaps`` lists the gaps longer than the stream's rhythm allows (``gap_rule``),
    ``longest_gap_ms`` is the longest of any gap."""
    from xentui.probe.gaps import significant_words

    if summary is not None:
        run.take_gaps(summary)  # gaps that ended after the last line
    res = summary.resolution_s if summary is not None else None
    avg = sum(run.kbps) / len(run.kbps) if run.kbps else None
    return {
        "summary": True,
        "ok": run.played,
        "url": probe.url,
        "duration_s": round(time.monotonic() - run.started, 1),
        "played_s": run.played_ticks,
        "bitrate_kbps": round(avg, 1) if avg is not None else None,
        "min_buffer_s": round(run.low_s, 3) if run.low_s is not None else None,
        "gaps": len(run.significant),
        "significant_gaps": [
            {
                "start_s": round(g.start - run.started, 3),
                "length_ms": round(g.length_s * 1000, 1),
                "resolution_ms": round(g.resolution_s * 1000, 1),
            }
            for g in run.significant
        ],
        "gap_rule": significant_words(),
        "longest_gap_ms": round(run.longest_s * 1000, 1) if run.longest_s is not None else None,
        "resolution_ms": round(res * 1000, 1) if res is not None else None,
        "stalls": len(summary.stalls) if summary is not None else 0,
        "media_time_estimated": bool(note),
        "message": run.said or (summary.message if summary is not None else ""),
        "note": note if run.played else "",
    }


def _gap_list(doc: dict[str, object]) -> str:
    listed = doc["significant_gaps"]
    assert isinstance(listed, list)
    each = [f"{g['start_s']:.1f} s in for {g['length_ms']:g} ms" for g in listed]
    return f"{len(each)} gap{'s' if len(each) > 1 else ''} ({'; '.join(each)})"


def summary_line(doc: dict[str, object]) -> str:
    took = f"{doc['duration_s']:g} s"
    if not doc["ok"]:
        why = str(doc["message"] or "nothing arrived").split("; retrying")[0]
        return f"summary: no stream played in {took}: {why}"
    gap = doc["longest_gap_ms"]
    res = doc["resolution_ms"]
    if doc["gaps"]:
        gaps = f"{_gap_list(doc)}, the longest {gap:g} ms"
    elif gap is not None:
        gaps = f"no gap longer than the stream's rhythm allows (the longest {gap:g} ms)"
    elif res is not None:
        gaps = f"no gap over {res:g} ms"
    else:
        gaps = "no gap seen"
    parts = [
        f"summary: played {doc['played_s']} of {took}",
        f"{doc['bitrate_kbps']:g} kbit/s on average",
        gaps,
        f"buffer never below {doc['min_buffer_s']:.1f} s",
        f"{doc['stalls']} stalls" if doc["stalls"] else "no stall",
    ]
    line = ", ".join(parts)
    return f"{line} ({doc['note']})" if doc["note"] else line
