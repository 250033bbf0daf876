"""The plots of a report, drawn by matplotlib's SVG backend (no hand-written plotting).

matplotlib: maintained for two decades, packaged by every distribution, its SVG backend needs
no display and no browser, and the text stays text (``svg.fonttype = none``) so a page prints
and projects sharply and can be searched. Imported only here, only when a report is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from xentui.report.analysis import Window

WIDTH_IN, HEIGHT_IN = 9.0, 4.2
LABEL_PT = 8.0
PLOT_WIDTH_PT = WIDTH_IN * 72 * 0.86
"""The bitrate plot's width: the figure less the y label and ticks (constrained layout)."""
CHAR_EM = 0.62
"""A generous mean glyph width of DejaVu Sans: labels are placed before anything is drawn."""
LANE = 0.1
"""One row of labels, as a fraction of the bitrate plot's height (8 pt text and its box)."""
SAME_LINE = 0.004
"""Marks closer than this fraction of the time axis (2 pt) draw as one line: one label."""
GAP = 0.01


@dataclass(frozen=True, slots=True)
class Label:
    """A milestone's words at its line: in a row (0 at the top), left or right of the line."""

    text: str
    t: float
    row: int
    leftward: bool


def place_labels(marks: tuple[tuple[str, float], ...], lo: float, hi: float) -> list[Label]:
    """Labels that never overlap: marks on one line merge ("requested · started"), and a label
    that would run into the previous one in its row goes to the next row down. A migration's
    first milestones come within a second of each other, a fraction of a 40 s plot: labelled
    on their lines side by side (as they were), their words printed over each other."""
    span = (hi - lo) or 1.0
    merged: list[tuple[list[str], float]] = []
    for name, t in sorted(marks, key=lambda m: m[1]):
        if merged and (t - merged[-1][1]) / span < SAME_LINE:
            merged[-1][0].append(name)
        else:
            merged.append(([name], t))
    ends: list[float] = []  # each row's right edge so far, as a fraction of the axis
    out = []
    for names, t in merged:
        text = " · ".join(names)
        x = (t - lo) / span
        width = (len(text) * CHAR_EM * LABEL_PT + 6) / PLOT_WIDTH_PT
        leftward = x + width > 1.0
        left = x - width if leftward else x
        row = next((i for i, end in enumerate(ends) if end + GAP < left), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = x if leftward else x + width
        out.append(Label(text, t, row, leftward))
    return out


def window_svg(window: Window) -> str:
    """Bitrate and buffer level around one action, the migration's milestones as lines."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "xentui"  # the same run gives the same file
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=100, layout="constrained")
    rate, level = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    top = 1.0
    if window.bitrate:
        xs, ys = zip(*window.bitrate, strict=True)
        rate.step(xs, ys, where="pre", color="#1f5fa8", linewidth=1.6, label="bitrate")
        top = max(max(ys), 1.0)
    rate.set_ylabel("kbit/s")
    rate.set_title(window.title, fontsize=12, loc="left")
    if window.buffer:
        xs, ys = zip(*window.buffer, strict=True)
        level.plot(xs, ys, color="#2a8a3a", linewidth=1.6, label="buffer")
    level.set_ylabel("buffer s")
    level.set_ylim(bottom=0)
    level.set_xlabel("seconds from the action")
    for ax in (rate, level):
        ax.grid(True, color="#dddddd", linewidth=0.6)
        for _, t in window.marks:
            ax.axvline(t, color="#a33", linewidth=1.0, linestyle="--")
    labels = place_labels(window.marks, *rate.get_xlim())
    rows = max((label.row + 1 for label in labels), default=0)
    rate.set_ylim(0, top * 1.05 / (1 - min(rows * LANE, 0.6)))  # the rows above the curve
    for label in labels:
        rate.annotate(
            label.text,
            (label.t, 1.0 - label.row * LANE),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if label.leftward else 3, -2),
            textcoords="offset points",
            ha="right" if label.leftward else "left",
            va="top",
            fontsize=LABEL_PT,
            color="#a33",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]  # inline in HTML: no XML prolog or doctype
