"""The one thing the layers above need from a host: run an argv, get a CommandResult."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from xentui.model import CommandResult


class HostUnreachable(Exception):
    """The host could not be reached or the connection broke; ``reason`` is in words."""

    def __init__(self, host: str, reason: str) -> None:
        self.host, self.reason = host, reason
        super().__init__(f"{host}: {reason}")


class Runner(Protocol):
    """Runs commands on one host. Implementations quote every argv element themselves."""

    host: str

    async def connect(self) -> None:
        """Open the connection now (runners also connect on first use)."""
        ...

    async def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        input: str | None = None,
        on_start: Callable[[float], None] | None = None,
    ) -> CommandResult:
        """Run argv; a non-zero exit is a result, an unreachable host raises HostUnreachable.

        ``on_start`` gets the monotonic time the command actually started on the host (after
        any wait for a free channel), so a timeline can tell queueing from running.
        """
        ...

    async def close(self) -> None: ...
