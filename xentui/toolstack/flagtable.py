"""The ``Name ID Mem VCPUs State Time(s)`` table that xm and xl share, read row by row.

Each row is read from the right and every field is checked against what its format string can
print (``%d``, ``%5s`` of a domid that may be blank, ``%8.1f``, state letters), so a broken
or truncated row is reported instead of turning into a wrong domain. What real hosts print
beside the plain table (docs/formats.md cites the sources): a blank State (xend 3.0.4+), fewer
state letters (Xen 2.0's five, xl 4.0's three), columns after Time(s) (``xm list --label``,
``xl list -v``) and rows whose header a wrapper filtered away.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from xentui.model import Domain, DomainState, MigrationRole
from xentui.toolstack.base import ListParseError, ListResult
from xentui.toolstack.scan import (
    FLAG_ORDER,
    FLOAT,
    INT,
    ListWalk,
    find_header,
    nonblank_lines,
    take_right,
    unreadable,
)

SSID = re.compile(r"s:[0-9a-f]{4}/p:[0-9a-f]{4}\Z")
"""Xen 3.0.0-3.0.2 append `` s:%04x/p:%04x`` when an ACM security label is set."""
_TIME_THEN_MORE = re.compile(r"(?<=[ \t])\d+\.\d+(?=[ \t]+\S)")
"""A Time(s) with columns after it: where a row with trailing columns may end."""
MAX_TRAILING_TRIES = 8
"""Time(s)-like fields tried, from the right, as the end of a row with trailing columns."""
_LETTERS = frozenset(FLAG_ORDER + "-")
NO_HEADER = "no header"
"""The note a list read without its header carries (the host pane and `xentui list` say it)."""


@dataclass(frozen=True, slots=True)
class RowRules:
    """What one layout's format string allows in a row."""

    positions: tuple[str, ...]
    """The characters each of the six state positions may hold."""
    id_optional: bool
    """``%3s``/``%5s`` domid (xend 3.0.4+): inactive managed domains have no ID."""
    ssid_ok: bool = False
    short_positions: tuple[str, ...] = ()
    """An older, shorter State field the same tool printed (xl before 4.1: three letters)."""
    blank_state: bool = False
    """``%(state)10s`` of ``get_info('state', str, '')`` (xend 3.0.4+): a domain with an ID
    whose record has no state yet (a domain in transition) prints a blank State."""


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    id: int | None
    mem_mib: int
    vcpus: int
    flags: str
    cpu_s: float
    extra: tuple[str, ...] = ()
    """Fields after Time(s) (a security label, xl -v's UUID...): read past, not interpreted."""


def trailing_titles(header: str) -> tuple[str, str]:
    """A header cut after ``Time(s)``, and the titles after it (``Label``, ``UUID ...``) with
    their spacing made one space each, for the layout's name."""
    end = header.find("Time(s)") + len("Time(s)")
    return header[:end], " ".join(header[end:].split())


def read_row(line: str, rules: RowRules) -> Row | str:
    """The row's fields, or why the line is not a row.

    A row that does not end in its Time(s) may carry columns after it (``xm list --label``,
    ``xl list -v``): it is read again up to each earlier Time(s)-like field, from the right."""
    if (why := unreadable(line)) is not None:
        return why
    row = _read_fields(line, rules)
    if isinstance(row, Row):
        return row
    ends = reversed([m.end() for m in _TIME_THEN_MORE.finditer(line)])
    for end in islice(ends, MAX_TRAILING_TRIES):
        found = _read_fields(line[:end], rules)
        if isinstance(found, Row):
            return dataclasses.replace(found, extra=tuple(line[end:].split()))
    return row


def short_letters(flags: str, positions: tuple[str, ...]) -> bool:
    """Fewer state letters than the layout's six (Xen 2.0 printed five, ``rbpsc``; a hand-kept
    tool any): each letter still names its flag, so the row is read, not refused."""
    return 0 < len(flags) < len(positions) and _LETTERS.issuperset(flags)


def _read_fields(line: str, rules: RowRules) -> Row | str:
    rest, tok = take_right(line)
    if rules.ssid_ok and SSID.match(tok):
        rest, tok = take_right(rest)
    if not FLOAT.match(tok):
        return f"Time(s) {tok!r} is not a number like 12.3"
    cpu_s = float(tok)
    rest, flags = take_right(rest)
    if not (
        _fits(flags, rules.positions)
        or _fits(flags, rules.short_positions)
        or short_letters(flags, rules.positions)
    ):
        if rules.blank_state and INT.match(flags):
            return _blank_state_row(rest, flags, cpu_s, rules)
        halted = _halted_row(rest, flags, cpu_s) if rules.id_optional else None
        return halted or f"State {flags!r} is not state letters"
    rest, vcpus = take_right(rest)
    rest, mem = take_right(rest)
    if not (INT.match(vcpus) and INT.match(mem)):
        return f"Mem {mem!r} and VCPUs {vcpus!r} must be whole numbers"
    head, maybe_id = take_right(rest)
    domid: int | None = None
    if head.strip() and INT.match(maybe_id):
        name, domid = head, int(maybe_id)
    elif head.strip() and maybe_id == "-1":
        name = head  # xm 3.0.x prints -1 for a domain that has no domid yet
    elif rules.id_optional:
        name = rest
    else:
        return "missing ID or name (wrong number of columns)"
    name = name.strip(" \t")
    if not name:
        return "missing name"
    return Row(name, domid, int(mem), int(vcpus), flags, cpu_s)


