"""The setup screen's own keys stay in view at 80 columns, and the app's keys still act there."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from tests.tui.waits import open_setup, until
from xentui.tui.app import XentuiApp
from xentui.tui.setup_screen import FixDialog, SetupScreen
from xentui.tui.widgets.key_bar import KeyBar


async def test_setup_footer_fits_80_columns_with_its_own_keys(lab) -> None:
    app = XentuiApp(lab.config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        shown = bar.render_keys(app.screen).plain
        for words in ("esc  Back", "a  Check all", "c  Check", "f  Fix", "?  Help", "q  Quit"):
            assert words in shown, shown
        assert "Pause" not in shown and len(shown.rstrip()) <= 80, shown
        await pilot.press("question_mark")  # the app's help, from here
        await until(pilot, lambda: not isinstance(app.screen, SetupScreen))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_long_fix_keeps_its_keys_in_view(lab_factory, size) -> None:
    """The xend-config diff is longer than the screen: it scrolls, 'y apply' stays visible."""
    lab = await lab_factory(fresh=True)
    app = XentuiApp(lab.config)
    async with app.run_test(size=size) as pilot:
        screen = await open_setup(pilot, app)
        row = [step.id for step in screen.checklist.steps].index("relocation")
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        await pilot.pause()
        keys = app.screen.query_one("#dialog-keys", Static)
        width, height = size
        assert "y apply" in str(keys.render())
        assert 0 <= keys.region.y < height and keys.region.bottom <= height, keys.region
        # drawn, not clipped away by the dialog: the widget at its place on screen is itself
        assert app.screen.get_widget_at(keys.region.x + 1, keys.region.y)[0] is keys
        assert app.screen.query_one("#dialog").region.right <= width
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SetupScreen))
