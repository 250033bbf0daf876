"""Runs the checklist: independent checks at once, blocked steps named, fixes applied on consent.

A fix first re-reads every file it edits and writes nothing if one changed since the plan was
shown; it backs each file up beside itself (``F.xentui-bak-<UTC stamp>``, never over an older
backup), replaces it whole (a temporary file renamed into place, with the old owner and mode:
see `xentui.setup.writes`), runs its commands, then checks the step again. Nothing is written
when the check already passes.

A confirmed fix runs in a task of its own: a caller that goes away (a screen closed, a first
Ctrl-C) does not cut it. ``stop()`` ends it after the file or command under way; ``close()``
waits for it before closing the connections it writes over.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from xentui.config import LabConfig
from xentui.listeners import notify
from xentui.remote.base import HostUnreachable
from xentui.setup.context import Context, FileUnreadable, NoGuestShell, OpenRunner
from xentui.setup.guest_steps import NO_SHELL
from xentui.setup.results import Finding, FixOutcome, FixPlan, Status, StepResult
from xentui.setup.steps import Step, build_steps
from xentui.setup.writes import WriteFailed, free_name, replace_file

log = logging.getLogger(__name__)

Confirm = Callable[[Step, FixPlan], Awaitable[bool]]
FIX_COMMAND_TIMEOUT_S = 60.0
_WHICH = {Status.FAILED: "failed", Status.UNKNOWN: "could not be checked"}


class Checklist:
    """The steps of one lab file, their latest results, and the fixes."""

    def __init__(
        self,
        config: LabConfig,
        *,
        open_runner: OpenRunner | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.steps = build_steps(config)
        self.by_id = {s.id: s for s in self.steps}
        self.ctx = Context(config, open_runner=open_runner)
        self.results: dict[str, StepResult] = {
            s.id: StepResult(s.id, Status.PENDING) for s in self.steps
        }
        self._wall = wall
        self._listeners: list[Callable[[StepResult], None]] = []
        self._fixes: set[asyncio.Task[FixOutcome]] = set()
        self.stopping = False
        """Set by ``stop()``: the fix under way ends after its current file; no other starts."""

    def add_listener(self, cb: Callable[[StepResult], None]) -> None:
        """Called with each new result (pending, then the verdict) as checks finish."""
        self._listeners.append(cb)

    def _set(self, result: StepResult) -> StepResult:
        self.results[result.step_id] = result
        notify(self._listeners, result, log, "checklist")  # one broken view stops no other
        return result

    @property
    def all_passed(self) -> bool:
        return all(r.status is Status.PASSED for r in self.results.values())

    async def _check(self, step: Step) -> StepResult:
        try:
            findings = await step.check(self.ctx)
        except HostUnreachable as exc:
            findings = [Finding(exc.host, Status.UNKNOWN, f"could not reach it: {exc.reason}")]
        except NoGuestShell:
            findings = [Finding("guest", Status.UNKNOWN, NO_SHELL)]
        except FileUnreadable as exc:
            findings = [Finding("-", Status.UNKNOWN, str(exc))]
        except Exception as exc:  # a check never crashes the checklist: it says what broke
            findings = [
                Finding("-", Status.UNKNOWN, f"the check broke: {type(exc).__name__}: {exc}")
            ]
        return StepResult.of(step.id, findings)

    def _blocked(self, step: Step) -> StepResult | None:
        bad = [r for r in step.requires if self.results[r].status is not Status.PASSED]
        if not bad:
            return None
        words = [
            f"step {self.by_id[r].number} ({self.by_id[r].title}), which "
            + _WHICH.get(self.results[r].status, "is blocked")
            for r in bad
        ]
        finding = Finding("-", Status.BLOCKED, "waits for " + "; ".join(words))
        return StepResult(step.id, Status.BLOCKED, (finding,), blocked_by=tuple(bad))

    async def run_step(self, step_id: str) -> StepResult:
        """Check one step again, judging its prerequisites by their latest results."""
        step = self.by_id[step_id]
        self._set(StepResult(step_id, Status.PENDING))
        return self._set(self._blocked(step) or await self._check(step))

    async def run_all(self) -> dict[str, StepResult]:
        """Every check; each starts as soon as its prerequisites have passed."""
        self.ctx.forget_failures()
        tasks: dict[str, asyncio.Task[StepResult]] = {}

        async def one(step: Step) -> StepResult:
            await asyncio.gather(*(tasks[r] for r in step.requires))
            return self._set(self._blocked(step) or await self._check(step))

        for step in self.steps:
            self._set(StepResult(step.id, Status.PENDING))
        for step in self.steps:
            tasks[step.id] = asyncio.create_task(one(step))
        await asyncio.gather(*tasks.values())
        return dict(self.results)

    async def plan_fix(self, step_id: str) -> FixPlan:
        step = self.by_id[step_id]
        if step.plan is None:
            return FixPlan(step_id, instructions=step.instructions)
        try:
            return await step.plan(self.ctx)
        except Exception as exc:  # the plan reads the hosts: any failure is shown, not raised
            return FixPlan(
                step_id, instructions=f"cannot plan the fix: {type(exc).__name__}: {exc}"
            )

    @property
    def fixing(self) -> bool:
        """A confirmed fix is still writing or running its commands."""
        return bool(self._fixes)

    def stop(self) -> None:
        """Ctrl-C: the fix under way stops after the file or command it is at; no other starts."""
        self.stopping = True

    def abort(self) -> None:
        """A second Ctrl-C: stop at once. A file is still old or new, never cut short."""
        self.stopping = True
        for task in self._fixes:
            task.cancel()

    async def apply_fix(self, plan: FixPlan) -> FixOutcome:
        """Apply a confirmed fix to its end (or to ``stop()``), whoever stops waiting for it."""
        task = asyncio.create_task(self._apply(plan), name=f"fix {plan.step_id}")
        self._fixes.add(task)
        task.add_done_callback(self._fixes.discard)
        return await asyncio.shield(task)

    async def _apply(self, plan: FixPlan) -> FixOutcome:
        """Check the files, prepare, back up, write, run, check again; stops at a failure."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self._wall()))
        backups: list[str] = []
        done: list[str] = []
        todo = [f"{e.host}:{e.path}" for e in plan.edits] + [f"`{c}`" for c in plan.commands]

        def stop(why: str) -> FixOutcome:
            return FixOutcome(plan.step_id, False, why, tuple(backups))

        def halted() -> FixOutcome:
            after = f"after {', '.join(done)}" if done else "before writing anything"
            left = f"; not done: {', '.join(todo)}" if todo else ""
            return stop(f"stopped on request {after}{left}")

        try:
            # every file first: a plan whose files moved on writes nothing at all
            for edit in plan.edits:
                if (await self.ctx.read_file(edit.host, edit.path, exact=True) or "") != edit.old:
                    where = f"{edit.host}:{edit.path}"
                    return stop(f"{where} changed since the plan was made: nothing written; "
                                "check again")  # fmt: skip
            for cmd in plan.prepare:
                if self.stopping:
                    return halted()
                if not (res := await self.ctx.run(cmd.host, cmd.argv)).ok:
                    return stop(f"`{cmd}` failed: {res.output or res.exit_status}")
            for edit in plan.edits:
                if self.stopping:
                    return halted()
                if edit.old or await self.ctx.read_file(edit.host, edit.path) is not None:
                    backup = await free_name(self.ctx, edit.host, f"{edit.path}.xentui-bak-{stamp}")
                    res = await self.ctx.run(edit.host, ["cp", "-p", edit.path, backup])
                    if not res.ok:
                        return stop(f"backup failed on {edit.host}: {res.output}")
                    backups.append(f"{edit.host}:{backup}")
                try:
                    await replace_file(self.ctx, edit.host, edit.path, edit.new, stamp=stamp)
                except WriteFailed as exc:
                    return stop(f"{exc}; {edit.path} on {edit.host} is as it was")
                done.append(todo.pop(0))
            for cmd in plan.commands:
                if self.stopping:
                    return halted()
                res = await self.ctx.run(cmd.host, cmd.argv, timeout=FIX_COMMAND_TIMEOUT_S)
                if not res.ok:
                    return stop(f"`{cmd}` failed: {res.output or res.exit_status}")
                done.append(todo.pop(0))
        except (HostUnreachable, NoGuestShell, FileUnreadable) as exc:
            return stop(f"fix stopped: {exc}")
        except Exception as exc:  # the edge: a surprise stops this fix with its words, not the app
            return stop(f"fix stopped: {type(exc).__name__}: {exc}")
        after = await self.run_step(plan.step_id)
        ok = after.status is Status.PASSED
        message = "fixed: the check passes now" if ok else f"applied, but {after.reason}"
        return FixOutcome(plan.step_id, ok, message, tuple(backups), after)

    async def fix_all(self, confirm: Confirm) -> list[FixOutcome]:
        """Walk the steps in order, fixing each failed one the presenter agrees to fix."""
        await self.run_all()
        outcomes: list[FixOutcome] = []
        changed = False
        for step in self.steps:
            if self.stopping:
                break
            result = self.results[step.id]
            if changed or result.status is Status.BLOCKED:
                result = await self.run_step(step.id)
            if result.status is not Status.FAILED or step.plan is None:
                continue
            plan = await self.plan_fix(step.id)
            if not plan.runnable or not await confirm(step, plan):
                continue
            outcomes.append(await self.apply_fix(plan))
            changed = True
        return outcomes

    async def close(self) -> None:
        """Close the connections once no fix is writing over them."""
        while self._fixes:
            await asyncio.gather(*self._fixes, return_exceptions=True)
        await self.ctx.close()