def _fits(flags: str, positions: tuple[str, ...]) -> bool:
    return len(flags) == len(positions) > 0 and all(
        c in allowed for c, allowed in zip(flags, positions, strict=True)
    )


def _halted_row(rest: str, vcpus: str, cpu_s: float) -> Row | None:
    """A row with both ID and State blank, or None if ``rest`` is not one.

    xend 3.1+ puts ``state`` in a domain's record only when it has a domid
    (``XendConfig.to_sxp``), so a defined, halted domain prints ``%(domid)5s`` and
    ``%(state)10s`` of ``''``: name, Mem, VCPUs and Time(s) only. xend names never hold
    whitespace (``_checkName``), so a name with a space here is a row that lost its State.
    """
    rest, mem = take_right(rest)
    name = rest.strip(" \t")
    if not (INT.match(vcpus) and INT.match(mem)) or not name or len(name.split()) != 1:
        return None
    return Row(name, None, int(mem), int(vcpus), "", cpu_s)


def _blank_state_row(rest: str, vcpus: str, cpu_s: float, rules: RowRules) -> Row | str:
    """A row whose State is blank: ``%(state)10s`` of ``''`` leaves Name, ID, Mem, VCPUs and
    Time(s). With a blank ID too it is a defined, halted domain (``_halted_row``)."""
    rest, mem = take_right(rest)
    head, maybe_id = take_right(rest)
    if not INT.match(mem):
        return f"Mem {mem!r} and VCPUs {vcpus!r} must be whole numbers"
    if head.strip() and INT.match(maybe_id) and len(head.split()) == 1:
        return Row(head.strip(), int(maybe_id), int(mem), int(vcpus), "", cpu_s)
    halted = _halted_row(rest + " " + mem, vcpus, cpu_s) if rules.id_optional else None
    return halted or f"State blank and {rest.strip()!r} is not a name and an ID"


def parse_table(
    tool: str,
    text: str,
    *,
    layouts: Callable[[str], tuple[str, RowRules] | None],
    state: Callable[[str], DomainState],
    split_name: Callable[[str], tuple[str, MigrationRole | None]],
    bare: tuple[str, RowRules],
) -> ListResult:
    """Read a whole ``xm list``/``xl list`` output; ``layouts`` maps a header to its rules.

    With no header, ``bare`` (layout name, rules) reads the rows when every line is one: a
    wrapper that filters the list (``xm list | grep -v Domain-0``) drops the header."""

    def domain(row: Row) -> Domain:
        base, role = split_name(row.name)
        active = row.id is not None
        st = state(row.flags)
        if not active and not any(c.isalpha() for c in row.flags):
            st = DomainState.SHUTDOWN  # a defined, halted domain (xend 3.0.4+, blank ID)
        elif not row.flags:
            st = DomainState.UNKNOWN  # an ID and a blank State: xend has no state for it yet
        return Domain(
            name=row.name,
            base_name=base,
            id=row.id,
            mem_mib=row.mem_mib,
            vcpus=row.vcpus,
            state=st,
            flags=row.flags,
            cpu_s=row.cpu_s,
            migration=role,
            active=active,
        )

    walk = ListWalk(tool)
    try:
        _, end, header = find_header(tool, text, lambda line: layouts(line) is not None, walk)
    except ListParseError as exc:
        rows = _headerless(text, bare[1])
        if rows is None:
            raise exc from None
        return ListResult(tuple(map(domain, rows)), (), bare[0], notes=(NO_HEADER,))
    found = layouts(header)
    assert found is not None
    layout, rules = found
    for line_no, line_end, line in nonblank_lines(text, end):
        if walk.full():
            walk.stop_early(text, line_end, line_no)
            break
        if layouts(line) is not None:
            continue  # a repeated header (two lists in one output) is not a problem
        row = read_row(line, rules)
        if isinstance(row, str):
            walk.problem(line_no, line, row)
            continue
        walk.domains.append(domain(row))
    return walk.result(layout)


def _headerless(text: str, rules: RowRules) -> list[Row] | None:
    """Every non-blank line read as a row, or None at the first line that is not one."""
    rows = []
    for _, _, line in nonblank_lines(text):
        row = read_row(line, rules)
        if isinstance(row, str):
            return None
        rows.append(row)
    return rows or None
