"""Host keys as an SSH user expects: unknown or changed keys refused, new ones trusted on request.

asyncssh checks the known_hosts files itself and asks the client object only about a key it does
not trust; we answer there, remembering the key so the refusal can name its SHA256 fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from xentui.remote.errors import HostKeyRejected


@dataclass
class KeySeen:
    """The untrusted key the server presented, and whether we accepted it."""

    host: str
    port: int
    fingerprint: str
    changed: bool
    trusted_now: bool = False
    key_type: str = ""


def known_hosts_entry(host: str, port: int, key: asyncssh.SSHKey) -> str:
    """One known_hosts line in OpenSSH's own form (``[host]:port`` off port 22)."""
    name = host if port == 22 else f"[{host}]:{port}"
    return f"{name} {key.export_public_key('openssh').decode().strip()}\n"


def _has_entry(files: Sequence[Path], host: str, addr: str, port: int) -> bool:
    for path in files:
        if not path.is_file():
            continue
        try:
            trusted = asyncssh.read_known_hosts(str(path)).match(
                host, addr, port if port != 22 else None
            )
        except (OSError, ValueError):
            continue
        if trusted[0] or trusted[1]:
            return True
    return False


class CheckingClient(asyncssh.SSHClient):
    """Decides about host keys that the known_hosts files do not already trust."""

    def __init__(
        self, known_hosts: Sequence[Path], *, trust_new: bool, trust_only: str | None = None
    ) -> None:
        """``trust_only``: trust a new key only if it has this fingerprint (the one shown)."""
        self._files = list(known_hosts)
        self._trust_new = trust_new
        self._trust_only = trust_only
        self.seen: KeySeen | None = None

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        changed = _has_entry(self._files, host, addr, port)
        fingerprint = key.get_fingerprint("sha256")
        self.seen = KeySeen(host, port, fingerprint, changed, key_type=key.get_algorithm())
        chosen = self._trust_new or fingerprint == self._trust_only
        if changed or not chosen or not self._files:
            return False
        path = self._files[0]
        # trusting is an explicit choice: the key goes where the next connection will look
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with path.open("a", encoding="ascii") as fh:
            fh.write(known_hosts_entry(host, port, key))
        self.seen.trusted_now = True
        return True


def rejection(name: str, seen: KeySeen, files: Sequence[Path]) -> HostKeyRejected:
    """The refusal in words: which host, which key, and what the presenter can do about it."""
    where = str(files[0]) if files else "known_hosts"
    target = seen.host if seen.port == 22 else f"[{seen.host}]:{seen.port}"
    if seen.changed:
        reason = (
            f"host key for {target} CHANGED: server offers {seen.fingerprint}, which does not "
            f"match {where}: someone may be intercepting the connection (a man-in-the-middle), "
            f"or the host was reinstalled; only if you know it was, remove the old line "
            f"(ssh-keygen -R '{target}' -f {where})"
        )
    else:
        reason = (
            f"host key for {target} is unknown: server offers {seen.fingerprint}; "
            f"check it, then trust it (--trust-new-host-keys appends it to {where})"
        )
    return HostKeyRejected(
        name,
        reason,
        fingerprint=seen.fingerprint,
        changed=seen.changed,
        key_type=seen.key_type,
        known_hosts=str(files[0]) if files else "",
    )


def known_hosts_files(option: object) -> list[Path]:
    """The files asyncssh will read, from its ``known_hosts`` option (empty = the default file)."""
    if option is None:
        return []  # UserKnownHostsFile none: the user turned checking off
    if not option:
        return [Path("~/.ssh/known_hosts").expanduser()]
    if isinstance(option, (str, Path)):
        return [Path(option).expanduser()]
    if isinstance(option, (list, tuple)):
        return [Path(p).expanduser() for p in option if isinstance(p, (str, Path))]
    return []
