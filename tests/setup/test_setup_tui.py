"""Through the TUI: `w` opens the checklist, checks run, a fix asks first, Esc cancels."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.tui.waits import checks_settled, open_setup, until
from xentui.model import ActionEvent, ActionKind, Stall, StallEvent, StreamStatusEvent
from xentui.setup.results import Status
from xentui.tui.app import XentuiApp
from xentui.tui.runbook import RunbookView
from xentui.tui.setup_screen import FixDialog, SetupScreen

GUEST_CFG = "/etc/xen/virt_server"


async def test_w_check_all_fix_with_confirmation_and_escape(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    vfs = lab.host("xen_host_1").vfs
    before = vfs.read_text(GUEST_CFG)
    app = XentuiApp(lab.config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_setup(pilot, app)
        cl = screen.checklist

        await checks_settled(pilot, screen)
        assert cl.results["guest-config"].status is Status.FAILED
        # run all checks again with `a`
        await pilot.press("a")
        await pilot.pause(0.05)
        await checks_settled(pilot, screen)
        screen.query_one(DataTable).move_cursor(row=2)
        await pilot.pause()
        assert screen.selected is not None and screen.selected.id == "guest-config"
        # Esc in the dialog leaves everything as it was
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: "cancelled" in screen.last_fix)
        assert vfs.read_text(GUEST_CFG) == before
        # y applies it and the step passes
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        await pilot.press("y")
        await until(pilot, lambda: cl.results["guest-config"].status is Status.PASSED)
        assert "#vnc=1" in vfs.read_text(GUEST_CFG)
        await until(pilot, lambda: "Backups" in screen.last_fix)
        await checks_settled(pilot, screen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SetupScreen))


class RunbookApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RunbookView(id="runbook")


def _plain(view: RunbookView) -> str:
    """The runbook's text as a reader sees it (one Text per line since the band change)."""
    return "\n".join(line.plain for line in view.render().renderables)


async def test_runbook_view_highlights_the_current_step() -> None:
    app = RunbookApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(RunbookView)
        url = "http://127.0.0.1:8888/TruthHappens.ogg"
        assert view.feed(StreamStatusEvent(t=1.0, wall=1.0, url=url, connected=True, playing=True))
        assert not view.feed(
            StreamStatusEvent(t=2.0, wall=2.0, url=url, connected=True, playing=True)
        )
        view.feed(
            ActionEvent(
                t=5.0,
                wall=5.0,
                kind=ActionKind.PAUSE,
                guest="[red]x[/]",
                host="xen_host_1",
                ok=True,
            )
        )
        await pilot.pause()
        text = _plain(view)
        assert "✓ 1 open the stream: playing" in text
        assert "▶ 2 pause: measure the buffer" in text and "[p]" in text
        view.feed(StallEvent(t=9.5, wall=9.5, stall=Stall(9.5, None)))
        text = _plain(view)
        assert "✓ 2 pause: measure the buffer: buffer = 4.5 s" in text
        assert "▶ 3 unpause" in text and "[u]" in text
