"""Why a host could not be reached, in words a presenter can act on, with the setting to fix it."""

from __future__ import annotations

import asyncio
import re
import socket

import asyncssh

from xentui.remote.base import HostUnreachable


class HostKeyRejected(HostUnreachable):
    """The server's host key is unknown or differs from the one on record; nothing was sent."""

    def __init__(
        self,
        host: str,
        reason: str,
        *,
        fingerprint: str,
        changed: bool,
        key_type: str = "",
        known_hosts: str = "",
    ) -> None:
        self.fingerprint, self.changed = fingerprint, changed
        self.key_type = key_type
        """The key's algorithm as SSH names it (``ssh-ed25519``), for a trust dialog."""
        self.known_hosts = known_hosts
        """The file a trusted key is appended to ("" when none can take it: none, /dev/null)."""
        super().__init__(host, reason)


class AuthFailed(HostUnreachable):
    """The server refused every credential offered."""


class NegotiationFailed(HostUnreachable):
    """Client and server share no algorithm of one kind (key exchange, host key, cipher, MAC)."""


# asyncssh: "No matching key exchange algorithm found, sent A,B and received C,D"
_NO_MATCH = re.compile(
    r"No matching (?P<kind>.+?) algorithm found, sent (?P<sent>\S*) and received (?P<recv>\S*)"
)

# which lab-file key and ~/.ssh/config keyword widen each kind of algorithm
_FIX: dict[str, tuple[str, str]] = {
    "key exchange": ("kex_algorithms", "KexAlgorithms"),
    "server host key": ("host_key_algorithms", "HostKeyAlgorithms"),
    "host key": ("host_key_algorithms", "HostKeyAlgorithms"),
}


def _supported(kind: str) -> set[str]:
    from asyncssh.kex import get_kex_algs
    from asyncssh.public_key import get_public_key_algs

    if "key exchange" in kind:
        return {a.decode() for a in get_kex_algs()}
    if "host key" in kind:
        return {a.decode() for a in get_public_key_algs()}
    return set()


def explain_negotiation(host: str, text: str) -> str:
    """Turn asyncssh's 'No matching ... found' into a sentence with the setting to add."""
    m = _NO_MATCH.search(text)
    if not m:
        return f"algorithm negotiation with {host} failed: {text}"
    kind = m["kind"]
    offered = [a for a in m["recv"].split(",") if a and a != "<None>"]
    usable = [a for a in offered if a in _supported(kind)] or offered
    fix = _FIX.get(kind)
    said = f"{host} offers only these {kind} algorithms: {', '.join(offered) or 'none'}"
    if fix is None or not usable:
        return f"no common {kind} algorithm with {host}: {said}"
    lab_key, ssh_key = fix
    return (
        f"no common {kind} algorithm with {host}: {said}; to allow one, set "
        f'{lab_key} = ["{usable[0]}"] for this host in the lab file, '
        f"or '{ssh_key} +{usable[0]}' under 'Host {host}' in ~/.ssh/config"
    )


def explain(host: str, exc: BaseException, *, where: str = "") -> HostUnreachable:
    """One HostUnreachable (or subclass) whose reason says what went wrong and where."""
    at = f" ({where})" if where else ""
    if isinstance(exc, HostUnreachable):
        return exc
    if isinstance(exc, asyncssh.KeyExchangeFailed) or "No matching" in str(exc):
        return NegotiationFailed(host, explain_negotiation(host, str(exc)))
    if isinstance(exc, asyncssh.PermissionDenied):
        return AuthFailed(
            host,
            f"authentication failed{at}: the server refused every key offered "
            "(check identity_file / IdentityFile, the agent, and the user name)",
        )
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return HostUnreachable(host, f"host key not verified{at}: {exc}")
    if isinstance(exc, ConnectionRefusedError):
        return HostUnreachable(host, f"connection refused{at}: is sshd running there?")
    if isinstance(exc, socket.gaierror):
        return HostUnreachable(host, f"cannot resolve the host name{at}: {exc.strerror}")
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return HostUnreachable(host, f"no answer{at}: timed out")
    if isinstance(exc, asyncssh.ConnectionLost):
        return HostUnreachable(host, f"connection lost{at}: {exc.reason or 'closed by peer'}")
    if isinstance(exc, asyncssh.DisconnectError):
        return HostUnreachable(host, f"disconnected{at}: {exc.reason}")
    if isinstance(exc, OSError):
        return HostUnreachable(host, f"{exc.strerror or exc}{at}")
    return HostUnreachable(host, f"{type(exc).__name__}: {exc}{at}")
