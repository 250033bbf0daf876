"""The setup screen's own keys stay in view at 80 columns, and the app's keys still act there."""

from __future__ import annotations

from tests.tui.test_setup_xl_trust import until
from xentui.tui.app import XentuiApp
from xentui.tui.setup_screen import SetupScreen
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
