"""Keys without an engine: refusals in words, help, quit confirmation, the migrate dialog."""

from __future__ import annotations

from textual.binding import Binding

from tests.tui.records import T0, migration, steady
from tests.tui.shown import notes
from xentui.model import MigrationPhase
from xentui.tui.screens.confirm import Confirm
from xentui.tui.screens.help import HelpScreen
from xentui.tui.screens.migrate import MigrateChoice, MigrateDialog
from xentui.tui.setup_screen import SetupScreen


async def test_a_key_that_cannot_run_says_why_and_is_dimmed(app):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(*steady())
        bindings = app.screen.active_bindings
        assert not bindings["p"].enabled and not bindings["m"].enabled
        assert bindings["question_mark"].enabled
        await pilot.press("p", "m")
        assert notes(app) == [
            "Cannot pause: no hosts are connected: this view only shows recorded events",
            "Cannot migrate: no hosts are connected: this view only shows recorded events",
        ]


async def test_setup_key_opens_the_checklist_and_escape_closes_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape")
        assert app.screen is app.main


async def test_help_lists_every_key(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = [key for key, _ in app.screen.keys]
        assert listed == ["p", "u", "m", "w", "r", "t", "?", "q", "ctrl+c / ctrl+q"]
        await pilot.press("escape")
        assert app.screen is app.main


async def test_quit_asks_first_while_a_migration_runs(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady(), migration([(MigrationPhase.REQUESTED, T0 + 1)]))
        await pilot.press("q")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        assert app.screen is app.main and app.is_running
        await pilot.press("q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_quit_when_idle_does_not_ask(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_every_action_is_in_the_command_palette(app):
    async with app.run_test(size=(80, 24)):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Pause", "Unpause", "Migrate", "Setup", "Refresh", "Help", "Quit"} <= titles


async def test_migrate_dialog_returns_a_typed_choice(app):
    results: list[MigrateChoice | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        targets = [("xen_host_2", None), ("xen_host_3", "unreachable"), ("xen_host_4", None)]
        dialog = MigrateDialog("virt_server", "xen_host_1", targets)
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press("down", "l", "enter")  # the unreachable one is skipped
        app.push_screen(MigrateDialog("virt_server", "xen_host_1", targets), results.append)
        await pilot.pause()
        await pilot.press("escape")
        app.push_screen(MigrateDialog("virt_server", "xen_host_1", targets), results.append)
        await pilot.pause()
        await pilot.press("enter")
    assert results == [
        MigrateChoice("xen_host_4", live=False),
        None,
        MigrateChoice("xen_host_2", live=True),
    ]


async def test_a_palette_command_that_cannot_run_says_why(app):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        commands["Unpause"]()
        commands["Help"]()
        await pilot.pause()
        assert notes(app) == [
            "Cannot unpause: no hosts are connected: this view only shows recorded events"
        ]
        assert isinstance(app.screen, HelpScreen)


async def test_a_quick_m_enter_chooses_the_first_target_that_can_go() -> None:
    """Enter posted in the same moment the dialog is pushed, before its list has a highlight."""
    from textual import events
    from textual.app import App

    from xentui.tui.screens.migrate import MigrateChoice, MigrateDialog

    chosen: list[MigrateChoice | None] = []
    targets = [("xen_host_2", "xen_host_2 is unreachable"), ("xen_host_3", None)]

    class Presenter(App[None]):
        def on_mount(self) -> None:
            dialog = MigrateDialog("virt_server", "xen_host_1", targets)
            # typed ahead with the m: queued for the dialog before it has even mounted its list
            dialog.post_message(events.Key("enter", "\r"))
            self.push_screen(dialog, chosen.append)

    app = Presenter()
    async with app.run_test() as pilot:
        for _ in range(100):
            if chosen:
                break
            await pilot.pause(0.02)
    assert chosen == [MigrateChoice("xen_host_3", True)]


def test_the_help_lists_the_keys_of_every_screen_and_dialog() -> None:
    """Each shown binding of the setup screen and the dialogs has a line in the help screen."""
    from xentui.tui.screens.help import DIALOG_KEYS
    from xentui.tui.screens.migrate import MigrateDialog
    from xentui.tui.setup_screen import FixDialog, SetupScreen

    listed = {k.strip() for keys, _ in DIALOG_KEYS for k in keys.replace(" or ", " / ").split("/")}
    names = {"escape": "Esc", "enter": "Enter"}
    for screen in (SetupScreen, FixDialog, MigrateDialog):
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            if not binding.description:
                continue
            for key in binding.key.split(","):
                assert names.get(key, key) in listed, (screen.__name__, key)
