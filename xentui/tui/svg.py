"""SVG screenshots that any renderer draws right: no text run starts with a space.

Rich writes one ``<text>`` per styled run, placed by ``x`` and stretched to ``textLength``, with
spaces as ``&#160;``. librsvg (rsvg-convert, many slide and doc pipelines) drops a run's leading
spaces and draws its glyphs from ``x``: ``xentui · virt_server`` came out as
``xentui·  virt_server``. Moving those spaces into ``x`` draws the same picture everywhere.
"""

from __future__ import annotations

import html
import re

from rich.cells import cell_len

NBSP = "&#160;"
_RUN = re.compile(
    r'(<text [^>]*?\bx=")([\d.]+)("[^>]*?\btextLength=")([\d.]+)("[^>]*>)'
    r"((?:&#160;)+)([^<]+)(</text>)"
)


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _shift(match: re.Match[str]) -> str:
    head, x, mid, length, tail, spaces, rest, end = match.groups()
    if not rest.replace(NBSP, ""):
        return match.group(0)  # a run of spaces only draws nothing: nothing to move
    count = spaces.count(NBSP)
    cells = count + cell_len(html.unescape(rest))
    width = float(length) / cells
    return (
        f"{head}{_number(float(x) + count * width)}{mid}{_number(width * (cells - count))}"
        f"{tail}{rest}{end}"
    )


def tidy_svg(svg: str) -> str:
    """The same screenshot with every text run's leading spaces turned into its offset."""
    return _RUN.sub(_shift, svg)
