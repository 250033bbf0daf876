"""Running commands on hosts: over one long-lived SSH connection each, or locally on dom0."""

from __future__ import annotations

import time
from collections.abc import Callable

from xentui.config import HostConfig
from xentui.remote.base import HostUnreachable, Runner
from xentui.remote.errors import AuthFailed, HostKeyRejected, NegotiationFailed

__all__ = [
    "AuthFailed",
    "HostKeyRejected",
    "HostUnreachable",
    "NegotiationFailed",
    "Runner",
    "make_runner",
    "open_runner",
]


def make_runner(
    host: HostConfig,
    *,
    trust_new_host_keys: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> Runner:
    """A runner for the host's transport, not yet connected (it connects on first use)."""
    if host.transport == "local":
        from xentui.remote.local import LocalRunner

        return LocalRunner(host, clock=clock)
    if host.transport == "ssh":
        from xentui.remote.ssh import SshRunner

        return SshRunner(host, trust_new_host_keys=trust_new_host_keys, clock=clock)
    raise ValueError(f"{host.name}: unknown transport {host.transport!r} (expected ssh or local)")


async def open_runner(host: HostConfig, *, trust_new_host_keys: bool = False) -> Runner:
    """A connected runner; raises HostUnreachable (or a subclass) with the reason in words."""
    runner = make_runner(host, trust_new_host_keys=trust_new_host_keys)
    try:
        await runner.connect()
    except BaseException:
        await runner.close()
        raise
    return runner
