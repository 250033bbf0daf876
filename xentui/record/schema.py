"""The run record's lines: what each kind holds, the header, and the version rule.

One JSON object per line, ``"k"`` naming its kind. The first line is the header (schema name,
version, xentui and Python versions, the command, the lab file's hosts and guest: key paths,
never keys). Then, in the order they happened: every model `Event` by its class name with its
fields (``t`` monotonic, ``wall`` epoch seconds), ``poll`` for a host poll whose list did not
change (latency only), ``summary`` for the probe's once-a-second summary (only the bitrate
points, gaps and stalls that changed), ``query`` for a verdict figure the app asked the probe
for, and ``end``. README.md's "Run records" documents the same.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from typing import Any

from xentui import __version__, model
from xentui.config import LabConfig
from xentui.model import Event, Gap, Sample, Stall
from xentui.probe.summary import ProbeSummary
from xentui.record.codec import JSON, encode

SCHEMA = "xentui-run"
VERSION = 1
"""Bumped when a reader of the previous version would misread a file; adding a field or a
kind is not such a change (readers skip what they do not know)."""

EVENTS: dict[str, type[Event]] = {
    name: cls
    for name, cls in vars(model).items()
    if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
}


class RecordError(ValueError):
    """A run record that cannot be read, in one line naming the file and where."""


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    xentui: str
    python: str
    command: str
    t: float
    wall: float
    lab: LabConfig | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Poll:
    """A poll that listed what the one before listed: only its time and latency are kept."""

    host: str
    t: float
    wall: float
    latency_s: float


@dataclass(frozen=True, slots=True)
class SummaryRecord:
    """The probe's summary as the app (or the sampler) saw it at ``t``, made whole again."""

    t: float
    wall: float
    summary: ProbeSummary


@dataclass(frozen=True, slots=True)
class Query:
    """A verdict figure the app asked the probe for at ``t``, and its answer."""

    t: float
    wall: float
    fn: str
    since: float
    result: Any


@dataclass(frozen=True, slots=True)
class End:
    t: float
    wall: float
    dropped: int = 0
    """Lines the bounded queue had to drop (a disk too slow for the run): 0 when whole."""


Item = Event | Poll | SummaryRecord | Query | End


def header_line(command: str, t: float, wall: float, lab: LabConfig | None) -> dict[str, JSON]:
    versions = {"textual": _version_of("textual"), "asyncssh": _version_of("asyncssh")}
    return {
        "k": "header",
        "schema": SCHEMA,
        "version": VERSION,
        "xentui": __version__,
        "python": platform.python_version(),
        "command": command,
        "t": t,
        "wall": wall,
        "lab": encode(lab) if lab is not None else None,
        "extra": {k: v for k, v in versions.items() if v},
    }


def _version_of(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def event_line(event: Event) -> dict[str, JSON]:
    out = encode(event)
    assert isinstance(out, dict)
    return {"k": type(event).__name__, **out}


class SummaryDelta:
    """Turns whole summaries into lines holding only what changed since the last one."""

    def __init__(self) -> None:
        self._points: dict[float, int] = {}
        self._gaps: tuple[Gap, ...] = ()
        self._stalls: tuple[Stall, ...] = ()

    def line(self, t: float, wall: float, s: ProbeSummary) -> dict[str, JSON]:
        out: dict[str, JSON] = {"k": "summary", "t": t, "wall": wall}
        plain = encode(s)
        assert isinstance(plain, dict)
        for name in ("points", "gaps", "stalls"):
            plain.pop(name)
        out.update(plain)
        fresh = [p for p in s.points if self._points.get(p.t) != p.nbytes or p.width_s != 1.0]
        if s.points and not _seconds(s.points):
            out["points_all"] = encode(s.points)
        else:
            out["pts"] = [[p.t, p.nbytes] for p in fresh]
            out["n"] = len(s.points)
            out["end"] = s.points[-1].t if s.points else None
        for p in fresh:
            self._points[p.t] = p.nbytes
        if len(self._points) > 4 * max(len(s.points), 1):  # forget what left the window
            keep = {p.t for p in s.points}
            self._points = {k: v for k, v in self._points.items() if k in keep}
        if s.gaps != self._gaps:
            self._gaps, out["gaps"] = s.gaps, encode(s.gaps)
        if s.stalls != self._stalls:
            self._stalls, out["stalls"] = s.stalls, encode(s.stalls)
        return out


def _seconds(points: tuple[Sample, ...]) -> bool:
    """True for the meter's usual shape: one-second samples ending on consecutive seconds."""
    first = points[0].t
    return all(p.width_s == 1.0 and p.t == first + i for i, p in enumerate(points))
