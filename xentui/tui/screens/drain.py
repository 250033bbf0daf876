"""Polls drawn on the main screen a pane at a time, the presenter's keys first (issue 11.6).

Fifty hosts polled each second land in one burst. Drawn at once, that burst was one long paint
a key waited behind. So they are drawn one host at a time, yielding between them, and a host
whose table changed on screen waits for that paint before the next is drawn: DataTable repaints
a changed table whole (every cell, ~7-15 ms), so a paint holds one table at most. A key pressed
meanwhile goes first: its frame holds no table drawn after it. Hosts out of view cost nothing
here (drawn when they come into view). Under a dialog (the screen not active) a poll is taken,
not drawn: the screen is not painted then, and drawing all of it as the dialog closes would be
one long paint; the panes in view catch up a pane a paint once it has gone.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from xentui.model import SnapshotEvent

if TYPE_CHECKING:
    from xentui.tui.screens.main import MainScreen


class PollDrain:
    """The latest poll per host, waiting to be drawn, and the one worker that draws them."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.pending: dict[str, SnapshotEvent] = {}
        """The latest poll of each host not yet taken (older ones are dropped undrawn)."""
        self.behind: dict[str, None] = {}
        """Panes in view whose latest poll is not drawn (taken under a dialog): drawn in turn."""
        self.running = False
        self.keyed = False
        """A key came since the drain last looked: its frame goes first, without a table.
        Cleared only here: a key long painted costs the next burst one frame's wait, no more."""

    def queue(self, event: SnapshotEvent) -> None:
        self.pending[event.snapshot.host] = event
        self._start()

    def key(self) -> None:
        self.keyed = True

    def catch_up(self) -> None:
        """After the paint that uncovered the screen: the panes in view left stale are drawn."""
        screen = self.screen
        self.behind.update(
            (h, None) for h, p in screen.panes.items() if p.stale and p.in_view(screen)
        )
        if self.behind:
            self._start()

    def _start(self) -> None:
        if not self.running:
            self.running = True
            self.screen.run_worker(self._run(), group="draw", exit_on_error=False)

    async def _run(self) -> None:
        screen = self.screen
        try:
            while self.pending or self.behind:
                if self.keyed and screen.is_active:
                    self.keyed = False
                    await screen.wait_for_refresh()
                if self.behind and screen.is_active:
                    host = next(iter(self.behind))
                    del self.behind[host]
                    behind = screen.panes[host]
                    behind.table_changed = behind.in_view(screen) and behind.draw()
                    screen.even_out(behind)
                elif self.pending:
                    host = next(iter(self.pending))
                    screen.take(self.pending.pop(host), draw=screen.is_active)
                else:  # only panes behind, and the dialog is back: drawn at the next resume
                    break
                pane = screen.panes.get(host)
                if pane is not None and pane.table_changed and screen.is_active:
                    await screen.wait_for_refresh()
                else:
                    await asyncio.sleep(0)
        finally:
            self.running = False
