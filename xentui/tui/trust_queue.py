"""New host keys waiting for the presenter: each asked about once, one dialog at a time."""

from __future__ import annotations

from collections.abc import Callable

from xentui.tui.screens.trust_key import NewHostKey


class TrustQueue:
    """Remembers which (host, fingerprint) pairs were asked about, and which wait for a dialog.

    A host retries every few seconds while its key is unknown: each retry reports the same key,
    and only the first report may become a dialog.
    """

    def __init__(self) -> None:
        self._asked: set[tuple[str, str]] = set()
        self._waiting: dict[str, NewHostKey] = {}
        self.declined: dict[str, NewHostKey] = {}
        """Keys the presenter said no to, by host: ``t`` asks about them again."""

    def offer(self, key: NewHostKey) -> bool:
        """Queue a key not asked about before (a newer key replaces a host's older one)."""
        pair = (key.host, key.fingerprint)
        if pair in self._asked:
            return False
        self._asked.add(pair)
        self._waiting[key.host] = key
        return True

    def decline(self, key: NewHostKey) -> None:
        self.declined[key.host] = key

    def ask_again(self) -> list[NewHostKey]:
        """Queue every declined key once more (a no is not final): the hosts asked about."""
        again = list(self.declined.values())
        self.declined.clear()
        for key in again:
            self._waiting[key.host] = key
        return again

    @property
    def waiting(self) -> bool:
        return bool(self._waiting)

    def next(self, pending: Callable[[str], str | None]) -> NewHostKey | None:
        """The oldest key still refused now; ``pending(host)`` gives the fingerprint refused."""
        while self._waiting:
            host = next(iter(self._waiting))
            key = self._waiting.pop(host)
            if pending(host) == key.fingerprint:
                self.declined.pop(host, None)
                return key
            # trusted meanwhile, connected, or a newer key is refused: that one gets its own turn
        return None
