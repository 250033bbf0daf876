"""The engine's hosts as the parts read them: each host's poller and runner, and the guest.

One object the refusal policy, the action runner and the job watch share, so none of them
needs the whole engine: they ask where the guest runs, who answers, and which tool to speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from xentui.model import ConnectionEvent, ConnectionState, HostSnapshot, MigrationRole
from xentui.remote import HostKeyRejected

if TYPE_CHECKING:
    from xentui.control.poller import HostPoller
    from xentui.remote.base import Runner
    from xentui.toolstack.base import Toolstack


class Hosts:
    """A view over the engine's pollers and runners (the dicts the engine fills as it starts)."""

    def __init__(
        self, guest: str, pollers: Mapping[str, HostPoller], runners: Mapping[str, Runner]
    ) -> None:
        self.guest = guest
        self.pollers, self.runners = pollers, runners

    def names(self) -> list[str]:
        return list(self.pollers)

    def runner(self, host: str) -> Runner:
        return self.runners[host]

    def toolstack(self, host: str) -> Toolstack:
        return self.pollers[host].toolstack

    @property
    def snapshots(self) -> Mapping[str, HostSnapshot]:
        return {n: p.snapshot for n, p in self.pollers.items() if p.snapshot is not None}

    @property
    def connections(self) -> Mapping[str, ConnectionEvent]:
        return {n: p.connection for n, p in self.pollers.items() if p.connection is not None}

    def reachable(self, host: str) -> bool:
        conn = self.connections.get(host)
        return conn is not None and conn.state is ConnectionState.CONNECTED

    def down_reason(self, host: str) -> str:
        conn = self.pollers[host].connection
        return (conn.reason if conn is not None else "") or "unreachable"

    def guest_host(self) -> str | None:
        """Where the guest is now: mid-migration, the source (it runs there until the switch)."""
        seen = [
            (name, d)
            for name, snap in self.snapshots.items()
            if (d := snap.find(self.guest)) is not None and d.active
        ]
        if not seen:
            return None
        for role in (MigrationRole.OUTGOING, None):
            for name, d in seen:
                if d.migration is role:
                    return name
        return seen[0][0]

    @property
    def errors(self) -> Mapping[str, str | None]:
        """Per host: the last list problem, or the reason it is unreachable; None when fine."""
        out: dict[str, str | None] = {}
        for name, p in self.pollers.items():
            conn = p.connection
            down = conn is not None and conn.state is ConnectionState.UNREACHABLE
            out[name] = conn.reason if down and conn is not None else p.error
        return out

    def unknown_host_key(self, host: str) -> HostKeyRejected | None:
        """The unknown (not changed) host key that keeps ``host`` out, for a trust dialog.

        None when no file could record it (known_hosts none or /dev/null): a yes could not be
        kept, and the refusal itself says where the key can go.
        """
        poller = self.pollers.get(host)
        failure = poller.failure if poller is not None else None
        if isinstance(failure, HostKeyRejected) and not failure.changed and failure.known_hosts:
            return failure
        return None

    def trust_host_key(self, host: str, fingerprint: str | None = None) -> None:
        """The presenter checked the fingerprint: accept that host's new key on the next try.

        Only the key with ``fingerprint`` (default: the unknown one refused last) is trusted:
        if the host offers another by then, it is refused and asked about anew.
        """
        pending = self.unknown_host_key(host)
        fingerprint = fingerprint or (pending.fingerprint if pending is not None else None)
        runner = self.runners.get(host)
        if fingerprint and runner is not None and hasattr(runner, "trust_key"):
            runner.trust_key = fingerprint
            self.pollers[host].poke()
