"""A tiny asyncio HTTP server that misbehaves on purpose, one way per mode, for the reader tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "xentui" / "data"
AUDIO = DATA / "TruthHappens-audio.ogg"

GNUMP3D_HEAD = (
    b"HTTP/1.0 200 OK\r\nConnection: close\r\nServer: GNUMP3d 3.0\r\n"
    b"Content-type: application/ogg\r\n"
    b"Content-Range: bytes 0-%d/%d\n"
    b"Content-length: %d\n"
    b"Last-Modified: Mon, 26 Nov 2007 10:00:00 GMT\n"
    b"Connection: close\r\n\r\n"
)


def clip() -> bytes:
    return AUDIO.read_bytes()


class BadServer:
    """Serves ``mode``; change ``mode`` at any time to make the next connection behave."""

    def __init__(self, mode: str = "good", port: int = 0, body: bytes = b"") -> None:
        self.mode = mode
        self.body = body
        """What mode ``body`` serves (a chained stream made for the test)."""
        self.requests: list[str] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/TruthHappens.ogg"

    async def __aenter__(self) -> BadServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for w in list(self._writers):
            w.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ")[1].decode()
            self.requests.append(path)
            await getattr(self, "_" + self.mode)(writer, path)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(ConnectionError):
                writer.close()

    async def _good(self, w: asyncio.StreamWriter, path: str) -> None:
        body = clip() * 20  # a chained stream: the clip looped
        w.write(GNUMP3D_HEAD % (len(body), len(body), len(body)))
        for i in range(0, len(body), 4096):
            w.write(body[i : i + 4096])
            await w.drain()

    async def _body(self, w: asyncio.StreamWriter, path: str) -> None:
        """``body``, written as fast as TCP accepts it, as gnump3d does."""
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
        for i in range(0, len(self.body), 4096):
            w.write(self.body[i : i + 4096])
            await w.drain()

    async def _not_ogg(self, w: asyncio.StreamWriter, path: str) -> None:
        body = bytes(range(256)) * 4096
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\n\r\n" + body)

    async def _random(self, w: asyncio.StreamWriter, path: str) -> None:
        """A 200 whose body is random bytes, for 30 s at the pace the client reads."""
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
        end = asyncio.get_running_loop().time() + 30
        while asyncio.get_running_loop().time() < end:
            w.write(os.urandom(4096))
            await w.drain()

    async def _html200(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(
            b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n"
            b"<!DOCTYPE html><html><body>Error: no such file</body></html>"
        )

    async def _status404(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(b"HTTP/1.0 404 OK\r\nContent-type: text/html\r\n\r\n<html>not found</html>")

    async def _headers_only(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
        await w.drain()
        await asyncio.sleep(30)

    async def _redirect(self, w: asyncio.StreamWriter, path: str) -> None:
        if path == "/moved.ogg":
            await self._good(w, path)
            return
        w.write(b"HTTP/1.0 302 Found\r\nLocation: /moved.ogg\r\nContent-Length: 0\r\n\r\n")

    async def _chunked(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/ogg\r\n")
        w.write(b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        body = clip() * 20
        for i in range(0, len(body), 3000):
            piece = body[i : i + 3000]
            w.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await w.drain()
        w.write(b"0\r\n\r\n")

    async def _mid_page(self, w: asyncio.StreamWriter, path: str) -> None:
        body = clip()[:20000]  # cut inside a page
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n" + body)

    async def _short_body(self, w: asyncio.StreamWriter, path: str) -> None:
        body = clip()[:20000]  # promises more than it sends
        w.write(b"HTTP/1.0 200 OK\r\nContent-Length: 90000\r\n\r\n" + body)

    async def _drip(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/ogg\r\n\r\n")
        for byte in clip()[:4]:  # long enough to be judged (2 s), short enough to end soon
            w.write(bytes([byte]))
            await w.drain()
            await asyncio.sleep(1.0)


async def until(pred: Callable[[], object], timeout: float = 10.0) -> None:
    """Until ``pred()`` holds, checked every 20 ms of the running loop; fails after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)
