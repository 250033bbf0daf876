"""The ``Name ID Mem VCPUs State Time(s)`` table that xm and xl share, read row by row.

Each row is read from the right and every field is checked against what its format string can
print (``%d``, ``%5s`` of a domid that may be blank, ``%8.1f``, six state letters), so a broken
or truncated row is reported instead of turning into a wrong domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from xentui.model import Domain, DomainState, MigrationRole
from xentui.toolstack.base import ListResult
from xentui.toolstack.scan import (
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


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    id: int | None
    mem_mib: int
    vcpus: int
    flags: str
    cpu_s: float


def read_row(line: str, rules: RowRules) -> Row | str:
    """The row's fields, or why the line is not a row."""
    if (why := unreadable(line)) is not None:
        return why
    rest, tok = take_right(line)
    if rules.ssid_ok and SSID.match(tok):
        rest, tok = take_right(rest)
    if not FLOAT.match(tok):
        return f"Time(s) {tok!r} is not a number like 12.3"
    cpu_s = float(tok)
    rest, flags = take_right(rest)
    if not (_fits(flags, rules.positions) or _fits(flags, rules.short_positions)):
        halted = _halted_row(rest, flags, cpu_s) if rules.id_optional else None
        return halted or f"State {flags!r} is not six state letters"
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


def parse_table(
    tool: str,
    text: str,
    *,
    layouts: Callable[[str], tuple[str, RowRules] | None],
    state: Callable[[str], DomainState],
    split_name: Callable[[str], tuple[str, MigrationRole | None]],
) -> ListResult:
    """Read a whole ``xm list``/``xl list`` output; ``layouts`` maps a header to its rules."""
    walk = ListWalk(tool)
    _, end, header = find_header(tool, text, lambda line: layouts(line) is not None, walk)
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
        base, role = split_name(row.name)
        active = row.id is not None
        st = state(row.flags)
        if not active and not any(c.isalpha() for c in row.flags):
            st = DomainState.SHUTDOWN  # a defined, halted domain (xend 3.0.4+, blank ID)
        walk.domains.append(
            Domain(
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
        )
    return walk.result(layout)
