"""The setup checklist screen (`w`): every step of the original demo's preparation with its
verdict, why, and a confirmed fix.

"The original demo" is the 2007 Xen demo xentui replays (the code's "seed"): the presenter is
told so once, under the title. Rows are numbered as its steps were (4a and 4b are two checks of
its step 4), results wrap in their column rather than being cut, and `a` / `c` say on the status
line that they run and, when done, what changed.
"""

from __future__ import annotations

import contextlib
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import DataTable, Static

from xentui.config import LabConfig
from xentui.setup.checklist import Checklist
from xentui.setup.context import OpenRunner
from xentui.setup.report import changes, summary
from xentui.setup.results import FixPlan, Status, StepResult
from xentui.setup.steps import Step
from xentui.tui.format import plain, printable
from xentui.tui.screens.fix import FixDialog
from xentui.tui.widgets.checklist_table import STYLES, ChecklistTable
from xentui.tui.widgets.key_bar import KeyBar

INTRO = (
    "The original demo is the 2007 Xen live-migration demo xentui replays: each row checks one "
    "of the steps it took to prepare the hosts, numbered as it had them."
)
"""Said once, under the title: what "the original demo" is, for a presenter who never saw it."""


class SetupScreen(Screen[None]):
    """Runs all checks on arrival; ``a`` again, ``c`` this step, ``f`` fix it, Esc back."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape", "back", "Back", id="setup.back"),
        # the setup key again closes it, rather than stacking ([keys] moves it: the app's id)
        Binding("w", "back", show=False, id="setup"),
        Binding("a", "check_all", "Check all", id="setup.all"),
        Binding("c", "check_one", "Check", id="setup.one"),
        Binding("f", "fix", "Fix", id="setup.fix"),
        Binding("j", "move(1)", show=False),  # as the arrows, for hands used to vi and less
        Binding("k", "move(-1)", show=False),
    ]
    DEFAULT_CSS = """
    SetupScreen #setup-intro { color: $text-muted; }
    SetupScreen #setup-status { text-style: bold; }
    SetupScreen #setup-table { height: auto; max-height: 60%; }
    SetupScreen #setup-detail { height: 1fr; }
    """

    def __init__(self, config: LabConfig, *, open_runner: OpenRunner | None = None) -> None:
        super().__init__(id="setup")
        self.checklist = Checklist(config, open_runner=open_runner)
        self.checklist.add_listener(self._on_result)
        self.last_fix: str = ""
        """The latest fix's outcome (also kept per step in ``fix_notes``)."""
        self.fix_notes: dict[str, str] = {}
        """Step id -> what its last fix did: the detail pane shows the selected step's only."""
        self.status: str = ""
        """The status line: a check under way, then what it changed, and the counts."""
        self._fixing = False
        """From ``f`` until the fix's result (or a no): a second ``f`` is refused meanwhile."""
        self._applying: Step | None = None
        """The step whose confirmed fix is running, in the app's worker (it outlives the screen)."""
        self._left = False
        self._arrived = True
        """Until the first check ends: then the cursor goes to the first failing step."""
        self._redraw_due = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Setup checklist · the original demo's steps", "bold"), id="setup-title")
        yield Static(Text(INTRO), id="setup-intro")
        yield Static(id="setup-status")
        yield ChecklistTable(id="setup-table")
        with VerticalScroll(id="setup-detail"):
            yield Static(id="setup-why")
        yield KeyBar(only=("setup.back", "setup.all", "setup.one", "setup.fix", "help", "quit"))

    def on_mount(self) -> None:
        self._redraw()
        self.action_check_all()

    def _redraw(self) -> None:
        self._redraw_due = False
        self.query_one(ChecklistTable).show(self.checklist.steps, self.checklist.results)
        self._show_detail()

    def _on_result(self, result: StepResult) -> None:
        if not self.is_mounted or self._left or self._redraw_due:
            return
        self._redraw_due = True  # one redraw for a burst of results
        self.call_after_refresh(self._redraw_if_here)

    def _redraw_if_here(self) -> None:
        if self._left or not self.is_mounted:
            return
        with contextlib.suppress(NoMatches):  # a fix that outlives the screen reports late
            self._redraw()

    @property
    def selected(self) -> Step | None:
        table = self.query_one("#setup-table", DataTable)
        if not self.checklist.steps:
            return None
        row = min(max(table.cursor_row, 0), len(self.checklist.steps) - 1)
        return self.checklist.steps[row]

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def action_move(self, by: int) -> None:
        table = self.query_one("#setup-table", DataTable)
        table.move_cursor(row=min(max(table.cursor_row + by, 0), table.row_count - 1))

    def _show_detail(self) -> None:
        step = self.selected
        if step is None:
            return
        result = self.checklist.results[step.id]
        text = Text()
        text.append(f"Step {step.number}: {step.title}\n", style="bold")
        text.append(f"on {step.applies_to}\n\n", style="dim")
        text.append(f"{step.why}\n\nIn the original demo:\n")
        text.append(step.seed_text + "\n\n", style="cyan")
        for f in result.findings:  # the hosts' words and files: inert, never markup
            line = f"{f.status.symbol} {f.where}: {f.reason}"
            text.append_text(plain(line, STYLES[f.status], newlines=True)).append("\n")
            if f.found and f.status is not Status.PASSED:
                found = printable(f.found.strip(), newlines=True).replace("\n", "\n  ")
                text.append("  " + found + "\n", style="dim")
        if step.plan is None and step.instructions:
            text.append(f"\nBy hand: {step.instructions}\n")
        elif step.plan is not None and result.status is Status.FAILED:
            text.append("\nf shows the fix and asks before applying it.\n")
        if note := self.fix_notes.get(step.id):
            text.append(f"\n{printable(note, newlines=True)}\n", style="italic")
        self.query_one("#setup-why", Static).update(text)

    def _say(self, status: str) -> None:
        self.status = status
        if not self._left:
            self.query_one("#setup-status", Static).update(plain(status))

    def _statuses(self) -> dict[str, Status]:
        return {step_id: r.status for step_id, r in self.checklist.results.items()}

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def action_check_all(self) -> None:
        before, arriving = self._statuses(), self._arrived
        n = len(self.checklist.steps)
        self._say(f"Checking all {n} steps…")
        await self.checklist.run_all()
        counts = summary(self.checklist.steps, self.checklist.results)
        if arriving:
            self._arrived = False
            self._say(counts)
            self._to_first_failure()
        else:
            said = changes(self.checklist.steps, before, self.checklist.results)
            self._say(f"Checked all {n} again: {said} · {counts}")

    def _to_first_failure(self) -> None:
        """The cursor starts where there is work: the first failed step, if the presenter has
        not moved it meanwhile."""
        table = self.query_one("#setup-table", DataTable)
        failed = [i for i, s in enumerate(self.checklist.steps) if self._is_failed(s)]
        if failed and table.cursor_row == 0:
            table.move_cursor(row=failed[0], animate=False)

    def _is_failed(self, step: Step) -> bool:
        return self.checklist.results[step.id].status is Status.FAILED

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def action_check_one(self) -> None:
        if (step := self.selected) is None:
            return
        before = self._statuses()
        self._say(f"Checking step {step.number}…")
        result = await self.checklist.run_step(step.id)
        changed = changes([step], before, self.checklist.results)
        if changed == "nothing changed":
            changed = f"still {result.status.value}"
        self._say(f"Step {step.number} checked again: {changed}")

    def action_back(self) -> None:
        """Leave the checklist; a confirmed fix still runs to its end and reports when done."""
        if (step := self._applying) is not None:
            self.notify(
                f"The fix for step {step.number} finishes first, so no file is left half-written; "
                "its result will show here when it ends.",
                markup=False,
            )
        self.dismiss()

    def action_fix(self) -> None:
        if self._fixing:  # never cancel a fix half-way through its writes: refuse a second one
            self.notify("A fix is running: wait for it to finish.", markup=False)
            return
        self._fixing = True
        self._fix()

    @work(group="setup-fix", exit_on_error=False)
    async def _fix(self) -> None:
        asking = False
        try:
            asking = await self._ask_fix()
        finally:
            self._fixing = asking  # until the dialog's answer

    async def _ask_fix(self) -> bool:
        """Plan the selected step's fix and show it; True when the dialog is up."""
        step = self.selected
        if step is None:
            return False
        if self.checklist.results[step.id].status is not Status.FAILED:
            self.notify(f"Step {step.number} has not failed: nothing to fix.", markup=False)
            return False
        plan = await self.checklist.plan_fix(step.id)
        if not plan.runnable:
            self._noted(step, f"Step {step.number} is fixed by hand: {plan.describe()}")
            return False
        self.app.push_screen(FixDialog(step, plan), partial(self._answered, step, plan))
        return True

    def _answered(self, step: Step, plan: FixPlan, yes: bool | None) -> None:
        """As the dialog closes: a yes starts the fix at once in a worker of the app's, not this
        screen's, so that an Esc right after it or the screen closing never cuts it short."""
        if not yes:
            self._fixing = False
            self._noted(step, f"Fix for step {step.number} cancelled: nothing changed.")
            return
        self._applying = step
        self.app.run_worker(
            self._apply(step, plan),
            name=f"fix step {step.number}",
            group="setup-fix",
            exit_on_error=False,
        )

    async def _apply(self, step: Step, plan: FixPlan) -> None:
        app = self.app
        try:
            outcome = await self.checklist.apply_fix(plan)
            if outcome.ok and not self._left:
                await self.checklist.run_all()  # steps that waited on this one can run now
        finally:
            self._applying, self._fixing = None, False
            if self._left:  # the screen is gone: its connections close with the fix
                await self.checklist.close()
        backups = f" Backups: {', '.join(outcome.backups)}." if outcome.backups else ""
        self._noted(step, f"Fix for step {step.number}: {outcome.message}.{backups}")
        severity: SeverityLevel = "information" if outcome.ok else "error"
        app.notify(printable(self.last_fix, newlines=True), severity=severity, markup=False)

    def _noted(self, step: Step, note: str) -> None:
        """A fix's outcome, shown under its own step (not under whichever step is selected)."""
        self.last_fix = self.fix_notes[step.id] = note
        if not self._left:
            self._show_detail()

    async def on_unmount(self) -> None:
        self._left = True
        if self._applying is None:  # else the fix closes them when it ends
            await self.checklist.close()
