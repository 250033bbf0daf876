"""After the migrate command: following the lists to the outcome, and letting go of a migration
whose hosts all went silent (issue 10.4) instead of holding the guest until the timeout.

A lab killed or stopped mid-migration leaves nobody to ask: the migration is lost at once,
the guest is free for the next action, and the next lists of both hosts say where it is, as a
correction of what was said (``MigrationTracker._correct``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xentui.control.tracker import MigrationTracker
from xentui.model import ActionKind, CommandResult, Event, MigrationEvent, MigrationPhase
from xentui.tasks import cancel_and_wait

if TYPE_CHECKING:
    from xentui.control.hosts import Hosts
    from xentui.control.jobwatch import JobWatch

Outcome = tuple[bool, str, CommandResult | None]


@dataclass
class ActionState:
    """What runs now, shared by the action runner, the follower and the refusal policy."""

    busy: dict[str, tuple[ActionKind, float]] = field(default_factory=dict)
    """Per guest: the action running and since when (the engine's clock)."""
    tracker: MigrationTracker | None = None
    """The current (or last) migration."""
    background: set[asyncio.Task[None]] = field(default_factory=set)
    """Tasks that outlive the call that started them; the engine's stop() ends them."""
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set and replaced after every event: waiters look again at the tracker."""
    stopping: bool = False
    """Set by the engine's stop(): an action ending now starts nothing that would outlive it."""

    def keep(self, task: asyncio.Task[Any]) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def wake(self) -> None:
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()


class Following:
    """Follows a migration after its command, and says its milestones as events."""

    def __init__(
        self,
        hosts: Hosts,
        state: ActionState,
        jobs: JobWatch,
        emit: Callable[[Event], None],
        clock: Callable[[], float],
        wall: Callable[[], float],
    ) -> None:
        self.hosts, self.state, self.jobs = hosts, state, jobs
        self.emit, self.clock, self.wall = emit, clock, wall

    def milestones(
        self, phases: list[MigrationPhase], tracker: MigrationTracker | None = None
    ) -> None:
        """Emit ``tracker``'s new milestones (default: the current migration's)."""
        tracker = tracker or self.state.tracker
        if tracker is None:
            return
        for phase in phases:
            if phase is MigrationPhase.COMPLETED:  # before anyone waiting for it wakes
                self.jobs.learn_link(tracker)
            t = tracker.record.at(phase) or self.clock()
            self.emit(MigrationEvent(t=t, wall=self.wall(), phase=phase, record=tracker.record))

    async def command_or_loss(
        self, tracker: MigrationTracker, command: asyncio.Task[Outcome]
    ) -> Outcome | None:
        """The migrate command's outcome, or None once the migration is lost first: its answer
        may come much later or never (a stopped lab), and the guest must not wait for it. The
        command then goes on in the background; the engine's stop ends it."""

        async def lost() -> None:
            while tracker.record.outcome is not MigrationPhase.LOST:
                await self.state.changed.wait()

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
        self.state.keep(command)
        return None

    async def follow(
        self,
        tracker: MigrationTracker,
        within: float,
        watch: asyncio.Task[None] | None,
    ) -> None:
        """Keep the guest busy until the lists show the outcome; give up after ``within``.

        First the job's own figures, while libvirt still has them on the source."""
        try:
            await self.jobs.final_figures(tracker, tracker.record.source, watch)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(within):
                    while not tracker.record.finished:
                        await self.state.changed.wait()
            if not tracker.record.finished:
                why = f"no outcome in the lists within {within:g} s after the command"
                self.milestones(tracker.give_up(why, self.clock()), tracker)
        finally:
            self.release(tracker)

    def release(self, tracker: MigrationTracker) -> None:
        """The guest is free again, unless another action took it since (a lost migration
        freed it at once; its command may end much later)."""
        busy = self.state.busy
        if busy.get(self.hosts.guest) is tracker.busy_token:
            busy.pop(self.hosts.guest, None)
        if self.state.tracker is tracker:
            for host in (tracker.record.source, tracker.record.target):
                self.hosts.pollers[host].fast = False

    def lost_hosts(self) -> None:
        """Every host of the running migration is unreachable: it is lost, now."""
        tracker = self.state.tracker
        if tracker is None or tracker.record.finished:
            return
        hosts = (tracker.record.source, tracker.record.target)
        if any(self.hosts.reachable(h) for h in hosts):
            return
        why = "; ".join(f"{h}: {self.hosts.down_reason(h)}" for h in hosts)
        text = f"every host of the migration is unreachable ({why}); "
        text += f"where {tracker.record.guest} runs is read from the next lists"
        self.milestones(tracker.lose(text, self.clock()), tracker)
        self.release(tracker)
