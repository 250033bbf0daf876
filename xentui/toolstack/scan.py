"""Shared, linear-time pieces of the list parsers: line walking, right-to-left fields, flags.

Every parser reads a row from the right (Time, State, VCPUs, Mem, ID are whitespace-separated
at the end; the rest is the name), because a name longer than its column shifts everything
after it. Work per line is bounded (long lines are refused), and the walk stops after a fixed
number of unreadable lines, so a 10 MB blob costs one pass in C plus a bounded Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from xentui.model import Domain, DomainState, ParseProblem
from xentui.toolstack.base import ListParseError, ListResult

MAX_LINE = 4096
"""Longer than any real row (a 255-byte name and the columns); longer lines are not read."""
MAX_PROBLEMS = 100
"""After this many unreadable lines the rest of the output is reported in one problem."""
CLIP = 200

_NONBLANK_LINE = re.compile(r"^[^\S\n]*\S[^\n]*", re.MULTILINE)
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
FLOAT = re.compile(r"\d+\.\d+\Z")
INT = re.compile(r"\d+\Z")

FLAG_ORDER = "rbpscd"
_FLAG_STATE = {
    "r": DomainState.RUNNING,
    "b": DomainState.BLOCKED,
    "p": DomainState.PAUSED,
    "s": DomainState.SHUTDOWN,
    "c": DomainState.CRASHED,
    "d": DomainState.DYING,
}


def clip(line: str) -> str:
    return line if len(line) <= CLIP else line[:CLIP] + "..."


def nonblank_lines(text: str, start: int = 0) -> Iterator[tuple[int, int, str]]:
    """Yield (line number, end offset, line) for each non-blank line, without its CR."""
    line_no, pos = 1, 0
    for m in _NONBLANK_LINE.finditer(text, start):
        line_no += text.count("\n", pos, m.start())
        pos = m.start()
        yield line_no, m.end(), m.group().rstrip("\r")


def take_right(s: str) -> tuple[str, str]:
    """Split the last whitespace-separated field off ``s``: (rest, field), rest rstripped."""
    s = s.rstrip(" \t")
    i = max(s.rfind(" "), s.rfind("\t"))
    return (s[:i].rstrip(" \t"), s[i + 1 :]) if i >= 0 else ("", s)


def unreadable(line: str) -> str | None:
    """Why a line cannot be a row at all (too long, control bytes, undecodable), or None."""
    if len(line) > MAX_LINE:
        return f"line longer than {MAX_LINE} characters"
    if (m := _UNREADABLE.search(line)) is not None:
        return f"unreadable character {m.group()!r} at column {m.start() + 1}"
    return None


def state_from_flags(flags: str) -> DomainState:
    """The first flag set, in Xen's order r b p s c d; a crashed domain is also shut down
    (libxc sets both), so crashed wins over shutdown. ``------`` (no flag: runnable, waiting
    for a CPU, what libvirt calls "no state") counts as running."""
    present = {c for c in flags if c in _FLAG_STATE}
    if "s" in present and "c" in present:
        return DomainState.CRASHED
    for letter in FLAG_ORDER:
        if letter in present:
            return _FLAG_STATE[letter]
    return DomainState.RUNNING


@dataclass
class ListWalk:
    """Walks the rows after a header, collecting domains and problems with a bounded cost."""

    tool: str
    domains: list[Domain] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)

    def problem(self, line_no: int, line: str, reason: str) -> None:
        self.problems.append(ParseProblem(line_no, clip(line), reason))

    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def stop_early(self, text: str, end: int, line_no: int) -> None:
        rest = text.count("\n", end)
        self.problems.append(
            ParseProblem(
                line_no,
                "",
                f"stopped after {MAX_PROBLEMS} unreadable lines; {rest} more lines not read",
            )
        )

    def result(self, layout: str) -> ListResult:
        if not self.domains and self.problems:
            first = self.problems[0]
            raise ListParseError(
                self.tool, f"no readable row ({first.reason})", first.line_no, first.line
            )
        return ListResult(tuple(self.domains), tuple(self.problems), layout)


def find_header(
    tool: str, text: str, is_header: Callable[[str], bool], walk: ListWalk, search_lines: int = 50
) -> tuple[int, int, str]:
    """The header's (line number, end offset, line); lines before it become problems.

    A login banner or a warning printed to stdout can precede the table, so the first few
    lines are searched; with no header at all the output is not a list and nothing is read.
    """
    first: tuple[int, str] | None = None
    before: list[tuple[int, str]] = []
    for count, (line_no, end, line) in enumerate(nonblank_lines(text)):
        if count >= search_lines:
            break
        if len(line) <= MAX_LINE and is_header(line):
            for n, skipped in before:
                walk.problem(n, skipped, "before the header")
            return line_no, end, line
        first = first or (line_no, line)
        before.append((line_no, line))
    if first is None:
        raise ListParseError(tool, "empty output")
    raise ListParseError(tool, "missing header", first[0], clip(first[1]))
