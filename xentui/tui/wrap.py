"""Wrapping that never parts a number from its unit, nor a label from its value (issue 14.3).

Rich and Textual break a line at any whitespace, a no-break space included (Python's ``\\s``
matches it), so ``1.9 s`` could end one line with ``1.9`` and start the next with ``s``. The
texts keep their ordinary spaces (they are also logged, recorded and printed by ``ctl``); only
where the screen wraps them, the spaces that glue a value together are held for the wrap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

UNITS = r"(?:ms|s|kbit/s|[KMG]iB/s|[KMG]iB|B|%)"
GLUE = re.compile(rf"(?<=\d) (?={UNITS}(?![\w/]))|(?<==) |(?<=\S) (?==)|(?<=~) ")
"""The spaces a wrap must not break at: ``1.9 s``, ``42 %``, ``buffer = 5.0 s``, ``~ 7``."""
HOLD = "\ue000"
"""Stands in for a glued space while a line is wrapped: not whitespace, one cell wide."""


def glued(plain: str) -> list[int]:
    """Offsets of the spaces in ``plain`` that a wrap must not break at."""
    return [m.start() for m in GLUE.finditer(plain)]


def wrap(text: Text, width: int, console: Console, *, indent: int = 0) -> list[Text]:
    """``text`` as lines of at most ``width`` cells, broken only where a value is not parted;
    lines after the first are indented by ``indent`` cells (a hanging indent: a log's message
    under its message, not under its timestamp)."""
    width = max(1, width)
    if text.no_wrap:  # a line that is cut, never wrapped (a fixed-width figure)
        one = text.copy()
        one.truncate(width, overflow=text.overflow or "ellipsis")
        return [one]
    plain = text.plain
    holds = glued(plain) if HOLD not in plain else []
    held = text.copy()
    if holds:
        chars = list(plain)
        for i in holds:
            chars[i] = HOLD
        held = Text("".join(chars), style=text.style, justify=text.justify)
        held.spans = list(text.spans)
    lines = list(held.wrap(console, width, overflow="fold")) or [Text()]
    if indent and len(lines) > 1 and width - indent >= 8:
        # the rest again, narrower: the first line's length is where it was cut
        cut = len(lines[0].plain)
        rest = held[cut:]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
        pad = " " * indent
        lines = lines[:1] + [
            Text(pad).append_text(part)
            for part in rest.wrap(console, width - indent, overflow="fold")
        ]
    return [_release(line) for line in lines]


def _release(line: Text) -> Text:
    if HOLD not in line.plain:
        return line
    out = Text(line.plain.replace(HOLD, " "), style=line.style, justify=line.justify)
    out.spans = list(line.spans)
    return out


class Kept:
    """A renderable that wraps ``text`` with `wrap` at whatever width it is given (a Static's)."""

    def __init__(self, text: Text, *, indent: int = 0) -> None:
        self.text, self.indent = text, indent

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap(self.text, options.max_width, console, indent=self.indent)
        joined = Text("\n", justify=self.text.justify, no_wrap=True).join(lines)
        joined.end = "\n"  # Textual counts a renderable's lines by its newlines
        yield joined

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


def lines_of(texts: Iterable[Text], width: int, console: Console, indent: int = 0) -> list[Text]:
    """Each text wrapped with `wrap`, in order."""
    return [line for text in texts for line in wrap(text, width, console, indent=indent)]
