"""Which columns of a domain list fit a pane, and how wide (issue 14.1).

A table wider than its pane scrolls sideways, and Textual's horizontal scrollbar then covers
the last row: with two panes side by side at 110-154 columns that row was the guest's. So the
table never is wider than its pane: the name column gives up width first, then the columns a
presenter needs least go, in this order (VCPUs is 1 in every demo; Time(s) is the guest's CPU
time; ID changes at each migration but says little), and last the name and state shrink to
what still reads (``migrating →`` is 11 cells).
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    label: str
    key: str
    """A key of format.COLUMN_FIELDS."""
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("Name", "name", 24),
    Column("ID", "id", 3),
    Column("Mem", "mem", 5),
    Column("VCPUs", "vcpus", 5),
    Column("State", "state", 18),
    Column("Time(s)", "time", 8),
)
PAD = 2
"""A DataTable cell's padding, one cell either side."""
DROP_ORDER = ("vcpus", "time", "id", "mem")
NAME_MIN, NAME_EASY, STATE_MIN = 8, 16, 11


def width_of(columns: tuple[Column, ...]) -> int:
    return sum(c.width + PAD for c in columns)


def fit(width: int, name_wanted: int = COLUMNS[0].width) -> tuple[Column, ...]:
    """The columns, and their widths, for a table ``width`` cells wide whose longest name
    cell (``▶`` and the name) is ``name_wanted`` cells: a column goes before a name is cut."""
    easy = max(NAME_EASY, min(COLUMNS[0].width, name_wanted))
    keep = list(COLUMNS)
    for drop in (None, *DROP_ORDER):
        if drop is not None:
            keep = [c for c in keep if c.key != drop]
        others = width_of(tuple(c for c in keep if c.key != "name"))
        name = width - others - PAD
        if name >= easy or drop == DROP_ORDER[-1]:
            break
    name = max(NAME_MIN, min(COLUMNS[0].width, name))
    state = next(c for c in keep if c.key == "state").width
    over = name + PAD + others - width
    if over > 0:  # the last resort: the state's flags give way to the name
        state = max(STATE_MIN, state - over)
    sized = {"name": name, "state": state}
    return tuple(c._replace(width=sized.get(c.key, c.width)) for c in keep)
