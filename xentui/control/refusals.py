"""Whether an action can run now, in words: the key's dimmed state and the dialog's reasons."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from xentui.model import ActionKind, DomainState, HostSnapshot

if TYPE_CHECKING:
    from xentui.config import LabConfig


class HostsState(Protocol):
    """What the rules read of the hosts (``control.hosts.Hosts`` in the engine)."""

    guest: str

    def names(self) -> list[str]: ...
    def guest_host(self) -> str | None: ...
    def reachable(self, host: str) -> bool: ...
    @property
    def snapshots(self) -> Mapping[str, HostSnapshot]: ...


class RefusalPolicy:
    """The rules, over the hosts as they were last seen and the actions still running.

    ``busy`` is the action runner's own dict (guest -> what runs and since when), read live.
    """

    def __init__(
        self,
        config: LabConfig,
        hosts: HostsState,
        busy: Mapping[str, tuple[ActionKind, float]],
        clock: Callable[[], float],
    ) -> None:
        self.config, self.hosts, self.busy, self.clock = config, hosts, busy, clock

    def why_not(self, kind: ActionKind, target: str | None = None) -> str | None:
        """Why this action cannot run now, in words; None when it can.

        For a migration, ``target=None`` asks whether the guest could go anywhere (the key's
        state); a host name asks about that host (the dialog's list).
        """
        g, hosts = self.hosts.guest, self.hosts
        if g in self.busy:
            running, since = self.busy[g]
            return f"a {running.value} of {g} is still running ({self.clock() - since:.1f} s)"
        host = hosts.guest_host()
        if host is None:
            return f"{g} is not running on any reachable host"
        if not hosts.reachable(host):
            return f"{host} is unreachable"
        dom = hosts.snapshots[host].find(g)
        if dom is not None and dom.migration is not None:
            return f"{g} is in a migration on {host} ({dom.name})"
        paused = dom is not None and dom.state is DomainState.PAUSED
        if kind is ActionKind.PAUSE and paused:
            return f"{g} is already paused on {host}"
        if kind is ActionKind.UNPAUSE and not paused:
            return f"{g} is not paused on {host}"
        if kind is ActionKind.MIGRATE:
            return self._why_not_to(host, target)
        return None

    def _why_not_to(self, source: str, target: str | None) -> str | None:
        """Why the guest cannot go to ``target``; with None, to any host at all."""
        g, names = self.hosts.guest, self.hosts.names()
        if target is None:
            others = [h for h in names if h != source]
            if not others:
                return f"there is no host but {source} in the lab file"
            fits = [h for h in others if self._apart(source, h) is None]
            if not fits:
                if len(others) == 1:
                    return self._apart(source, others[0])
                return f"{source} runs {self._stack(source)} and no other host does"
            others = fits
            down = [h for h in others if not self.hosts.reachable(h)]
            if len(down) < len(others):
                return None
            if len(down) == 1:
                return f"{down[0]} is unreachable"
            return f"every other host is unreachable ({', '.join(down)})"
        if target not in names:
            return f"no host named {target!r} in the lab file"
        if target == source:
            return f"{g} is already on {target}"
        if not self.hosts.reachable(target):
            return f"{target} is unreachable"
        return self._apart(source, target)

    def _stack(self, host: str) -> str:
        try:
            return self.config.host(host).toolstack
        except KeyError:
            return "?"

    def _apart(self, source: str, target: str) -> str | None:
        """Why these two cannot migrate between them at all, whatever their state, or None.

        xm sends to the target's xend on its relocation port; xl runs ``xl migrate-receive``
        on the target over ssh: an xl host has no xend listening, an xm host has no xl.
        """
        a, b = self._stack(source), self._stack(target)
        if {a, b} == {"xm", "xl"}:
            return f"{source} runs {a} and {target} runs {b}: they cannot migrate to each other"
        return None
