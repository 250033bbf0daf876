"""New host keys put to the presenter: one dialog at a time, never over another screen.

Kept out of the app class: it is a conversation of its own (offer, ask, answer, ask again) that
needs only the engine's pending keys and a way to show a dialog and a line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from xentui.model import ConnectionEvent
from xentui.remote.errors import HostKeyRejected
from xentui.tui.screens.trust_key import NewHostKey, TrustHostKey
from xentui.tui.trust_queue import TrustQueue

if TYPE_CHECKING:
    from xentui.tui.app import XentuiApp


class HostKeyPrompts:
    """Asks about each new host key once; a declined key is asked again on ``t``."""

    def __init__(self, app: XentuiApp) -> None:
        self.app = app
        self.queue = TrustQueue()

    def _pending(self, host: str) -> HostKeyRejected | None:
        engine = self.app.engine
        return engine.unknown_host_key(host) if engine is not None else None

    def refused(self, host: str) -> None:
        """A host refused for a key never seen (a changed key is never offered): ask, once."""
        pending = self._pending(host)
        if pending is None:
            return
        ssh = self.app.config.host(host).ssh
        address = ssh.destination if ssh.port in (None, 22) else f"{ssh.destination}:{ssh.port}"
        key = NewHostKey(host, address, pending.key_type, pending.fingerprint, pending.known_hosts)
        if self.queue.offer(key):
            self.app.call_later(self.ask_next)

    def in_app_words(self, event: ConnectionEvent) -> ConnectionEvent:
        """A new key's refusal as the app handles it: its dialog, or `t`, never a flag to type."""
        if self._pending(event.host) is None:
            return event
        said = event.reason.split("; check it")[0]
        then = "declined: t asks again" if event.host in self.queue.declined else "asking"
        return replace(event, reason=f"{said}; {then}")

    def ask_again(self) -> bool:
        """Every declined key asked about once more (a no is not final: the presenter may
        have erred); False when none was declined."""
        if not self.queue.ask_again():
            return False
        self.app.call_later(self.ask_next)
        return True

    def _fingerprint(self, host: str) -> str | None:
        pending = self._pending(host)
        return pending.fingerprint if pending is not None else None

    def ask_next(self) -> None:
        # never over another dialog, the help or the setup screen: the app's tick asks again
        if self.app.screen is not self.app.main:
            return
        key = self.queue.next(self._fingerprint)
        if key is not None:
            self.app.push_screen(TrustHostKey(key), lambda yes: self._answered(key, yes))

    def _answered(self, key: NewHostKey, yes: bool | None) -> None:
        engine = self.app.engine
        if yes and engine is not None:
            engine.trust_host_key(key.host, key.fingerprint)
            self.app.say(f"Trusting {key.host}'s {key.key_type} key {key.fingerprint}: connecting")
        else:
            self.queue.decline(key)
            self.app.say(
                f"{key.host} stays unreachable: its new host key was not trusted", "warning"
            )
        self.app.refresh_bindings()
        self.app.call_later(self.ask_next)
