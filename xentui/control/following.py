"""After the migrate command: following the lists to the outcome, and letting go of a migration
whose hosts all went silent (issue 10.4) instead of holding the guest until the timeout.

A lab killed or stopped mid-migration leaves nobody to ask: the migration is lost at once,
the guest is free for the next action, and the next lists of both hosts say where it is, as a
correction of what was said (``MigrationTracker._correct``).
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from xentui.control.tracker import MigrationTracker
from xentui.model import ActionKind, CommandResult, MigrationPhase
from xentui.tasks import cancel_and_wait

if TYPE_CHECKING:
    from xentui.control.poller import HostPoller

Outcome = tuple[bool, str, CommandResult | None]


class Following:
    """The follow half of the engine's actions (the engine provides hosts, clock and emit)."""

    guest: str
    clock: Callable[[], float]
    pollers: dict[str, HostPoller]
    busy: dict[str, tuple[ActionKind, float]]
    tracker: MigrationTracker | None
    background: set[asyncio.Task[None]]
    changed: asyncio.Event

    @abstractmethod
    def reachable(self, host: str) -> bool: ...
    @abstractmethod
    def _milestones(
        self, phases: list[MigrationPhase], tracker: MigrationTracker | None = None
    ) -> None: ...
    @abstractmethod
    async def final_figures(
        self, tracker: MigrationTracker, host: str, watch: asyncio.Task[None] | None
    ) -> None: ...

    async def _command_or_loss(
        self, tracker: MigrationTracker, command: asyncio.Task[Outcome]
    ) -> Outcome | None:
        """The migrate command's outcome, or None once the migration is lost first: its answer
        may come much later or never (a stopped lab), and the guest must not wait for it. The
        command then goes on in the background; the engine's stop ends it."""

        async def lost() -> None:
            while tracker.record.outcome is not MigrationPhase.LOST:
                await self.changed.wait()

        watch = asyncio.create_task(lost(), name="migration lost?")
        try:
            await asyncio.wait((command, watch), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            await cancel_and_wait([command])
            raise
        finally:
            await cancel_and_wait([watch])
        if command.done():
            return command.result()
        self.background.add(command)  # type: ignore[arg-type]
        command.add_done_callback(self.background.discard)  # type: ignore[arg-type]
        return None

    async def _follow(
        self,
        tracker: MigrationTracker,
        within: float,
        watch: asyncio.Task[None] | None,
    ) -> None:
        """Keep the guest busy until the lists show the outcome; give up after ``within``.

        First the job's own figures, while libvirt still has them on the source."""
        try:
            await self.final_figures(tracker, tracker.record.source, watch)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(within):
                    while not tracker.record.finished:
                        await self.changed.wait()
            if not tracker.record.finished:
                why = f"no outcome in the lists within {within:g} s after the command"
                self._milestones(tracker.give_up(why, self.clock()), tracker)
        finally:
            self._release(tracker)

    def _release(self, tracker: MigrationTracker) -> None:
        """The guest is free again, unless another action took it since (a lost migration
        freed it at once; its command may end much later)."""
        if self.busy.get(self.guest) is tracker.busy_token:
            self.busy.pop(self.guest, None)
        if self.tracker is tracker:
            for host in (tracker.record.source, tracker.record.target):
                self.pollers[host].fast = False

    def _lost_hosts(self) -> None:
        """Every host of the running migration is unreachable: it is lost, now."""
        tracker = self.tracker
        if tracker is None or tracker.record.finished:
            return
        hosts = (tracker.record.source, tracker.record.target)
        if any(self.reachable(h) for h in hosts):
            return
        why = "; ".join(f"{h}: {self._down_reason(h)}" for h in hosts)
        text = f"every host of the migration is unreachable ({why}); "
        text += f"where {tracker.record.guest} runs is read from the next lists"
        self._milestones(tracker.lose(text, self.clock()), tracker)
        self._release(tracker)

    def _down_reason(self, host: str) -> str:
        conn = self.pollers[host].connection
        return (conn.reason if conn is not None else "") or "unreachable"
