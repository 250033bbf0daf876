"""The theme (issue 14.11): the flag, the lab file's and the one chosen in the app's palette,
remembered across runs in the user's settings file; only the themes measured readable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.command import CommandPalette

from tests.tui.records import Clock, config
from tests.tui.shown import notes
from tests.tui.waits import until
from xentui.cli import build_parser
from xentui.config.settings import read_settings, remember_theme
from xentui.config.ui import THEMES
from xentui.tui.app import XentuiApp


def live_like(settings: Path, flag: str | None = None, theme: str | None = None) -> XentuiApp:
    """The app as `xentui` starts it: a settings file to read and remember in."""
    clock = Clock()
    lab = dataclasses.replace(config(), theme=theme)
    app = XentuiApp(lab, clock=clock, wall=clock.wall)
    app.themes.use(settings, flag)
    return app


async def pick_in_palette(pilot, theme: str) -> None:
    """ctrl+p, "Theme", then the theme: Textual's own picker, as a presenter uses it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), why="the palette")
    await pilot.press(*"theme")
    await pilot.pause(0.3)  # the palette searches in a worker
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), why="the theme picker")
    await pilot.press(*theme)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == theme, why=f"the theme {theme}")


async def test_a_theme_picked_in_the_palette_is_the_next_runs_theme(tmp_path: Path) -> None:
    settings = tmp_path / "xentui" / "settings.toml"
    first = live_like(settings)
    async with first.run_test(size=(120, 36), notifications=True) as pilot:
        assert first.theme == "textual-dark"
        await pick_in_palette(pilot, "textual-light")
        await until(pilot, lambda: settings.exists(), why="the settings file")
        assert any(n.startswith("Theme textual-light: remembered") for n in notes(first))
    assert read_settings(settings).theme == "textual-light"
    second = live_like(settings)
    async with second.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        assert second.theme == "textual-light" and second.current_theme.dark is False
        assert second.ansi_theme is second.ansi_theme_light


async def test_the_flag_wins_and_is_remembered_the_lab_files_wins_and_is_not(tmp_path) -> None:
    settings = tmp_path / "settings.toml"
    remember_theme(settings, "textual-light")
    assert live_like(settings, flag="textual-dark", theme="textual-light").theme == "textual-dark"
    assert read_settings(settings).theme == "textual-dark"
    assert live_like(settings, theme="textual-light").theme == "textual-light"
    assert (
        read_settings(settings).theme == "textual-dark"
    )  # the lab file's theme is in the lab file
    assert live_like(settings).theme == "textual-dark"


async def test_a_broken_settings_file_is_one_warning_and_the_app_runs(tmp_path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('theme = "textual-light\n')
    app = live_like(settings)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        said = [n for n in notes(app) if str(settings) in n]
        assert len(said) == 1 and "not used (TOML syntax" in said[0], notes(app)


async def test_only_the_measured_themes_are_offered(app: XentuiApp) -> None:
    async with app.run_test(size=(80, 24)):
        assert sorted(app.available_themes) == sorted(THEMES)


def test_the_flag_on_the_app_and_on_demo() -> None:
    assert build_parser().parse_args(["--theme", "textual-light"]).theme == "textual-light"
    assert (
        build_parser("demo").parse_args(["demo", "--theme", "textual-dark"]).theme == "textual-dark"
    )
    assert (
        build_parser("demo").parse_args(["--theme", "textual-dark", "demo"]).theme == "textual-dark"
    )
    assert build_parser("demo").parse_args(["demo"]).theme is None
