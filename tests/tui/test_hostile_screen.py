"""Issue 10.2: what the app draws of a host's and a stream's hostile text is inert.

The app runs on real peers (two hosts behind real OpenSSH sshds, a hostile HTTP stream): the
pause fails with the whole corpus on stderr, a host's list fails so, domain names carry bidi and
zero-width characters, the stream answers a hostile reason phrase. Every character the screen
hands the terminal is then checked: printable, or Textual's own control segments, nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tests.hostile import MARKUP_LITERALS, HostileStream, assert_inert, hostile_lab_file
from tests.remote.conftest import sshd_factory  # noqa: F401 - the real-sshd fixture, used below
from tests.tui.shown import notes
from tests.tui.test_lab import log_text, press
from tests.tui.waits import checks_settled, until
from xentui.config import load_config
from xentui.setup.runbook import PAUSE, ItemState
from xentui.tui.app import XentuiApp
from xentui.tui.runbook import RunbookView
from xentui.tui.session import build_live_app, live
from xentui.tui.setup_screen import SetupScreen
from xentui.tui.widgets.event_log import EventLog


def drawn(app: App[None]) -> str:
    """The text of every cell the screen sends the terminal, line by line (the screenshot's
    render): Textual's own escape sequences are control segments and are left out."""
    update = app.screen._compositor.render_full_update(simplify=True)
    return "\n".join(
        "".join(seg.text for strip in line for seg in strip if not seg.control)
        for line in update.strips
    )


def runbook_item(app: XentuiApp) -> ItemState:
    return app.main.query_one(RunbookView).runbook.items[PAUSE].state


@contextlib.asynccontextmanager
async def hostile_app(make_sshd, folder: Path) -> AsyncIterator[tuple[XentuiApp, Pilot]]:
    """The live app on the hostile hosts and stream, once both hosts and the stream spoke."""
    async with HostileStream("reason") as stream:
        path = hostile_lab_file(folder, make_sshd(), make_sshd(), stream.url)
        app = build_live_app(load_config(path))
        async with (
            live(app.engine, app.probe),
            app.run_test(size=(200, 60), notifications=True) as pilot,
        ):
            await until(pilot, lambda: app.main.panes["evil"].snapshot, why="evil's list")
            await until(pilot, lambda: "HTTP 503" in log_text(app), why="the stream's refusal")
            await until(pilot, lambda: "broken: " in log_text(app), why="broken's list error")
            yield app, pilot


async def test_main_screen_shows_hostile_words_inert(
    sshd_factory,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """The event log, the runbook, the host panes, the stream panel and the notification."""
    async with hostile_app(sshd_factory, tmp_path) as (app, pilot):
        await press(pilot, "p")
        await until(pilot, lambda: runbook_item(app) is ItemState.FAILED, why="pause failed")
        await until(pilot, lambda: "FAILED" in log_text(app), why="the failed pause logged")
        await until(pilot, lambda: any("pause failed" in n for n in notes(app)))
        await pilot.pause(0.2)
        screen = assert_inert(drawn(app), "main screen")
        # shown, spelt out: the OSC of the tool's error and the reason phrase, the markup
        # the log's lines as written, before the wrap (which hangs continuations under the text)
        log = "\n".join(line.plain for line in app.main.query_one(EventLog)._kept)
        assert "FAILED Error: \\x1b]0;pwned\\x07" in log
        assert "stream: HTTP 503 \\x1b]0;pwned\\x07" in log
        assert "\\x1b]0;pwned\\x07" in screen and "abc\\u202egpj.exe" in screen
        assert all(m in screen for m in MARKUP_LITERALS)
        for note in notes(app):
            assert_inert(note, "notification")


async def test_setup_screen_shows_a_hosts_output_inert(
    sshd_factory,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """Step 1's finding on the broken host: the failed list's stderr, excerpted."""
    async with hostile_app(sshd_factory, tmp_path) as (app, pilot):
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, SetupScreen), why="setup screen")
        setup = app.screen
        assert isinstance(setup, SetupScreen)
        await checks_settled(pilot, setup)
        await pilot.pause(0.2)
        shown = assert_inert(drawn(app), "setup screen")
        assert "Error: \\x1b]0;pwned\\x07" in shown and "all good\\roverwritten" in shown
