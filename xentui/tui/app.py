"""The Textual app: pushes the main screen, feeds it the engine's and probe's events, runs keys."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.reactive import Reactive
from textual.screen import Screen

from xentui.config import LabConfig
from xentui.model import ActionKind, ConnectionEvent, ConnectionState, Event, SnapshotEvent
from xentui.tui.format import plain, printable
from xentui.tui.host_keys import HostKeyPrompts
from xentui.tui.keymap import APP_BINDINGS, help_lines, key_of
from xentui.tui.messages import Incoming
from xentui.tui.palette import DARK_ANSI, LIGHT_ANSI
from xentui.tui.screens.confirm import Confirm
from xentui.tui.screens.help import HelpScreen
from xentui.tui.screens.main import MainScreen
from xentui.tui.screens.migrate import MigrateChoice, MigrateDialog
from xentui.tui.sources import EngineLike, ProbeLike
from xentui.tui.svg import tidy_svg
from xentui.tui.themes import ThemeChoice

KINDS = {"pause": ActionKind.PAUSE, "unpause": ActionKind.UNPAUSE, "migrate": ActionKind.MIGRATE}
NO_ENGINE = "no hosts are connected: this view only shows recorded events"
OWN = ("Keys", "Quit")
"""Textual's palette commands the app leaves out: its Help, and its own Quit, stand for them."""
SETUP_HINTS = re.compile(r"not running on any reachable host")
"""Refusals that a fresh lab gives: the presenter is pointed to the setup checklist (14.7)."""


