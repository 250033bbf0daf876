"""Trust a host's new SSH key: the host, the key type and its fingerprint, asked as yes or no."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding

from xentui.tui.format import plain
from xentui.tui.screens.confirm import Confirm


@dataclass(frozen=True, slots=True)
class NewHostKey:
    """What the dialog shows; every field came from the host or the lab file: data, not markup."""

    host: str
    address: str
    key_type: str
    fingerprint: str
    known_hosts: str


def question(key: NewHostKey) -> Text:
    """The dialog's words: what is new, what to compare, and where a yes writes the key."""
    text = Text.assemble(
        plain(key.host, "bold"), " (", plain(key.address), ") offers a host key never seen before."
    )
    text.append("\n\n")
    text.append_text(Text.assemble("  key type     ", plain(key.key_type or "unknown", "bold")))
    text.append("\n")
    text.append_text(Text.assemble("  fingerprint  ", plain(key.fingerprint, "bold")))
    text.append("\n\n")
    text.append("Compare it with the host's own (ssh-keygen -lf on its host key). Trust it")
    if key.known_hosts:
        text.append_text(Text.assemble(" and record it in ", plain(key.known_hosts)))
    text.append("?")
    return text


class TrustHostKey(Confirm):
    """Enter or ``y`` trusts the key shown; ``n`` or Esc leaves the host unreachable."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("y,enter", "answer(True)", "Trust", id="trust.yes"),
        Binding("n,escape", "answer(False)", "Decline", id="trust.no"),
    ]
    KEYS_HINT = "Enter / y trust and record · n / Esc decline"

    def __init__(self, key: NewHostKey) -> None:
        super().__init__(
            question(key), head=Text("New host key", style="bold"), id=None, classes="trust-key"
        )
        self.key = key
