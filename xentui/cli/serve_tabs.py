"""textual-serve's server, ending its tabs at once on Ctrl-C (imported only by `xentui serve`).

On SIGINT/SIGTERM aiohttp stops listening and then waits for each open request to end; a
tab's websocket never ends by itself, so the presenter waited ~22 s (measured) while the tab's
app, and with ``--demo`` its lab, ran on. Closing every open websocket at shutdown ends each
tab's message loop, textual-serve then tells the tab's app to quit, and the server waits for
it to exit (with ``--demo`` the app stops its lab first), so nothing outlives the server.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import WSCloseCode, web
from textual_serve.server import Server

APP_EXIT_S = 15.0
"""How long a tab's app may take to quit (the demo's lab is given 10 s to stop) before a kill."""


class TabServer(Server):
    """The open tabs (websocket, app), closed at shutdown: aiohttp's recommended pattern."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tabs: dict[web.WebSocketResponse, Any] = {}

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: Any) -> None:
        # textual-serve's one place that sees a tab's websocket and its AppService together
        self.tabs[websocket] = app_service
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self.tabs.pop(websocket, None)

    async def on_shutdown(self, app: web.Application) -> None:
        apps = [getattr(service, "_process", None) for service in self.tabs.values()]
        for websocket in list(self.tabs):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"xentui serve stopped")
        for process in apps:
            if isinstance(process, asyncio.subprocess.Process):
                try:
                    await asyncio.wait_for(process.wait(), APP_EXIT_S)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()
