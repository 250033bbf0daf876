"""SVG snapshots: main screen, migrate dialog, a migration and its verdict, from fixed records."""

from __future__ import annotations

import pytest

from tests.tui import scenes
from tests.tui.records import Clock, config
from xentui.tui.app import XentuiApp

SIZES = [(80, 24), (160, 48)]


def scene_app(scene):
    clock = Clock()
    app = XentuiApp(config(), clock=clock, wall=clock.wall, tick_s=3600)

    async def run_before(pilot) -> None:
        scene(app, clock)
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(scenes.SCENES))
def test_snapshot(snap_compare, name, size):
    app, run_before = scene_app(scenes.SCENES[name])
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_snapshot_hostile_names_are_shown_literally(snap_compare):
    app, run_before = scene_app(scenes.hostile)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_snapshot_verdict_in_a_light_theme(snap_compare):
    app, run_before = scene_app(scenes.verdict)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_new_host_key_dialog(snap_compare, size):
    app, run_before = scene_app(scenes.new_key)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
