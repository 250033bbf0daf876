"""One long-lived asyncssh connection per host; each command a channel on it, capped and timed."""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncssh

from xentui.config import HostConfig
from xentui.model import CommandResult
from xentui.remote.base import HostUnreachable
from xentui.remote.errors import explain
from xentui.remote.hostkeys import CheckingClient, rejection
from xentui.remote.jump import connect_checked, prepare
from xentui.remote.kexprobe import client_algorithms, mismatch, server_offers
from xentui.remote.output import OUTPUT_CAP, Collector, finish, wire_argv
from xentui.tasks import stop_requested

MAX_SESSIONS = 8
"""Below OpenSSH's default MaxSessions (10): sshd frees a slot a little after the channel closes."""
CONNECT_TIMEOUT_S = 10.0
KEEPALIVE_S = 2.0
KEEPALIVE_COUNT = 3
OPEN_RETRIES = 3


# how a server that shares no algorithm with us hangs up before asyncssh can tell why
_DROPPED = (
    ConnectionResetError,
    BrokenPipeError,
    asyncssh.ConnectionLost,
    asyncssh.DisconnectError,
)


async def _why_dropped(opts: asyncssh.SSHClientConnectionOptions, exc: Exception) -> Exception:
    """The negotiation failure behind a dropped connection, if the server's offer shows one."""
    try:
        offer = await server_offers(opts.host, int(opts.port or 22))
    except (OSError, ValueError, TimeoutError, EOFError, asyncio.IncompleteReadError):
        return exc
    text = mismatch(client_algorithms(opts), offer)
    return asyncssh.KeyExchangeFailed(text) if text else exc


