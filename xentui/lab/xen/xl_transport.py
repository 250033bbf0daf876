"""xl's migration transport: `ssh TARGET xl migrate-receive`, a real SSH session between hosts.

xl has no relocation server (tools/xl/xl_migrate.c): the source runs the rune ``exec ssh TARGET xl
migrate-receive`` and the domain's bytes go through that session. Here the source host opens a
real asyncssh session from its own loopback address to the target's sshd, and the target's
``xl migrate-receive`` writes xl's banner and takes the pages on its stdin.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shlex
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import asyncssh

from xentui.lab.xen.migframe import MigrationRefused

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.machine.sshserver import SshEndpoint, StreamHandler
    from xentui.lab.xen.host import SimHost

BANNER = b"xl migration receiver ready, send binary domain data.\n"
RECEIVE = "xl migrate-receive"
"""The remote command of xl 4.4's rune (``xl migrate-receive%s%s``)."""


class TransportFailed(MigrationRefused):
    """The ssh transport ended before xl's banner: the remote's stderr and its exit status."""

    def __init__(self, status: int, stderr: str) -> None:
        self.status, self.stderr = status, stderr
        super().__init__(stderr.strip() or f"transport exited with status {status}")


# --- the target's side ---------------------------------------------------------------------------


def streams_for(lab: Lab, host: SimHost) -> Callable[[str], StreamHandler | None]:
    """The stream commands of a host's sshd: ``xl migrate-receive`` on an xl host, else none."""

    def lookup(command: str) -> StreamHandler | None:
        try:
            argv = shlex.split(command)
        except ValueError:
            return None
        if host.toolstack != "xl" or argv[:1] != ["xl"]:
            return None
        words = [w for w in argv[1:] if not w.startswith("-")]
        if words != ["migrate-receive"]:
            return None
        return functools.partial(_receive, lab, host)

    return lookup


async def _receive(
    lab: Lab,
    host: SimHost,
    stdin: Any,
    stdout: Any,
    stderr: Any,
    peer_ip: str,
) -> int:
    receiver = lab.relocation.get(host.name)
    if receiver is None:
        stderr.write(b"migration target: cannot receive: xl is not set up on this host\n")
        return 1
    stdout.write(BANNER)
    stderr.write(b"migration target: Ready to receive domain.\n")
    ok = await receiver.serve(stdin, stdout, peer_ip, 0)
    return 0 if ok else 1


# --- the source's side ---------------------------------------------------------------------------


def opener(
    lab: Lab, source: SimHost, endpoint: SshEndpoint, closers: list[Any]
) -> Callable[[], Awaitable[tuple[Any, Any]]]:
    """Opens the session and reads the banner; ``closers`` gets the connection to close after."""

    async def connect() -> tuple[Any, Any]:
        try:
            conn = await asyncssh.connect(
                endpoint.bind,
                endpoint.port,
                local_addr=(source.ip, 0),
                username="root",
                client_keys=[lab.client_key],
                known_hosts=asyncssh.import_known_hosts(endpoint.known_hosts_line()),
                agent_path=None,
                config=[],
            )
        except (OSError, asyncssh.Error) as e:
            raise TransportFailed(255, f"ssh: connect to {endpoint.machine.hostname}: {e}\n") from e
        closers.append(conn)
        process = await conn.create_process(RECEIVE, encoding=None)
        banner = await process.stdout.readline()
        if banner != BANNER:
            done = await process.wait()
            status = done.exit_status if done.exit_status is not None else 255
            said = done.stderr if isinstance(done.stderr, bytes) else b""
            raise TransportFailed(status, said.decode("utf-8", "replace"))
        return process.stdout, process.stdin

    return connect


async def close_all(closers: list[Any]) -> None:
    for conn in closers:
        conn.close()
        with contextlib.suppress(OSError, asyncssh.Error, TimeoutError):
            async with asyncio.timeout(10):  # never hang a migration's end on a dying peer
                await conn.wait_closed()
