"""A migration timeline from the migrate command and both hosts' lists (pure: callers pass t)."""

from __future__ import annotations

import dataclasses

from xentui.model import (
    Domain,
    DomainState,
    HostSnapshot,
    JobInfo,
    MigrationPhase,
    MigrationProgress,
    MigrationRecord,
    MigrationRole,
)

P = MigrationPhase


class MigrationTracker:
    """Follows one guest from ``source`` to ``target``; every method returns the new milestones.

    The lists are the ground truth: the command's end only says what the tool thought, and its
    channel may drop while the guest moves on, so completion is read from the lists (running on
    the target under its own name, gone from the source).
    """

    def __init__(
        self,
        guest: str,
        source: str,
        target: str,
        *,
        live: bool,
        t: float,
        forecast_s: float | None = None,
    ) -> None:
        self.record = MigrationRecord(
            guest=guest,
            source=source,
            target=target,
            live=live,
            guest_now_on=source,
            forecast_s=forecast_s,
        )
        self.memory: int | None = None
        """The guest's memory in bytes when the migration began, where its list says."""
        self.figures_pending = False
        """True from the first job reading until the finished job's figures were asked for."""
        self.command_ok: bool | None = None
        self.command_lost = False
        self.lost_reason = ""
        self.busy_token: object = None
        """The engine's busy entry this migration holds: released only if still its own."""
        self._on: dict[str, Domain | None] = {}
        self._add(P.REQUESTED, t)

    # --- inputs -------------------------------------------------------------------------------

    def started(self, t: float) -> list[MigrationPhase]:
        """The migrate command's channel opened on the source."""
        return self._add(P.STARTED, t)

    def observe(self, snap: HostSnapshot) -> list[MigrationPhase]:
        """A list from either host; other hosts' lists are ignored."""
        rec = self.record
        if snap.host not in (rec.source, rec.target) or rec.outcome is P.COMPLETED:
            return []
        dom = snap.find(rec.guest)
        # a defined but stopped domain (virsh's persistent source after the move) is not there
        dom = dom if dom is not None and dom.active else None
        self._on[snap.host] = dom
        if rec.finished:
            return self._correct(snap.t)
        new: list[MigrationPhase] = []
        if snap.host == rec.source and dom is not None and dom.migration is MigrationRole.OUTGOING:
            new += self._add(P.RENAMED_ON_SOURCE, snap.t)
        if snap.host == rec.target and dom is not None:
            new += self._add(P.SEEN_ON_TARGET, snap.t)
        if self._arrived():
            new += self._add(P.COMPLETED, snap.t, now_on=rec.target)
        elif self.command_lost and self._back_on_source():
            new += self._fail(
                snap.t, f"{rec.guest} is running on {rec.source} again, not on {rec.target}"
            )
        return new

    def command_finished(self, ok: bool, message: str, t: float) -> list[MigrationPhase]:
        """The migrate command ended: on failure the timeline ends here with the tool's text.

        A command ends once; a second report (a retried wait, a late duplicate) changes nothing.
        """
        if self.command_ok is not None:
            return []
        self.command_ok = ok
        if self.record.finished:
            return []
        if not ok:
            return self._fail(t, message or "the migrate command failed without a message")
        return self._add(P.COMPLETED, t, now_on=self.record.target) if self._arrived() else []

    def channel_lost(self, reason: str) -> None:
        """The command's connection dropped: keep following the lists, the guest may still move.

        The engine reported the command as failed: an arrival after this says it corrects it."""
        self.command_lost = True
        self.lost_reason = reason
        if not self.record.finished:  # a lost migration stays "lost" in the words
            self._reported("failed")

    def lose(self, reason: str, t: float) -> list[MigrationPhase]:
        """Every host of the migration is unreachable: where the guest is cannot be known, so
        the migration ends here as lost; the next lists of both hosts decide (``_correct``)."""
        if self.record.finished:
            return []
        self._on.clear()  # what the hosts said before they went silent decides nothing
        self._reported("lost")
        self.record = dataclasses.replace(self.record, message=reason)
        return self._add(P.LOST, t, now_on=self.record.guest_now_on)

    def progress(self, reading: MigrationProgress) -> None:
        """The hypervisor's latest reading of the running job (ignored once it ended)."""
        if not self.record.finished:
            self.record = dataclasses.replace(self.record, progress=reading)

    def hypervisor_figures(self, job: JobInfo) -> None:
        """The finished job's own figures (downtime, total time), kept beside the timeline."""
        self.record = dataclasses.replace(self.record, hypervisor=job)

    def give_up(self, reason: str, t: float) -> list[MigrationPhase]:
        """No outcome within the deadline: a failure that says where the guest was last seen."""
        return [] if self.record.finished else self._fail(t, reason)

    def _reported(self, what: str) -> None:
        self.record = dataclasses.replace(self.record, reported=what)

    def _correct(self, t: float) -> list[MigrationPhase]:
        """After a failure or a loss the lists still speak: the guest running on the target
        (gone from the source) completes it after all; after a loss, the guest running on the
        source alone fails it (it did not move). Each said as a correction of what was said."""
        rec = self.record
        if self._arrived(after_end=True):
            return self._add(P.COMPLETED, t, now_on=rec.target, after_end=True)
        here, there = self._on.get(rec.source), self._on.get(rec.target)
        both_seen = rec.source in self._on and rec.target in self._on
        stayed = here is not None and here.migration is None and there is None
        if rec.outcome is P.LOST and both_seen and stayed:
            why = f"after it was lost, {rec.source} lists {rec.guest} and {rec.target} not"
            self.record = dataclasses.replace(rec, message=why, guest_now_on=rec.source)
            return self._add(P.FAILED, t, now_on=rec.source, after_end=True)
        return []

    # --- reading the lists ----------------------------------------------------------------------

    def _arrived(self, *, after_end: bool = False) -> bool:
        rec = self.record
        if rec.target not in self._on or rec.source not in self._on:
            return False
        there, here = self._on[rec.target], self._on[rec.source]
        if here is not None or there is None or there.migration is not None or not there.active:
            return False
        # xm creates the target paused and unpauses it at the end; a paused guest stays paused
        # (after a failure or a loss, only a running guest is taken as arrived)
        paused = there.state is DomainState.PAUSED
        return not paused or (self.command_ok is True and not after_end)

    def _back_on_source(self) -> bool:
        rec = self.record
        if rec.target not in self._on or rec.at(P.RENAMED_ON_SOURCE) is None:
            return False
        here = self._on.get(rec.source)
        return here is not None and here.migration is None and self._on[rec.target] is None

    def where_now(self) -> str | None:
        rec = self.record
        there, here = self._on.get(rec.target), self._on.get(rec.source)
        if there is not None and there.migration is None and there.state is not DomainState.PAUSED:
            return rec.target
        if here is not None:
            return rec.source
        if there is not None:
            return rec.target
        return rec.guest_now_on

    # --- building the record ------------------------------------------------------------------

    def _add(
        self, phase: MigrationPhase, t: float, now_on: str | None = None, *, after_end: bool = False
    ) -> list[P]:
        rec = self.record
        if (rec.finished and not after_end) or rec.at(phase) is not None:
            return []
        self.record = dataclasses.replace(
            rec,
            milestones=(*rec.milestones, (phase, t)),
            guest_now_on=now_on or self.where_now(),
        )
        return [phase]

    def _fail(self, t: float, message: str) -> list[MigrationPhase]:
        where = self.where_now()
        text = message.strip()
        if self.lost_reason:
            text += f" (the migrate command's channel was lost: {self.lost_reason})"
        if where:
            text += f" ({self.record.guest} is on {where})"
        self.record = dataclasses.replace(self.record, message=text, reported="failed")
        return self._add(P.FAILED, t, now_on=where)