class SshRunner:
    """Runs argv on one host over a connection opened on first use and reopened after a loss."""

    def __init__(
        self,
        host: HostConfig,
        *,
        trust_new_host_keys: bool = False,
        max_sessions: int = MAX_SESSIONS,
        output_cap: int = OUTPUT_CAP,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        keepalive_s: float = KEEPALIVE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host.name
        self.config = host
        self._trust_new = trust_new_host_keys
        self._sessions = asyncio.Semaphore(max_sessions)
        self._cap = output_cap
        self._connect_timeout = connect_timeout_s
        self._keepalive = keepalive_s
        self._clock = clock
        self._conn: asyncssh.SSHClientConnection | None = None
        self._connecting = asyncio.Lock()
        self._closed = False
        self.trust_key: str | None = None
        """The fingerprint of a new host key the presenter accepted (the TUI's dialog said yes):
        trusted on a connect until one succeeds; any other new key is still refused."""

    @property
    def connected(self) -> bool:
        conn = self._conn
        return conn is not None and not conn.is_closed()

    def _options(self) -> tuple[str, dict[str, Any]]:
        ssh = self.config.ssh
        kw: dict[str, Any] = {
            "connect_timeout": self._connect_timeout,
            "login_timeout": self._connect_timeout,
            "keepalive_interval": self._keepalive,
            "keepalive_count_max": KEEPALIVE_COUNT,
        }
        # only what the lab file names; everything else comes from ~/.ssh/config and defaults
        # (known_hosts too is the lab file's or the config's, but always worked out by trust.py)
        if ssh.port is not None:
            kw["port"] = ssh.port
        if ssh.user is not None:
            kw["username"] = ssh.user
        if ssh.identity_file is not None:
            kw["client_keys"] = [str(ssh.identity_file)]
        if ssh.kex_algorithms:
            kw["kex_algs"] = list(ssh.kex_algorithms)
        if ssh.host_key_algorithms:
            kw["server_host_key_algs"] = list(ssh.host_key_algorithms)
        return ssh.destination, kw

    async def connect(self) -> None:
        """Open the connection if it is not open; raises HostUnreachable with the reason."""
        if self._closed:
            raise HostUnreachable(self.host, "closed")
        async with self._connecting:
            if self.connected:
                return
            dest, kw = self._options()
            try:
                # reading ~/.ssh/config, keys and known_hosts is blocking file I/O: not on the loop
                opts, sources, known = await asyncio.to_thread(
                    prepare, dest, kw, self.config.ssh.known_hosts
                )
            except (OSError, ValueError, asyncssh.Error) as exc:
                raise HostUnreachable(self.host, f"ssh settings: {exc}") from None
            client = CheckingClient(
                sources, known, trust_new=self._trust_new, trust_only=self.trust_key
            )
            try:
                async with asyncio.timeout(self._connect_timeout + 1):
                    # known_hosts is always ours, ProxyJump hops' too: asyncssh never skips a check
                    conn = await connect_checked(
                        self.host,
                        dest,
                        opts,
                        known,
                        client,
                        trust_new=self._trust_new,
                        timeout=self._connect_timeout,
                    )
            except Exception as exc:
                if stop_requested():  # a cancel that wait_for turned into this error
                    raise asyncio.CancelledError from None
                if isinstance(exc, asyncssh.HostKeyNotVerifiable) and client.seen is not None:
                    raise rejection(self.host, client.seen, sources) from None
                if isinstance(exc, _DROPPED) and not opts.tunnel:
                    exc = await _why_dropped(opts, exc)
                raise explain(self.host, exc, where=f"ssh to {dest}") from None
            self._conn = conn
            self.trust_key = None

    async def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        input: str | None = None,
        on_start: Callable[[float], None] | None = None,
    ) -> CommandResult:
        """Run argv on one channel; non-zero exit and timeout are results, a lost host raises."""
        argv = tuple(argv)
        full = wire_argv(argv, sudo=self.config.sudo)
        command = " ".join(shlex.quote(a) for a in full)
        # before any channel: text no channel can carry must fail with nothing started (a
        # `tee FILE` already running would have emptied the file)
        data = input.encode() if input is not None else None
        await self.connect()
        conn = self._conn
        assert conn is not None
        async with self._sessions:
            started = self._clock()
            chan, coll = await self._open(conn, command, timeout)
            if on_start is not None:
                on_start(started)
            if data is not None:
                chan.write(data)
            chan.write_eof()
            timed_out = False
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.shield(coll.done)
            except TimeoutError:
                timed_out = True
                chan.close()
            except asyncio.CancelledError:
                chan.close()
                raise
        lost = coll.done.result() if coll.done.done() else None
        if lost is not None and coll.exit_status is None and not timed_out:
            self._drop(conn)
            raise explain(self.host, lost, where=f"while running {argv[0] if argv else ''}")
        return finish(
            argv, coll, started, self._clock(), timeout if timed_out else None, self.config.sudo
        )

    async def _open(
        self, conn: asyncssh.SSHClientConnection, command: str, timeout: float
    ) -> tuple[asyncssh.SSHClientChannel[bytes], Collector]:
        for attempt in range(OPEN_RETRIES + 1):
            try:
                async with asyncio.timeout(timeout):
                    chan, session = await conn.create_session(
                        lambda: Collector(self._cap), command, encoding=None
                    )
                    # asyncssh types the session as its base class: it is the factory's own
                    assert isinstance(session, Collector)
                    return chan, session
            except TimeoutError:
                self._drop(conn)
                raise HostUnreachable(
                    self.host, f"no answer to opening a channel within {timeout:g} s"
                ) from None
            except asyncssh.ChannelOpenError as exc:
                if conn.is_closed():
                    self._drop(conn)
                    raise HostUnreachable(self.host, f"connection lost: {exc.reason}") from None
                if attempt == OPEN_RETRIES:
                    raise HostUnreachable(
                        self.host, f"cannot open a channel: {exc.reason} (sshd MaxSessions?)"
                    ) from None
                # sshd frees a session slot a moment after the close: wait for it, briefly
                await asyncio.sleep(0.05 * (attempt + 1))
            except (OSError, asyncssh.Error) as exc:
                self._drop(conn)
                raise explain(self.host, exc) from None
        raise AssertionError("unreachable")

    def _drop(self, conn: asyncssh.SSHClientConnection) -> None:
        if self._conn is conn:
            self._conn = None
        conn.abort()

    async def close(self) -> None:
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
            with contextlib.suppress(TimeoutError, OSError, asyncssh.Error):
                async with asyncio.timeout(2.0):
                    await conn.wait_closed()
