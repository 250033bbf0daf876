"""The machines a setup run talks to: one runner per host (and the guest), opened once, shared.

Checks run concurrently, so a runner is opened under a per-machine lock, and a machine that could
not be reached is remembered for the rest of the run: the other checks say "unreachable" at once
instead of each waiting out its own connect timeout.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Sequence

from xentui.config import HostConfig, LabConfig
from xentui.model import CommandResult
from xentui.remote.base import HostUnreachable, Runner
from xentui.setup.results import Finding, Status

OpenRunner = Callable[[HostConfig], Awaitable[Runner]]
COMMAND_TIMEOUT_S = 15.0
GUEST = "guest"


async def _default_open(host: HostConfig) -> Runner:
    from xentui.remote import open_runner

    return await open_runner(host)


class NoGuestShell(Exception):
    """The lab file names no SSH destination for the guest."""


class Context:
    """Runners for the lab file's machines, plus what a check needs to know about names."""

    def __init__(self, config: LabConfig, *, open_runner: OpenRunner | None = None) -> None:
        self.config = config
        self._open = open_runner or _default_open
        self._runners: dict[str, Runner] = {}
        self._failed: dict[str, HostUnreachable] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def hosts(self) -> tuple[HostConfig, ...]:
        return self.config.hosts

    @property
    def first(self) -> HostConfig:
        """The host the guest starts on and that exports the storage (the seed's xen_host_1)."""
        return self.config.hosts[0]

    @property
    def others(self) -> tuple[HostConfig, ...]:
        return self.config.hosts[1:]

    def alone(self) -> list[Finding]:
        """The finding for a check that needs a second host when the lab file has one."""
        if self.others:
            return []
        why = "the lab file has only this host: there is nowhere to migrate to"
        return [Finding(self.first.name, Status.FAILED, why)]

    @staticmethod
    def names_of(host: HostConfig) -> list[str]:
        """Every name a peer might know ``host`` by: its name, migration name and address.

        A loopback address is how xentui reaches the host (a tunnel, the lab), never how
        another host sees it, so it is left out.
        """
        out: list[str] = []
        for name in (host.name, host.migrate_address, host.ssh.address):
            if name and name not in out and not _loopback(name):
                out.append(name)
        return out

    def guest_host(self) -> HostConfig | None:
        ssh = self.config.guest.ssh
        return None if ssh is None else HostConfig(ssh=ssh, toolstack="none")

    def forget_failures(self) -> None:
        """Before a re-run: try the unreachable machines again."""
        self._failed.clear()

    async def runner(self, name: str) -> Runner:
        if name in self._runners:
            return self._runners[name]
        if name in self._failed:
            raise self._failed[name]
        host = self.guest_host() if name == GUEST else self.config.host(name)
        if host is None:
            raise NoGuestShell(name)
        async with self._locks.setdefault(name, asyncio.Lock()):
            if name in self._runners:
                return self._runners[name]
            if name in self._failed:
                raise self._failed[name]
            try:
                runner = await self._open(host)
            except HostUnreachable as exc:
                self._failed[name] = exc
                raise
            except (OSError, TimeoutError, ValueError) as exc:
                self._failed[name] = HostUnreachable(name, str(exc) or type(exc).__name__)
                raise self._failed[name] from exc
            self._runners[name] = runner
            return runner

    async def run(
        self,
        name: str,
        argv: Sequence[str],
        *,
        input: str | None = None,
        timeout: float = COMMAND_TIMEOUT_S,
    ) -> CommandResult:
        runner = await self.runner(name)
        return await runner.run(list(argv), timeout=timeout, input=input)

    async def read_file(self, name: str, path: str, *, exact: bool = False) -> str | None:
        """The file's text, or None when it does not exist; other failures raise FileUnreadable.

        ``exact``: for a fix about to overwrite it, the text must be the file itself, so a file
        past the output cap or not UTF-8 is refused; a check reads it as well as it can.
        """
        result = await self.run(name, ["cat", path])
        if exact and result.ok and result.truncated:  # a fix would write back the cut copy
            raise FileUnreadable(f"{path} on {name} is larger than xentui reads (1 MiB)")
        if exact and result.ok and result.stdout_not_utf8:  # it would write U+FFFD for its bytes
            raise FileUnreadable(
                f"{path} on {name} is not UTF-8 text: xentui will not rewrite it; edit it by hand"
            )
        if result.ok:
            return result.stdout
        if "No such file" in result.output:
            return None
        raise FileUnreadable(f"cat {path} on {name}: {result.output or 'no output'}")

    async def close(self) -> None:
        runners, self._runners = list(self._runners.values()), {}
        await asyncio.gather(*(r.close() for r in runners), return_exceptions=True)


def _loopback(name: str) -> bool:
    if name.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


class FileUnreadable(Exception):
    """A file exists (or may) but could not be read: the reason is the tool's own words."""
