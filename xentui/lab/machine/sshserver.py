"""One asyncssh server per simulated machine: the lab's client key only, commands run as bash would.

A command arrives over SSH as one string; it is parsed and answered by the machine's own
command table, so the real OpenSSH client and asyncssh clients see the same host. A stream
command (``xl migrate-receive``) gets its session's bytes as they come instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncssh

from xentui.lab.machine.shell import Machine, run_line
from xentui.tasks import cancel_and_wait

log = logging.getLogger(__name__)

StreamHandler = Callable[[Any, Any, Any, str], Awaitable[int]]
"""Serves one session's byte stdin/stdout/stderr for the peer's address; returns the exit."""


class _ByteReader:
    """Bytes from a session whose channel decodes latin-1 (one char per byte, nothing lost).

    The sessions stay text (a terminal's line editor needs an encoding); only a stream
    command's channel is switched, before it has written anything, so no byte came yet.
    """

    def __init__(self, reader: asyncssh.SSHReader[str]) -> None:
        self._reader = reader

    async def readexactly(self, n: int) -> bytes:
        try:
            return (await self._reader.readexactly(n)).encode("latin-1")
        except asyncio.IncompleteReadError as e:
            partial = e.partial.encode("latin-1") if isinstance(e.partial, str) else e.partial
            raise asyncio.IncompleteReadError(partial, e.expected) from None

    async def read(self, n: int = -1) -> bytes:
        return (await self._reader.read(n)).encode("latin-1")


class _ByteWriter:
    def __init__(self, writer: asyncssh.SSHWriter[str]) -> None:
        self._writer = writer

    def write(self, data: bytes) -> None:
        self._writer.write(data.decode("latin-1"))

    async def drain(self) -> None:
        await self._writer.drain()

    def close(self) -> None:
        self._writer.close()


class _Server(asyncssh.SSHServer):
    def __init__(self, conns: set[asyncssh.SSHServerConnection]) -> None:
        self._conns = conns
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._conns.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._conns.discard(self._conn)

    def password_auth_supported(self) -> bool:
        return False


class SshEndpoint:
    """An SSH server for one machine; close drops its sessions, start reuses port and key."""

    def __init__(
        self,
        machine: Machine,
        bind: str,
        host_key: asyncssh.SSHKey,
        client_key: asyncssh.SSHKey,
        *,
        port: int = 0,
        gate: Callable[[], Awaitable[None]] | None = None,
        streams: Callable[[str], StreamHandler | None] | None = None,
    ) -> None:
        self.machine, self.bind, self.port = machine, bind, port
        self.host_key = host_key
        self._authorized = asyncssh.import_authorized_keys(
            client_key.export_public_key("openssh").decode()
        )
        self._gate = gate
        self._streams = streams
        self._server: asyncssh.SSHAcceptor | None = None
        self._conns: set[asyncssh.SSHServerConnection] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return self._server is not None

    def known_hosts_line(self) -> str:
        key = self.host_key.export_public_key("openssh").decode().strip()
        host = self.bind if self.port == 22 else f"[{self.bind}]:{self.port}"
        return f"{host} {key}\n"

    async def start(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncssh.create_server(
            lambda: _Server(self._conns),
            self.bind,
            self.port,
            server_host_keys=[self.host_key],
            authorized_client_keys=self._authorized,
            process_factory=self._handle,
            encoding="utf-8",
            allow_scp=False,
            agent_forwarding=False,
            x11_forwarding=False,
            sftp_factory=None,
            reuse_address=True,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        # the clients go first: from Python 3.12.1 a server's wait_closed waits for them
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for conn in list(self._conns):
            conn.abort()
        if server is not None:
            await server.wait_closed()
        try:
            await cancel_and_wait(list(self._tasks))  # a cancel aimed at close() itself goes on
        finally:
            self._conns.clear()

    def _handle(self, process: asyncssh.SSHServerProcess) -> None:
        task = asyncio.create_task(self._serve(process), name=f"ssh-{self.machine.hostname}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, process: asyncssh.SSHServerProcess) -> None:
        try:
            if self._gate is not None:
                await self._gate()
            if process.command is None:
                await self._interactive(process)
                return
            stream = self._streams(process.command) if self._streams is not None else None
            if stream is not None:
                peer = process.get_extra_info("peername")
                peer_ip = peer[0] if peer else "127.0.0.1"
                process.channel.set_encoding("latin-1")
                stdin, stdout = _ByteReader(process.stdin), _ByteWriter(process.stdout)
                process.exit(await stream(stdin, stdout, _ByteWriter(process.stderr), peer_ip))
                return
            cached: list[str] = []

            async def read_stdin() -> str:
                if not cached:
                    cached.append(await process.stdin.read())
                return cached[0]

            out = await run_line(self.machine, process.command, read_stdin)
            process.stdout.write(out.stdout)
            process.stderr.write(out.stderr)
            process.exit(out.rc)
        except (asyncssh.Error, BrokenPipeError, ConnectionError):
            process.close()
        except asyncio.CancelledError:
            process.close()
            raise
        except Exception as e:  # a lab bug must not hang the client: say so in one line
            log.exception("lab command failed on %s", self.machine.hostname)
            with contextlib.suppress(Exception):
                process.stderr.write(f"xentui lab: internal error: {type(e).__name__}: {e}\n")
                process.exit(70)

    async def _interactive(self, process: asyncssh.SSHServerProcess) -> None:
        """A bare prompt for a person who types ``ssh host`` without a command."""
        prompt = f"[root@{self.machine.hostname} ~]# "
        rc = 0
        while True:
            process.stdout.write(prompt)
            try:
                line = await process.stdin.readline()
            except asyncssh.BreakReceived:
                continue
            if not line or line.strip() in ("exit", "logout"):
                break

            async def no_stdin() -> str:
                return ""

            out = await run_line(self.machine, line.rstrip("\n"), no_stdin)
            rc = out.rc
            process.stdout.write(out.stdout)
            process.stderr.write(out.stderr)
        process.exit(rc)
