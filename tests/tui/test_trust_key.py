"""A host with a new SSH key, met from the app: one dialog per key, over real SSH to the lab."""

from __future__ import annotations

import asyncssh
import pytest
from textual.widgets import Static

from tests.control.test_trust_key import without_key
from tests.tui.shown import notes
from tests.tui.test_lab import press, until
from tests.tui.waits import Ticks
from xentui.model import ConnectionEvent, ConnectionState, Event
from xentui.tui.app import XentuiApp
from xentui.tui.screens.help import HelpScreen
from xentui.tui.screens.trust_key import TrustHostKey
from xentui.tui.session import build_live_app, live

H2 = "xen_host_2"


@pytest.fixture
async def quick_lab(lab_factory):
    return await lab_factory(poll_interval_s=0.25)


def refusals(events: list[Event], host: str = H2) -> int:
    return sum(
        1
        for e in events
        if isinstance(e, ConnectionEvent)
        and e.host == host
        and e.state is ConnectionState.UNREACHABLE
    )


async def retried(pilot, app: XentuiApp, events: list[Event], times: int) -> None:
    """Retry the host now, ``times`` over (no waiting out its backoff): each is refused."""
    for _ in range(times):
        seen = refusals(events)
        app.engine.pollers[H2].poke()
        await until(pilot, lambda n=seen: refusals(events) > n, why="the key refused again")


def connected(app: XentuiApp, host: str = H2) -> bool:
    conn = app.main.panes[host].connection
    return conn is not None and conn.state is ConnectionState.CONNECTED


def dialogs(app: XentuiApp) -> int:
    return sum(isinstance(s, TrustHostKey) for s in app.screen_stack)


def reason(app: XentuiApp, host: str = H2) -> str:
    return str(app.main.panes[host].query_one(".down-reason", Static).content)


async def test_a_new_key_is_shown_asked_once_and_trusted(quick_lab, tmp_path):
    known = tmp_path / "known_hosts"
    app = build_live_app(without_key(quick_lab.config, H2, known))
    events: list[Event] = []
    app.engine.add_listener(events.append)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(160, 48), notifications=True) as pilot,
    ):
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the trust dialog")
        pending = app.engine.unknown_host_key(H2)
        text = str(app.screen.query_one("#dialog-title", Static).content)
        port = quick_lab.ssh_port(H2)
        assert text.startswith(f"{H2} (127.0.0.1:{port}) offers a host key never seen before.")
        assert f"key type     {pending.key_type}" in text and pending.key_type.startswith("ssh-")
        assert f"fingerprint  {pending.fingerprint}" in text
        assert f"record it in {known}?" in text
        # the host keeps being retried while the presenter reads: still one dialog
        await retried(pilot, app, events, times=2)
        assert dialogs(app) == 1
        await press(pilot, "enter")
        await until(pilot, lambda: connected(app), why=f"{H2} connected")
        await until(pilot, lambda: app.main.panes[H2].snapshot, why=f"{H2}'s list")
        assert app.screen is app.main
        line = known.read_text()
        assert line.startswith(f"[127.0.0.1]:{port} {pending.key_type} ")
        assert notes(app)[-1].startswith(f"Trusting {H2}'s {pending.key_type} key SHA256:")


async def test_a_declined_key_leaves_the_host_unreachable_and_is_not_asked_again(
    quick_lab, tmp_path
):
    known = tmp_path / "known_hosts"
    app = build_live_app(without_key(quick_lab.config, H2, known))
    ticks = Ticks(app)
    events: list[Event] = []
    app.engine.add_listener(events.append)
    async with (
        live(app.engine, app.probe),
        app.run_test(size=(80, 24), notifications=True) as pilot,
    ):
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the trust dialog")
        await press(pilot, "n")
        assert app.screen is app.main
        assert notes(app)[-1] == f"{H2} stays unreachable: its new host key was not trusted"
        await retried(pilot, app, events, times=2)
        await ticks.wait(pilot)  # the tick that asks again: a queued dialog would be up now
        assert app.screen is app.main and not app.host_keys.queue.waiting
        assert app.main.panes[H2].has_class("-down")
        assert "is unknown: server offers SHA256:" in reason(app)
        assert known.read_text() == ""


async def test_a_changed_key_is_refused_in_words_and_never_offered(quick_lab, tmp_path):
    known = tmp_path / "known_hosts"
    app = build_live_app(without_key(quick_lab.config, H2, known))
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    entry = f"[127.0.0.1]:{quick_lab.ssh_port(H2)} {other}"
    known.write_text(entry)
    ticks = Ticks(app)
    events: list[Event] = []
    app.engine.add_listener(events.append)
    async with live(app.engine, app.probe), app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: refusals(events) >= 3, why="three refusals")
        await ticks.wait(pilot)  # the tick that would ask about a waiting key
        assert app.screen is app.main and not app.host_keys.queue.waiting
        words = reason(app)
        assert "CHANGED" in words and "man-in-the-middle" in words, words
        assert known.read_text() == entry


async def test_the_dialog_waits_for_another_dialog_to_close(quick_lab, tmp_path):
    known = tmp_path / "known_hosts"
    await quick_lab.stop_host(H2)  # down at first: its key is met only once help is open
    app = build_live_app(without_key(quick_lab.config, H2, known))
    ticks = Ticks(app)
    async with live(app.engine, app.probe), app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.panes[H2].has_class("-down"), why=f"{H2} down")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await quick_lab.start_host(H2)
        app.engine.pollers[H2].poke()
        await until(pilot, lambda: app.engine.unknown_host_key(H2), why="the new key refused")
        await ticks.wait(pilot)  # the tick that would put the dialog over the help
        assert isinstance(app.screen, HelpScreen) and dialogs(app) == 0
        await press(pilot, "escape")
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the trust dialog")
        await press(pilot, "y")
        await until(pilot, lambda: connected(app), why=f"{H2} connected")


async def test_two_new_hosts_are_asked_about_one_after_the_other(quick_lab, tmp_path):
    config = without_key(quick_lab.config, "xen_host_1", tmp_path / "kh1")
    app = build_live_app(without_key(config, H2, tmp_path / "kh2"))
    async with live(app.engine, app.probe), app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="a first dialog")
        await until(pilot, lambda: app.host_keys.queue.waiting, why="the second key queued")
        assert dialogs(app) == 1
        first = app.screen.key.host
        await press(pilot, "y")
        await until(pilot, lambda: isinstance(app.screen, TrustHostKey), why="the second dialog")
        second = app.screen.key.host
        assert {first, second} == {"xen_host_1", H2} and dialogs(app) == 1
        await press(pilot, "y")
        await until(pilot, lambda: connected(app, "xen_host_1") and connected(app), why="both")
