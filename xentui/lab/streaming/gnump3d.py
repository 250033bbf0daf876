"""gnump3d 3.0's HTTP dialect, byte for byte: request reading and its quirky response headers.

The header is built the way ``getHTTPHeader`` in ``bin/gnump3d2`` builds it: HTTP/1.0, the
reason text always "OK" (even for 206 and 404), some lines ending in a bare ``\\n``, the
Content-Range end equal to the length, a space-padded day in Last-Modified, and
``Connection: close`` twice. A request with ``Icy-MetaData:`` gets the SHOUTcast variant.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import unquote

READ_TIMEOUT_S = 10.0
"""gnump3d's ``read_time`` default: a client that sends no request in time is dropped."""
MAX_REQUEST = 16384
RELEASE = "3.0"
_RANGE = re.compile(rb"^range:\s*bytes=(\d+)-", re.IGNORECASE | re.MULTILINE)
_ICY = re.compile(rb"^icy-metadata:", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    range_start: int = 0
    icy: bool = False


def parse_request(raw: bytes) -> Request | None:
    """The request line and the two headers gnump3d acts on; None if there is no request line."""
    first, _, rest = raw.partition(b"\n")
    parts = first.strip().split()
    if len(parts) < 2:
        return None
    method = parts[0].decode("latin-1").upper()
    target = parts[1].decode("latin-1").split("?", 1)[0]
    match = _RANGE.search(rest)
    return Request(
        method=method,
        path=unquote(target),
        range_start=int(match.group(1)) if match else 0,
        icy=bool(_ICY.search(rest)),
    )


async def read_request(sock: socket.socket) -> Request | None:
    """Read up to the blank line that ends the request (CRLF or bare LF), within the timeout."""
    loop = asyncio.get_running_loop()
    raw = b""
    async with asyncio.timeout(READ_TIMEOUT_S):
        while b"\r\n\r\n" not in raw and b"\n\n" not in raw and len(raw) < MAX_REQUEST:
            data = await loop.sock_recv(sock, 4096)
            if not data:
                break
            raw += data
    return parse_request(raw)


def last_modified(mtime: float) -> str:
    """``Thu,  5 Nov 2026 13:19:15 GMT``: Perl's gmtime string cut up, day padded with a space."""
    stamp = time.asctime(time.gmtime(mtime))
    m = re.match(r"(...) (...) (..) (..:..:..) (....)", stamp)
    if m is None:  # asctime writes a year before 1000 with fewer than 4 digits
        raise ValueError(f"mtime {mtime}: asctime gave {stamp!r}, not 'Www Mmm dd hh:mm:ss yyyy'")
    day, mon, dm, tm, yr = m.groups()
    return f"{day}, {dm} {mon} {yr} {tm} GMT"


def header_bytes(
    code: int,
    mime: str,
    *,
    size: int | None = None,
    range_start: int = 0,
    mtime: float | None = None,
    icy: bool = False,
    icy_name: str = "GNUMP3d Stream",
    host: str = "localhost:8888",
) -> bytes:
    """The response header gnump3d sends; ``size`` given means a file (length and dates)."""
    if range_start > 0 and code == 200:
        code = 206  # partial content, still with the reason "OK"
    if icy:
        head = (
            f"ICY {code} OK\r\n"
            "icy-notice1:This stream is served using GNUMP3d\r\n"
            "icy-genre:Mixed\r\n"
            f"icy-name:{icy_name}\r\n"
            f"icy-url:{host}\r\n"
            "icy-pub:1\r\n"
        )
    else:
        head = f"HTTP/1.0 {code} OK\r\n"
    head += f"Connection: close\r\nServer: GNUMP3d {RELEASE}\r\nContent-type: {mime}\r\n"
    if size is not None:
        head += f"Content-Range: bytes {range_start}-{size}/{size}\n"
        head += f"Content-length: {size - range_start}\n"
        head += f"Last-Modified: {last_modified(mtime if mtime is not None else time.time())}\n"
    head += "Connection: close\r\n\r\n"
    return head.encode("latin-1")


def error_page() -> bytes:
    """The body of a 404 (gnump3d fills its theme's error.html with this message)."""
    return (
        b"<html><head><title>Error</title></head><body>\n"
        b"<h1>Error</h1>\n<p>The requested file was not found on this server.</p>\n"
        b"<hr><address>GNUMP3d " + RELEASE.encode() + b"</address>\n</body></html>\n"
    )
