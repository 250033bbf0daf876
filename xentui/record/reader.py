"""Reading a run record back: the version rule, typed items, summaries made whole again.

Report and replay both read through here, so they agree on what a file says. A file from
another schema version, a line that is not JSON, or a field that does not fit is refused in
one line naming the file and the line; a last line cut short (the run crashed mid-write) is
left out and counted, as the crash lost it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xentui import __version__
from xentui.config import LabConfig
from xentui.model import Event, Gap, Sample, Stall
from xentui.probe.summary import ProbeSummary
from xentui.record.codec import DecodeError, build, decode
from xentui.record.schema import (
    EVENTS,
    SCHEMA,
    VERSION,
    End,
    Header,
    Item,
    Poll,
    Query,
    RecordError,
    SummaryRecord,
)


@dataclass(frozen=True, slots=True)
class Run:
    path: Path
    header: Header
    items: tuple[Item, ...]
    skipped: int = 0
    """Lines of kinds this xentui does not know (written by a newer one of the same schema)."""
    cut: bool = False
    """True when the last line was cut short: the run ended without closing its record."""

    @property
    def events(self) -> Iterator[Event]:
        return (i for i in self.items if isinstance(i, Event))

    @property
    def summaries(self) -> Iterator[SummaryRecord]:
        return (i for i in self.items if isinstance(i, SummaryRecord))

    @property
    def start(self) -> float:
        return self.header.t

    @property
    def end(self) -> float:
        return max((_t(i) for i in self.items), default=self.header.t)


def _t(item: Item) -> float:
    return item.t


def read_run(path: Path) -> Run:
    """The whole file, typed; RecordError in one line when it cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not lines:
        raise RecordError(f"{path}: empty: not a xentui run record")
    try:
        first = _json(path, 1, lines[0], last=False)
    except RecordError:
        first = None
    header = _header(path, first)
    rebuild = _Rebuild()
    items: list[Item] = []
    skipped, cut = 0, False
    for no, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        obj = _json(path, no, text, last=no == len(lines))
        if obj is None:
            cut = True
            break
        try:
            item = rebuild.item(obj)
        except (DecodeError, KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"{path} line {no}: {obj.get('k', '?')}: {exc}") from None
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return Run(path, header, tuple(items), skipped, cut)


def _json(path: Path, no: int, text: str, *, last: bool) -> dict[str, Any] | None:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if last:
            return None
        raise RecordError(f"{path} line {no}: not JSON ({exc.msg})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("k"), str):
        raise RecordError(f"{path} line {no}: not a record line (no kind)")
    return obj


def _header(path: Path, obj: dict[str, Any] | None) -> Header:
    if obj is None or obj.get("k") != "header" or obj.get("schema") != SCHEMA:
        raise RecordError(f"{path}: not a xentui run record (line 1 is not its header)")
    version, by = obj.get("version"), obj.get("xentui", "?")
    if not isinstance(version, int):
        raise RecordError(f"{path}: its header has no version number")
    if version > VERSION:
        raise RecordError(
            f"{path}: written by xentui {by} (run record version {version}); this xentui "
            f"{__version__} reads version {VERSION}: read it with xentui {by} or later"
        )
    if version < VERSION:
        raise RecordError(
            f"{path}: written by xentui {by} (run record version {version}); this xentui "
            f"{__version__} reads version {VERSION} only"
        )
    try:
        lab = build(LabConfig, obj["lab"]) if obj.get("lab") else None
        return Header(
            version=version,
            xentui=str(by),
            python=str(obj.get("python", "")),
            command=str(obj.get("command", "")),
            t=float(obj["t"]),
            wall=float(obj["wall"]),
            lab=lab,
            extra={str(k): str(v) for k, v in (obj.get("extra") or {}).items()},
        )
    except (DecodeError, KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"{path} line 1: header: {exc}") from None


class _Rebuild:
    """Undoes the writer's changes-only encoding: whole snapshots and summaries again."""

    def __init__(self) -> None:
        self.points: dict[float, int] = {}
        self.gaps: tuple[Gap, ...] = ()
        self.stalls: tuple[Stall, ...] = ()

    def item(self, obj: dict[str, Any]) -> Item | None:
        kind = obj.pop("k")
        if kind in EVENTS:
            event: Event = build(EVENTS[kind], obj)
            return event
        if kind == "poll":
            return build(Poll, obj)
        if kind == "query":
            fn = obj["fn"]
            result = decode(Gap, obj["result"]) if fn == "longest_gap_since" else obj["result"]
            return Query(float(obj["t"]), float(obj["wall"]), fn, float(obj["since"]), result)
        if kind == "summary":
            return self.summary(obj)
        if kind == "end":
            return build(End, obj)
        return None

    def summary(self, obj: dict[str, Any]) -> SummaryRecord:
        if "gaps" in obj:
            self.gaps = decode(tuple[Gap, ...], obj.pop("gaps"))
        if "stalls" in obj:
            self.stalls = decode(tuple[Stall, ...], obj.pop("stalls"))
        if "points_all" in obj:
            points: tuple[Sample, ...] = decode(tuple[Sample, ...], obj.pop("points_all"))
        else:
            for t, nbytes in obj.pop("pts", ()):
                self.points[float(t)] = int(nbytes)
            n, end = int(obj.pop("n", 0)), obj.pop("end", None)
            points = ()
            if n and end is not None:
                ends = [float(end) - n + 1 + i for i in range(n)]
                points = tuple(Sample(t=e, nbytes=self.points.get(e, 0)) for e in ends)
            if len(self.points) > 4 * max(n, 1):
                keep = {p.t for p in points}
                self.points = {k: v for k, v in self.points.items() if k in keep}
        t, wall = float(obj.pop("t")), float(obj.pop("wall"))
        fields = {**obj, "points": [], "gaps": [], "stalls": []}
        base = build(ProbeSummary, fields)
        whole = replace(base, points=points, gaps=self.gaps, stalls=self.stalls)
        return SummaryRecord(t, wall, whole)
