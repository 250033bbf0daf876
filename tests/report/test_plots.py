"""The report's plot as a reader sees it: its milestone labels measured in headless Chromium
(the browser's own font metrics, not the plot's estimate) never cover each other, and none is
cut off at the plot's edge. A live migration's first milestones come within a second of each
other on a 40 s axis: labelled side by side on their lines, they were printed over each other."""

from __future__ import annotations

import asyncio
from itertools import combinations
from pathlib import Path

from tests.report import cdp
from xentui.report.analysis import Window
from xentui.report.plots import window_svg

# a real lab run's milestones (screenshots/report.png before this fix), and one at the edge
MARKS = (
    ("requested", 0.0),
    ("started", 0.01),
    ("renamed on source", 0.27),
    ("seen on target", 0.77),
    ("completed", 9.35),
    ("stream back", 20.9),
)
BOXES = """[...document.querySelectorAll('svg text')].map(e => {
  const r = e.getBoundingClientRect();
  return {text: e.textContent.trim(), l: r.left, r: r.right, t: r.top, b: r.bottom}; })"""
PLOT = """(() => { const r = document.querySelector('svg').getBoundingClientRect();
  return {l: r.left, r: r.right, t: r.top, b: r.bottom}; })()"""


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


async def test_milestone_labels_never_overlap(tmp_path: Path) -> None:
    window = Window(
        title="migrate virt_server on xen_host_1 → xen_host_2",
        t=0.0,
        wall=0.0,
        bitrate=tuple((float(t), 2100.0 if t == -14 else 400.0) for t in range(-20, 22)),
        buffer=tuple((float(t), 5.0) for t in range(-20, 22)),
        marks=MARKS,
    )
    page_file = tmp_path / "plot.html"
    page_file.write_text(f"<!doctype html><html><body>{window_svg(window)}</body></html>")
    async with cdp.browser(size=(1100, 600)) as page:
        await page.call("Page.navigate", url=page_file.as_uri())
        for _ in range(100):
            if await page.evaluate("document.readyState") == "complete":
                break
            await asyncio.sleep(0.05)
        boxes = await page.evaluate(BOXES)
        plot = await page.evaluate(PLOT)
    names = {"requested · started", "renamed on source", "seen on target", "completed"}
    labels = [b for b in boxes if b["text"] in names | {"stream back"}]
    # one line for requested and started (10 ms apart): one label; every other mark its own
    assert sorted(b["text"] for b in labels) == sorted(names | {"stream back"})
    for a, b in combinations(labels, 2):
        assert not overlap(a, b), f"{a['text']!r} covers {b['text']!r}: {a} {b}"
    for label in labels:
        assert plot["l"] <= label["l"] and label["r"] <= plot["r"], f"cut off: {label}"
    ticks = [b for b in boxes if b not in labels and b["text"]]
    for label, other in ((x, y) for x in labels for y in ticks):
        assert not overlap(label, other), f"{label['text']!r} covers {other['text']!r}"
