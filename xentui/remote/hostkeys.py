"""Host keys as an SSH user expects: unknown or changed keys refused, new ones trusted on request.

asyncssh checks the keys of the files xentui chose (trust.py) and asks the client object only
about a key they lack; we answer there, remembering the key so the refusal can name its SHA256
fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncssh

from xentui.remote.errors import HostKeyRejected
from xentui.remote.trust import CONFIG, TrustSources


@dataclass
class KeySeen:
    """The untrusted key the server presented (its host, fingerprint, and whether it changed)."""

    host: str
    port: int
    fingerprint: str
    changed: bool
    key_type: str = ""


def known_hosts_entry(host: str, port: int, key: asyncssh.SSHKey) -> str:
    """One known_hosts line in OpenSSH's own form (``[host]:port`` off port 22)."""
    name = host if port == 22 else f"[{host}]:{port}"
    return f"{name} {key.export_public_key('openssh').decode().strip()}\n"


def _has_entry(known: asyncssh.SSHKnownHosts, host: str, addr: str, port: int) -> bool:
    """Whether the trusted files hold another key (or a CA) for this host: the key changed."""
    trusted = known.match(host, addr, port if port != 22 else None)
    return bool(trusted[0] or trusted[1])


class CheckingClient(asyncssh.SSHClient):
    """Decides about host keys that the trusted files (``sources``, loaded as ``known``) lack."""

    def __init__(
        self,
        sources: TrustSources,
        known: asyncssh.SSHKnownHosts,
        *,
        trust_new: bool,
        trust_only: str | None = None,
    ) -> None:
        """``trust_only``: trust a new key only if it has this fingerprint (the one shown)."""
        self._sources = sources
        self._known = known
        self._trust_new = trust_new
        self._trust_only = trust_only
        self.seen: KeySeen | None = None

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        changed = _has_entry(self._known, host, addr, port)
        fingerprint = key.get_fingerprint("sha256")
        self.seen = KeySeen(host, port, fingerprint, changed, key_type=key.get_algorithm())
        chosen = self._trust_new or fingerprint == self._trust_only
        path = self._sources.write_to
        # a key trusted but recorded nowhere would be asked about again on every connection
        if changed or not chosen or path is None:
            return False
        # trusting is an explicit choice: the key goes where the next connection will look
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with path.open("a", encoding="ascii") as fh:
            fh.write(known_hosts_entry(host, port, key))
        return True


def rejection(name: str, seen: KeySeen, sources: TrustSources) -> HostKeyRejected:
    """The refusal in words: which host, which key, and what the presenter can do about it."""
    path = sources.write_to
    where = str(path) if path is not None else "known_hosts"
    target = seen.host if seen.port == 22 else f"[{seen.host}]:{seen.port}"
    if seen.changed:
        reason = (
            f"host key for {target} CHANGED: server offers {seen.fingerprint}, which does not "
            f"match {where}: someone may be intercepting the connection (a man-in-the-middle), "
            f"or the host was reinstalled; only if you know it was, remove the old line "
            f"(ssh-keygen -R '{target}' -f {where})"
        )
    elif path is None:
        reason = (
            f"host key for {target} is unknown: server offers {seen.fingerprint}, and no file "
            f"records new keys ({sources.origin}); check it, then name a file for this host "
            f"with the lab file's known_hosts key (or UserKnownHostsFile) and trust it there"
        )
    else:
        reason = (
            f"host key for {target} is unknown: server offers {seen.fingerprint}; "
            f"check it, then trust it (--trust-new-host-keys appends it to {where})"
        )
    if sources.ignored:
        reason += f" ({sources.ignored} in {CONFIG} ignored: xentui checks every host key)"
    return HostKeyRejected(
        name,
        reason,
        fingerprint=seen.fingerprint,
        changed=seen.changed,
        key_type=seen.key_type,
        known_hosts=str(path) if path is not None else "",
    )
