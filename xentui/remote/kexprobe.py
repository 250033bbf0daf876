"""Read what an SSH server offers (its KEXINIT), to explain a failed negotiation in words.

OpenSSH drops a client it shares no host-key algorithm with before asyncssh can say why, so after
such a drop we ask the server ourselves: the KEXINIT is sent in clear right after the banners.
"""

from __future__ import annotations

import asyncio
import struct

KEXINIT = 20
_FIELDS = ("kex", "host_key")


def parse_kexinit(payload: bytes) -> dict[str, list[str]]:
    """The first two name-lists of a KEXINIT payload: key exchanges and host-key algorithms."""
    if not payload or payload[0] != KEXINIT:
        raise ValueError("not a KEXINIT message")
    pos, out = 17, {}  # message byte + 16-byte cookie
    for name in _FIELDS:
        (n,) = struct.unpack_from(">I", payload, pos)
        pos += 4
        out[name] = [a for a in payload[pos : pos + n].decode("ascii").split(",") if a]
        pos += n
    return out


async def server_offers(host: str, port: int, timeout: float = 5.0) -> dict[str, list[str]]:
    """Connect, swap banners, read the server's KEXINIT, hang up."""
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(b"SSH-2.0-xentui_probe\r\n")
            while not (line := await reader.readline()).startswith(b"SSH-"):
                if not line:
                    raise ConnectionError("closed before the banner")
            (length,) = struct.unpack(">I", await reader.readexactly(4))
            if length > 65536:
                raise ValueError("implausible packet length")
            packet = await reader.readexactly(length)
            padding = packet[0]
            return parse_kexinit(packet[1 : length - padding])
        finally:
            writer.close()


def client_algorithms(options: object) -> dict[str, list[str]]:
    """What asyncssh will offer with these options (host keys: the configured list or defaults)."""
    from asyncssh.public_key import get_default_certificate_algs, get_default_public_key_algs

    kex = [a.decode() for a in getattr(options, "kex_algs", [])]
    hk = getattr(options, "server_host_key_algs", "default")
    config = getattr(options, "config", None)
    from_config = config.get("HostKeyAlgorithms", ()) if config is not None else ()
    if isinstance(hk, (list, tuple)) and hk:
        host_keys = [a.decode() if isinstance(a, bytes) else str(a) for a in hk]
    elif isinstance(from_config, str) and not from_config.startswith(("+", "-", "^")):
        host_keys = from_config.split(",")
    else:
        defaults = get_default_certificate_algs() + get_default_public_key_algs()
        host_keys = [a.decode() for a in defaults]
        if isinstance(from_config, str) and from_config.startswith("+"):
            host_keys += from_config[1:].split(",")
    return {"kex": kex, "host_key": host_keys}


def mismatch(client: dict[str, list[str]], server: dict[str, list[str]]) -> str | None:
    """asyncssh's own wording for the first kind with nothing in common, else None."""
    for name, kind in (("kex", "key exchange"), ("host_key", "server host key")):
        if client[name] and not set(client[name]) & set(server[name]):
            return (
                f"No matching {kind} algorithm found, sent {','.join(client[name])} "
                f"and received {','.join(server[name])}"
            )
    return None
