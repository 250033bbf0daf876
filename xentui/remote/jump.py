"""Connection options with the keys to trust, and ProxyJump hops opened by xentui, each checked.

Left to asyncssh, a ProxyJump hop is a connection made from the hop's own ssh config alone, and a
``UserKnownHostsFile none`` there means no host-key check at all. xentui opens the hops itself,
trusting what trust.py works out for each, as it does for the host itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncssh

from xentui.config.read import IDENTITY_MAX, FileRefused, check_regular
from xentui.remote.base import HostUnreachable
from xentui.remote.errors import HostKeyRejected
from xentui.remote.hostkeys import CheckingClient, rejection
from xentui.remote.trust import TrustSources, trust_sources

MAX_HOPS = 8
"""More hops than any real chain: a ProxyJump that leads back to itself stops here."""


def prepare(
    dest: str, kw: dict[str, Any], lab_known_hosts: Path | None
) -> tuple[asyncssh.SSHClientConnectionOptions, TrustSources, asyncssh.SSHKnownHosts]:
    """The options as ~/.ssh/config makes them for ``dest``, and the host keys to trust.

    ``config=()`` reads ~/.ssh/config here, as asyncssh.connect will: the trusted files are
    worked out from the same settings the connection uses. Blocking file I/O: run in a thread.
    """
    for key in kw.get("client_keys", ()):  # asyncssh reads it whole: a FIFO would hang here
        try:
            check_regular(Path(key), IDENTITY_MAX, "an identity file")
        except FileRefused as exc:
            raise ValueError(f"identity_file {key}: {exc}") from None
    opts = asyncssh.SSHClientConnectionOptions(host=dest, config=(), **kw)
    sources = trust_sources(lab_known_hosts, opts.config)
    return opts, sources, sources.load()


def _split(hop: str) -> tuple[str, dict[str, Any]]:
    """``[user@]host[:port]`` as ProxyJump writes a hop (asyncssh's own reading of it)."""
    user, _, host = hop.rpartition("@")
    kw: dict[str, Any] = {"username": user} if user else {}
    if ":" in host:
        host, port = host.rsplit(":", 1)
        kw["port"] = int(port)
    return host, kw


async def _connect_hop(
    name: str,
    hop: str,
    host: str,
    opts: asyncssh.SSHClientConnectionOptions,
    sources: TrustSources,
    known: asyncssh.SSHKnownHosts,
    via: asyncssh.SSHClientConnection | None,
    trust_new: bool,
) -> asyncssh.SSHClientConnection:
    """One hop, its key checked against ``known`` (``host`` as written: the config's alias)."""
    client = CheckingClient(sources, known, trust_new=trust_new)
    try:
        # tunnel None, not (): asyncssh must not open the hop's own ProxyJump itself
        return await asyncssh.connect(
            host, options=opts, tunnel=via, known_hosts=known, client_factory=lambda: client
        )
    except asyncssh.HostKeyNotVerifiable:
        if client.seen is None:
            raise
        said = rejection(name, client.seen, sources)
        raise HostKeyRejected(
            name,
            f"jump host {hop}: {said.reason}",
            fingerprint=said.fingerprint,
            changed=said.changed,
            key_type=said.key_type,
        ) from None


async def open_hops(
    name: str, spec: str, *, trust_new: bool, timeout: float, depth: int = 0
) -> asyncssh.SSHClientConnection:
    """The last hop of ``spec`` (a ProxyJump value), connected through the ones before it.

    A hop's unknown key is refused as HostKeyRejected naming the hop, with no known_hosts to
    offer: the app's trust dialog is about ``name`` itself.
    """
    if depth >= MAX_HOPS:
        raise HostUnreachable(name, f"ProxyJump {spec}: more than {MAX_HOPS} hops (a loop?)")
    conn: asyncssh.SSHClientConnection | None = None
    try:
        for hop in spec.split(","):
            host, kw = _split(hop.strip())
            kw.update(connect_timeout=timeout, login_timeout=timeout)
            try:
                opts, sources, known = await asyncio.to_thread(prepare, host, kw, None)
            except (OSError, ValueError, asyncssh.Error) as exc:
                raise HostUnreachable(name, f"ssh settings for jump host {hop}: {exc}") from None
            via = conn
            if via is None and isinstance(opts.tunnel, str):  # the first hop's own ProxyJump
                via = await open_hops(
                    name, opts.tunnel, trust_new=trust_new, timeout=timeout, depth=depth + 1
                )
            try:
                new = await _connect_hop(name, hop, host, opts, sources, known, via, trust_new)
            except BaseException:
                if via is not None and via is not conn:
                    via.close()
                raise
            new.set_tunnel(via)  # closing the connection closes the hops under it
            conn = new
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    assert conn is not None
    return conn


async def connect_checked(
    name: str,
    dest: str,
    opts: asyncssh.SSHClientConnectionOptions,
    known: asyncssh.SSHKnownHosts,
    client: CheckingClient,
    *,
    trust_new: bool,
    timeout: float,
) -> asyncssh.SSHClientConnection:
    """``dest`` connected with ``known`` as its only trusted keys, through hops opened here."""
    via = None
    if isinstance(opts.tunnel, str):
        via = await open_hops(name, opts.tunnel, trust_new=trust_new, timeout=timeout)
    try:
        conn = await asyncssh.connect(
            dest, options=opts, tunnel=via, known_hosts=known, client_factory=lambda: client
        )
    except BaseException:
        if via is not None:
            via.close()
        raise
    conn.set_tunnel(via)  # closing (or losing) the host closes its hops
    return conn
