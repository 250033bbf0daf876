"""`xentui replay`: the same app on a recorded run, read-only, with pause and seek keys.

The app is `XentuiApp` itself with the playback's stand-ins for engine and probe and the
playback's clock: each recorded event is shown at its own time, and the app's tick runs at
the recorded ticks (not on a timer of its own), so a screen at a moment of the replay is the
screen of the live run at that moment.
"""

from __future__ import annotations

import time

from textual.binding import Binding

from xentui.config import LabConfig
from xentui.model import Event, PlayerState
from xentui.probe.summary import ProbeSummary
from xentui.record.playback import REFUSAL, Playback
from xentui.record.reader import Run
from xentui.tui.app import XentuiApp
from xentui.tui.format import clock
from xentui.tui.screens.main import MainScreen

STEP_S = 10.0
FRAME_S = 0.05
NEVER_S = 10.0**9
"""The app's own tick interval in a replay: never; the recorded ticks drive it."""


def empty_summary(buffer_s: float) -> ProbeSummary:
    return ProbeSummary(0.0, (), 0.0, buffer_s, PlayerState.STOPPED, (), (), False, "replay")


class ReplayApp(XentuiApp):
    """A recorded run in the app, at ``speed`` times real time."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("space", "toggle_pause", "Pause/play", id="replay-pause"),
        Binding("left", "seek(-10)", "−10 s", id="replay-back"),
        Binding("right", "seek(10)", "+10 s", id="replay-forward"),
        Binding("home", "seek_to(0)", "Start", show=False),
        Binding("end", "seek_to(-1)", "End", show=False),
    ]

    def __init__(self, run: Run, config: LabConfig, *, speed: float = 1.0) -> None:
        self.playback = Playback(run, empty_summary(config.probe.buffer_s))
        self.speed, self.paused = speed, False
        self._real = time.monotonic()
        super().__init__(
            config,
            engine=self.playback.engine,  # type: ignore[arg-type]
            probe=self.playback.probe,
            clock=self.playback.clock,
            wall=self.playback.wall,
            tick_s=NEVER_S,
        )

    async def on_mount(self) -> None:
        # Textual runs XentuiApp's own on_mount first (it pushes the main screen)
        self.set_interval(FRAME_S, self._frame)
        self.say(f"Replay of {self.playback.run.path.name}: space pauses, ←/→ seek {STEP_S:g} s")

    def _show(self, event: Event | None) -> None:
        if event is None:
            self.main.tick()
        else:
            self.feed(event)

    def _frame(self) -> None:
        real = time.monotonic()
        step, self._real = (real - self._real) * self.speed, real
        if not self.paused and not self.playback.finished:
            self.playback.advance(self.playback.now + step, self._show)

    async def seek(self, to: float) -> None:
        """Show the run as it stood at ``to`` (monotonic time of the recording)."""
        if to < self.playback.now:  # the screens only go forward: start again, quickly
            self.playback.restart()
            self._bind_playback()
            while self.screen is not self.main:  # a dialog or the help over it
                await self.pop_screen()
            await self.pop_screen()  # the old screen goes (and its id with it) before the new
            self.main = MainScreen(self.config, probe=self.probe, clock=self.clock, wall=self.wall)
            await self.push_screen(self.main)
        self.playback.advance(to, self._show)
        self._real = time.monotonic()

    def _bind_playback(self) -> None:
        self.engine, self.probe = self.playback.engine, self.playback.probe  # type: ignore[assignment]

    def position(self) -> str:
        pb = self.playback
        at, length = pb.now - pb.start, pb.end - pb.start
        return f"{at:.0f} s of {length:.0f} s ({clock(pb.wall())})"

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self._real = time.monotonic()
        self.say(f"{'Paused' if self.paused else 'Playing'} at {self.position()}")

    async def action_seek(self, delta: float) -> None:
        pb = self.playback
        await self.seek(min(pb.end, max(pb.start, pb.now + delta)))
        self.say(f"At {self.position()}")

    async def action_seek_to(self, where: float) -> None:
        pb = self.playback
        await self.seek(pb.start if where >= 0 else pb.end)
        self.say(f"At {self.position()}")

    def action_refuse(self, action: str) -> None:
        self.say(f"Cannot {action}: {REFUSAL}", "warning")
