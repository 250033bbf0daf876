"""The plots of a report, drawn by matplotlib's SVG backend (no hand-written plotting).

matplotlib: maintained for two decades, packaged by every distribution, its SVG backend needs
no display and no browser, and the text stays text (``svg.fonttype = none``) so a page prints
and projects sharply and can be searched. Imported only here, only when a report is written.
"""

from __future__ import annotations

import io

from xentui.report.analysis import Window

WIDTH_IN, HEIGHT_IN = 9.0, 4.2


def window_svg(window: Window) -> str:
    """Bitrate and buffer level around one action, the migration's milestones as lines."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "xentui"  # the same run gives the same file
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=100, layout="constrained")
    rate, level = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    if window.bitrate:
        xs, ys = zip(*window.bitrate, strict=True)
        rate.step(xs, ys, where="pre", color="#1f5fa8", linewidth=1.6, label="bitrate")
    rate.set_ylabel("kbit/s")
    rate.set_ylim(bottom=0)
    rate.set_title(window.title, fontsize=12, loc="left")
    if window.buffer:
        xs, ys = zip(*window.buffer, strict=True)
        level.plot(xs, ys, color="#2a8a3a", linewidth=1.6, label="buffer")
    level.set_ylabel("buffer s")
    level.set_ylim(bottom=0)
    level.set_xlabel("seconds from the action")
    for ax in (rate, level):
        ax.grid(True, color="#dddddd", linewidth=0.6)
        for i, (name, t) in enumerate(window.marks):
            ax.axvline(t, color="#a33", linewidth=1.0, linestyle="--")
            if ax is rate:
                ax.annotate(name, (t, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                            fontsize=8, va="top", ha="right", color="#a33",
                            xytext=(-2, -2 - 0 * i), textcoords="offset points")  # fmt: skip
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]  # inline in HTML: no XML prolog or doctype