class XentuiApp(App[None]):
    """Thin: the engine and probe are started and stopped by the caller (see `tui.session`)."""

    CSS_PATH = Path(__file__).with_name("xentui.tcss")
    TITLE = "xentui"
    ENABLE_COMMAND_PALETTE = True
    ansi_theme_dark = Reactive(DARK_ANSI, init=False)
    ansi_theme_light = Reactive(LIGHT_ANSI, init=False)
    """Named colours (yellow = paused) that read on either theme (see `tui.palette`)."""
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]  # ids: [keys] actions (keymap)

    def __init__(
        self,
        config: LabConfig,
        *,
        engine: EngineLike | None = None,
        probe: ProbeLike | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        tick_s: float = 1.0,
    ) -> None:
        super().__init__()
        self.config, self.engine, self.probe = config, engine, probe
        self.clock, self.wall, self.tick_s = clock, wall, tick_s
        self.main = MainScreen(config, probe=probe, clock=clock, wall=wall)
        self._binding_state: tuple[bool | None, ...] = ()
        self.host_keys = HostKeyPrompts(self)  # new host keys put to the presenter
        self.keymap = dict(config.keys)  # [keys]: binding id -> key (issue 14.12)
        self.set_keymap(self.keymap)
        self.themes = ThemeChoice(self, config)  # offered themes, the lab file's (issue 14.11)
        # subscribed before the caller starts the sources: nothing they say is missed
        self._early: list[Event] | None = []
        for source in (engine, probe):
            if source is not None:
                source.add_listener(self.deliver)

    async def on_mount(self) -> None:
        await self.push_screen(self.main)
        self.themes.mounted()
        early, self._early = self._early, None
        for event in early or ():
            self.deliver(event)
        self.set_interval(self.tick_s, self._tick)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """Textual's SVG, drawn alike by browsers and librsvg (see `tui.svg`)."""
        return tidy_svg(super().export_screenshot(title=title, simplify=simplify))

    def deliver(self, event: Event) -> None:
        """The engine's and probe's listener: runs on this loop, never blocks."""
        if self._early is not None:  # the screen is not up yet
            self._early.append(event)
            return
        if not self.is_running:  # quit: the sources stop after the app, and may still speak
            return
        if isinstance(event, SnapshotEvent):
            self.main.queue_snapshot(event)  # coalesced per host, drawn a pane at a time
            return
        if isinstance(event, ConnectionEvent) and event.state is ConnectionState.UNREACHABLE:
            event = self.host_keys.in_app_words(event)
        self.main.post_message(Incoming(event))
        if isinstance(event, ConnectionEvent) and event.state is ConnectionState.UNREACHABLE:
            self.host_keys.refused(event.host)

    def feed(self, *events: Event) -> None:
        """Route events straight to the main screen (recorded events, tests, screenshots)."""
        for event in events:
            self.main.apply(event)

    def _tick(self) -> None:
        try:
            self.main.tick()
        except NoMatches:  # the screen is being torn down as the app exits
            return
        if self.host_keys.queue.waiting:  # a dialog or screen in the way may be gone now
            self.host_keys.ask_next()
        # refreshing bindings recomputes every shown key: only when one of them changed
        state = tuple(self.check_action(a, ()) for a in (*KINDS, "refresh"))
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def action_trust_key(self) -> None:
        """A declined key asked about again (a no is not final: the presenter may have erred)."""
        if not self.host_keys.ask_again():
            self.say("No declined host key to ask about again.")
            return
        self.refresh_bindings()

    # --- what can run now ---------------------------------------------------------------

    def why_not(self, kind: ActionKind, target: str | None = None) -> str | None:
        if self.engine is None:
            return NO_ENGINE
        if any(w.group == "action" and w.is_running for w in self.workers):
            return "an action is already running: wait for its result"
        # for a migration without a target the engine answers whether any host could take it
        return self.engine.why_not(kind, target)

    def _other_hosts(self) -> list[str]:
        source = self.engine.guest_host() if self.engine is not None else None
        return [h.name for h in self.config.hosts if h.name != source]

    def why_disabled(self, action: str) -> str | None:
        """Why the app's ``action`` cannot run now (None: it can): the one source of truth that
        dims its key (``check_action``) and is said when the key is pressed (``run_action``)."""
        if action in KINDS:
            return self.why_not(KINDS[action])
        if action == "refresh" and self.engine is None:
            return NO_ENGINE
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "trust_key":  # shown only while a declined key can be asked about again
            return bool(self.host_keys.queue.declined)
        return None if self.why_disabled(action) else True

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Textual's route for a key's binding and a palette command. Textual runs no action
        that ``check_action`` disables (``App._check_bindings`` goes on to the next binding of
        the key, then to ``key_`` methods: none), so a dimmed key would do nothing; the app's
        own actions say why instead. ``*args``: Textual 7 added ``namespaces``, 5-6 lack it."""
        if await super().run_action(action, default_namespace, *args, **kwargs):
            return True
        if (
            isinstance(action, str)
            and default_namespace in (None, self)
            and (self.why_disabled(action))
        ):
            self.action_refuse(action)
            return True
        return False

    def say(self, message: str, severity: SeverityLevel = "information", **kw: Any) -> None:
        """A notification whose text may hold a host's words: inert, never markup or escapes."""
        self.notify(printable(message, newlines=True), severity=severity, markup=False, **kw)

    def action_refuse(self, action: str) -> None:
        """Reached only when the action is disabled (see `run_action`): say why, not nothing."""
        reason = self.why_disabled(action) or "it cannot run right now"
        if SETUP_HINTS.search(reason):  # a lab not set up yet: the checklist says what to do
            reason += " - press w for the setup checklist"
        self.say(f"Cannot {action}: {reason}", "warning")

    def _attempt(self, action: str) -> None:
        """Run an action by name the way a key would, refusing in words (command palette)."""
        self.call_later(self.run_action, action)

    # --- actions ------------------------------------------------------------------------

    def action_pause(self) -> None:
        self._run_action(ActionKind.PAUSE)

    def action_unpause(self) -> None:
        self._run_action(ActionKind.UNPAUSE)

    def action_migrate(self) -> None:
        assert self.engine is not None  # check_action refuses without an engine
        source = self.engine.guest_host() or "?"
        targets = [(h, self.engine.why_not(ActionKind.MIGRATE, h)) for h in self._other_hosts()]
        dialog = MigrateDialog(self.config.guest.name, source, targets)
        self.push_screen(dialog, self._migrate_chosen)

    def _migrate_chosen(self, choice: MigrateChoice | None) -> None:
        if choice is None:
            return
        if reason := self.why_not(ActionKind.MIGRATE, choice.target):
            self.say(f"Cannot migrate: {reason}", "warning")
            return
        self._run_action(ActionKind.MIGRATE, choice.target, choice.live)

    @work(group="action", exit_on_error=False)
    async def _run_action(
        self, kind: ActionKind, target: str | None = None, live: bool = True
    ) -> None:
        assert self.engine is not None
        self.refresh_bindings()
        try:
            if kind is ActionKind.PAUSE:
                result = await self.engine.pause()
            elif kind is ActionKind.UNPAUSE:
                result = await self.engine.unpause()
            else:
                assert target is not None
                result = await self.engine.migrate(target, live=live)
        except Exception as exc:  # the app must survive any engine failure, and say it
            self.say(f"{kind.value} failed: {exc}", "error")
            return
        finally:
            self.call_later(self.refresh_bindings)
        if result.ok is False:
            # a lost migration is not a failed one: its words already say "lost: ..."
            said = result.message or "no message"
            verb = "" if said.startswith("lost: ") else "failed: "
            self.say(f"{kind.value} {verb}{said}", "error", timeout=10)

    def action_refresh(self) -> None:
        self._refresh()

    @work(group="refresh", exclusive=True, exit_on_error=False)
    async def _refresh(self) -> None:
        if self.engine is None:
            self.say(NO_ENGINE)
            return
        self.say("Polling every host now", timeout=2)  # seen at once: the lists follow
        try:
            await self.engine.refresh()
        except Exception as exc:
            self.say(f"refresh failed: {exc}", "error")

    def action_setup(self) -> None:
        from xentui.tui.setup_screen import SetupScreen  # setup/ loads when first opened

        self.push_screen(SetupScreen(self.config))

    def action_help(self) -> None:
        # composed once and kept: opening it again costs a paint, not a compose and a restyle
        if not self.is_screen_installed("help"):
            keys = help_lines(self, self.keymap)
            keys.append(("ctrl+c / ctrl+q", "quit (ctrl+c asks first mid-migration, as q)"))
            key = key_of(self, self.keymap, "setup")
            help_key = key_of(self, self.keymap, "help")
            self.install_screen(HelpScreen(keys, setup_key=key, help_key=help_key), "help")
        self.push_screen("help")

    async def action_quit(self) -> None:
        if not self.main.migration_running:
            self.exit()
            return
        question = Text.assemble(
            "A migration of ", plain(self.config.guest.name, "bold"), " is running. Quit anyway?"
        )
        self.push_screen(Confirm(question), self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel repeats our Help, and Esc does not close it: left out; its
        # "Quit" (Textual 7+) gives way to ours, which asks first mid-migration as q does
        yield from (c for c in super().get_system_commands(screen) if c.title not in OWN)
        for binding in APP_BINDINGS:
            if binding.show and binding.id is not None:
                action, key = binding.action, key_of(self, self.keymap, binding.id)
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} · key {key}",
                    lambda a=action: self._attempt(a),
                )
