"""Screenshots read the same in librsvg as in a browser: no text run starts with a space."""

from __future__ import annotations

import re

from tests.tui import scenes
from tests.tui.test_snapshots import scene_app
from xentui.tui.svg import tidy_svg

LEADING_SPACE = re.compile(r'textLength="[\d.]+"[^>]*>(?:&#160;)+[^&<]')


def run(x: float, length: float, text: str) -> str:
    return (
        f'<text class="r3" x="{x:g}" y="20" textLength="{length:g}" '
        f'clip-path="url(#line-0)">{text}</text>'
    )


def test_leading_spaces_become_the_runs_offset():
    svg = run(85.4, 36.6, "&#160;·&#160;") + run(256.2, 183, "&#160;live&#160;migration")
    assert tidy_svg(svg) == run(97.6, 24.4, "·&#160;") + run(268.4, 170.8, "live&#160;migration")


def test_runs_without_leading_spaces_or_of_spaces_only_are_left_alone():
    svg = run(0, 73.2, "xentui") + run(12.2, 24.4, "&#160;&#160;") + run(0, 24.4, "&amp;x")
    assert tidy_svg(svg) == svg
    # entities and wide characters count as the cells they take
    assert tidy_svg(run(0, 36.6, "&#160;&lt;x")) == run(12.2, 24.4, "&lt;x")
    assert tidy_svg(run(0, 36.6, "&#160;漢")) == run(12.2, 24.4, "漢")


async def test_the_apps_screenshot_has_no_run_starting_with_a_space():
    app, run_before = scene_app(scenes.verdict)
    async with app.run_test(size=(160, 48)) as pilot:
        await run_before(pilot)
        svg = app.export_screenshot()
    assert "xentui" in svg and "virt_server" in svg
    assert not LEADING_SPACE.search(svg)
