"""Keys from the lab file's [keys] (issue 14.12): the configured key acts, the old one does not,
and the footer, the help screen and the palette name the configured key."""

from __future__ import annotations

import dataclasses

from tests.tui.records import Clock, config, steady
from tests.tui.shown import notes
from tests.tui.test_lab import guest_state, log_text, press, quick_lab, ready, until
from xentui.tui.app import XentuiApp
from xentui.tui.screens.help import HelpScreen
from xentui.tui.session import build_live_app, live
from xentui.tui.setup_screen import SetupScreen
from xentui.tui.widgets.key_bar import KeyBar

__all__ = ["quick_lab"]  # the lab fixture, shared with test_lab
KEYS = (("pause", "space"), ("help", "h"), ("setup", "s"), ("quit", "ctrl+x"))


def keyed_app() -> XentuiApp:
    clock = Clock()
    return XentuiApp(dataclasses.replace(config(), keys=KEYS), clock=clock, wall=clock.wall)


def footer(app: XentuiApp) -> str:
    return app.main.query_one(KeyBar).render_keys(app.main).plain


async def test_the_configured_key_pauses_and_the_old_one_does_nothing(quick_lab) -> None:
    app = build_live_app(dataclasses.replace(quick_lab.config, keys=(("pause", "space"),)))
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(160, 48), notifications=True) as pilot,
    ):
        await ready(pilot, app)
        await press(pilot, "p")  # handled by now: no action started, nothing refused
        assert not [w for w in app.workers if w.group == "action"]
        assert not [n for n in notes(app) if "pause" in n], notes(app)  # nor refused
        assert not str(guest_state(app, "xen_host_1")).startswith("paused")
        await press(pilot, "space")
        await until(pilot, lambda: (guest_state(app, "xen_host_1") or "").startswith("paused"))
        await until(pilot, lambda: "pause virt_server on xen_host_1: ok" in log_text(app))
        await until(pilot, lambda: app.check_action("unpause", ()) and not app.workers)
        await press(pilot, "space")  # the refusal moved with its key
        assert "Cannot pause: virt_server is already paused on xen_host_1" in notes(app)


async def test_footer_help_and_palette_name_the_configured_keys() -> None:
    app = keyed_app()
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        shown = footer(app)
        assert " space  Pause " in shown and " h  Help " in shown and " s  Setup " in shown
        assert " p  Pause " not in shown and " ?  Help " not in shown
        assert " ^x  Quit " in shown
        order = [shown.index(f"  {word} ") for word in ("Pause", "Unpause", "Migrate", "Setup")]
        assert order == sorted(order), shown  # a moved key keeps its place
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Pause"].endswith("· key space") and helps["Help"].endswith("· key h")
        assert helps["Migrate"].endswith("· key m")

        await pilot.press("question_mark")  # the old help key: nothing
        assert app.screen is app.main
        await pilot.press("h")
        assert isinstance(app.screen, HelpScreen)
        assert ("space", "pause the guest where it runs") in app.screen.keys
        assert ("h", "this list") in app.screen.keys
        assert ("^x", "quit (asks first mid-migration)") in app.screen.keys
        await pilot.pause()
        text = " ".join(
            w.render_line(y).text for w in app.screen.query("Static") for y in range(w.size.height)
        )
        assert "Esc, h or q closes this screen" in text
        assert "Esc or s" in text and "Esc or w" not in text
        await pilot.press("h")  # the help key closes it too
        assert app.screen is app.main


async def test_the_setup_key_opens_and_closes_the_checklist() -> None:
    app = keyed_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        assert app.screen is app.main
        await pilot.press("s")
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("s")
        assert app.screen is app.main
        await pilot.press("q")  # quit moved to ctrl+x: q does nothing
        assert app.is_running
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not app.is_running
