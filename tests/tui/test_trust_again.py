"""A declined host key is not final (issue 14.9): `t` or the palette brings the dialog back, and
the host's pane says so in the app's words, not with a command-line flag."""

from __future__ import annotations

import pytest

from tests.control.test_trust_key import without_key
from tests.tui.test_lab import press, until
from tests.tui.test_trust_key import H2, connected, dialogs, reason
from xentui.tui.app import XentuiApp
from xentui.tui.screens.trust_key import TrustHostKey
from xentui.tui.session import build_live_app, live
from xentui.tui.widgets.key_bar import KeyBar


@pytest.fixture
async def quick_lab(lab_factory):
    return await lab_factory(poll_interval_s=0.25)


def footer(app: XentuiApp) -> str:
    return app.main.query_one(KeyBar).render_keys(app.main).plain


async def test_t_asks_again_after_a_no_and_yes_then_connects(quick_lab, tmp_path) -> None:
    known = tmp_path / "known_hosts"
    app = build_live_app(without_key(quick_lab.config, H2, known))
    # 100 columns: at 80 the footer gives its last key's words way to "^p palette" ("t  Tr…")
    async with live(app.engine, app.probe), app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the trust dialog")
        assert "t  Trust key" not in footer(app)  # nothing declined yet
        await press(pilot, "n")
        assert app.screen is app.main
        await until(pilot, lambda: "declined: t asks again" in reason(app), why="the pane's words")
        assert "--trust-new-host-keys" not in reason(app), reason(app)
        assert "t  Trust key" in footer(app), footer(app)
        await press(pilot, "t")
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="asked again")
        assert dialogs(app) == 1
        await press(pilot, "enter")
        await until(pilot, lambda: connected(app), why=f"{H2} connected")
        assert known.read_text().startswith(f"[127.0.0.1]:{quick_lab.ssh_port(H2)} ")
        assert "t  Trust key" not in footer(app)


async def test_the_palette_asks_again_too(quick_lab, tmp_path) -> None:
    app = build_live_app(without_key(quick_lab.config, H2, tmp_path / "known_hosts"))
    async with live(app.engine, app.probe), app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the trust dialog")
        await press(pilot, "escape")
        await until(pilot, lambda: app.screen is app.main)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Trust key"].callback()
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="asked again")
