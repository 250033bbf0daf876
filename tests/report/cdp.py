"""Headless Chromium driven over the Chrome DevTools Protocol, with aiohttp's websocket client.

aiohttp is already here (textual-serve is built on it), so the protocol needs no new
dependency: JSON commands with ids, answers matched by id, events ignored. Chromium picks its
own DevTools port (``--remote-debugging-port=0``) and writes it to ``DevToolsActivePort`` in the
throwaway profile, so there is no race for a free port. Every host name but 127.0.0.1 resolves
to nothing: textual-serve's page links a web font, and tests talk to loopback only.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from tests.report.chromium import FLAGS, chromium

LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


class Page:
    """One page target: ``await page.call("Page.navigate", url=...)`` returns the result."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.session, self.ws = session, ws
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            future = self._waiting.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
        for future in self._waiting.values():  # the browser went away: nobody waits forever
            future.set_exception(ConnectionError("chromium closed the DevTools connection"))

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        n = next(self._ids)
        self._waiting[n] = asyncio.get_running_loop().create_future()
        await self.ws.send_json({"id": n, "method": method, "params": params})
        answer = await asyncio.wait_for(self._waiting[n], 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer["result"]
        return result

    async def evaluate(self, expression: str) -> Any:
        """The expression's value in the page (a thrown error is raised here, with its text)."""
        answer = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression[:60]}: {answer['exceptionDetails']['text']}")
        return answer["result"].get("value")

    async def key(self, char: str) -> None:
        """A key typed on the focused element, as a keyboard sends it (down with text, up)."""
        code = f"Key{char.upper()}" if char.isalpha() else ""
        vk = ord(char.upper())
        await self.call("Input.dispatchKeyEvent", type="keyDown", key=char, code=code,
                        text=char, windowsVirtualKeyCode=vk)  # fmt: skip
        await self.call("Input.dispatchKeyEvent", type="keyUp", key=char, code=code,
                        windowsVirtualKeyCode=vk)  # fmt: skip

    async def screenshot(self, png: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        png.write_bytes(base64.b64decode(shot["data"]))


async def _devtools_port(profile: Path, browser: subprocess.Popen[bytes]) -> int:
    marker = profile / "DevToolsActivePort"
    for _ in range(300):
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text().splitlines()[0])
        if browser.poll() is not None:
            raise RuntimeError(f"chromium exited ({browser.returncode}) before DevTools was up")
        await asyncio.sleep(0.1)
    raise TimeoutError("chromium's DevTools port never appeared")


@asynccontextmanager
async def browser(size: tuple[int, int] = (1400, 900)) -> AsyncIterator[Page]:
    """A headless Chromium on about:blank and its page, both gone at the end."""
    with tempfile.TemporaryDirectory(prefix="xentui-cdp-") as tmp:
        profile = Path(tmp)
        proc = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--window-size={size[0]},{size[1]}", LOOPBACK_ONLY, "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            port = await _devtools_port(profile, proc)
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/json/list") as answer:
                    targets = await answer.json()
                url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
                async with session.ws_connect(url, max_msg_size=0) as ws:
                    page = Page(session, ws)
                    try:
                        yield page
                    finally:
                        page._reader.cancel()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
