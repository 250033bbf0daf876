"""The setup checklist screen (`w`): every seed step with its verdict, why, and a confirmed fix."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from xentui.config import LabConfig
from xentui.setup.checklist import Checklist
from xentui.setup.context import OpenRunner
from xentui.setup.results import FixPlan, Status, StepResult
from xentui.setup.steps import Step
from xentui.tui.format import plain, printable
from xentui.tui.widgets.key_bar import KeyBar

STYLES = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.UNKNOWN: "yellow",
    Status.BLOCKED: "dim",
    Status.PENDING: "dim",
}


class FixDialog(ModalScreen[bool]):
    """The fix's commands and diff; ``y`` applies it, ``n`` or Esc leaves everything as it is."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("y", "answer(True)", "Apply", id="fix.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="fix.no"),
    ]

    def __init__(self, step: Step, plan: FixPlan) -> None:
        super().__init__(id="fix-dialog")
        self.step, self.plan = step, plan

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Fix step {self.step.seed}: {self.step.title}"), id="dialog-title")
            with VerticalScroll(id="fix-plan"):
                yield Static(_diff_text(self.plan.describe()))
            yield Static(Text("y apply · n / Esc cancel", style="dim"), id="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def _diff_text(text: str) -> Text:
    """The plan's commands and diff, coloured by line; the files' lines are shown inert."""
    out = Text()
    for line in printable(text, newlines=True).splitlines(keepends=True):
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        out.append(line, style=style)
    return out


def _short(reason: str, width: int = 72) -> str:
    return reason if len(reason) <= width else reason[: width - 1] + "…"


class SetupScreen(Screen[None]):
    """Runs all checks on arrival; ``a`` again, ``c`` this step, ``f`` fix it, Esc back."""

    BINDINGS = [  # noqa: RUF012 - Textual's own API
        Binding("escape", "back", "Back", id="setup.back"),
        Binding("w", "back", show=False),  # `w` again closes it, rather than stacking
        Binding("a", "check_all", "Check all", id="setup.all"),
        Binding("c", "check_one", "Check", id="setup.one"),
        Binding("f", "fix", "Fix", id="setup.fix"),
    ]
    DEFAULT_CSS = """
    SetupScreen #setup-table { height: auto; max-height: 60%; }
    SetupScreen #setup-detail { height: 1fr; }
    """

    def __init__(self, config: LabConfig, *, open_runner: OpenRunner | None = None) -> None:
        super().__init__(id="setup")
        self.checklist = Checklist(config, open_runner=open_runner)
        self.checklist.add_listener(self._on_result)
        self.last_fix: str = ""
        self._fixing = False
        """From ``f`` until the fix's result (or a no): a second ``f`` is refused meanwhile."""
        self._applying: Step | None = None
        """The step whose confirmed fix is running, in the app's worker (it outlives the screen)."""
        self._left = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Setup checklist · the seed's preparation steps"), id="setup-title")
        table: DataTable[Text] = DataTable(id="setup-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="setup-detail"):
            yield Static(id="setup-why")
        yield KeyBar(only=("setup.back", "setup.all", "setup.one", "setup.fix", "help", "quit"))

    def on_mount(self) -> None:
        table = self.query_one("#setup-table", DataTable)
        for key, label in (("mark", ""), ("seed", "#"), ("title", "step"), ("why", "result")):
            table.add_column(label, key=key)
        for step in self.checklist.steps:
            result = self.checklist.results[step.id]
            table.add_row(*self._cells(step, result), key=step.id)
        self._show_detail()
        self.action_check_all()

    @staticmethod
    def _cells(step: Step, result: StepResult) -> tuple[Text, ...]:
        style = STYLES[result.status]
        return (
            Text(result.status.symbol, style=style),
            Text(str(step.seed)),
            Text(step.title),
            plain(result.reason if result.status is not Status.PENDING else "checking…", style),
        )

    def _on_result(self, result: StepResult) -> None:
        if not self.is_mounted or self._left:
            return
        try:  # a fix that outlives the screen reports its re-check while the screen comes down
            table = self.query_one("#setup-table", DataTable)
        except NoMatches:
            return
        step = self.checklist.by_id[result.step_id]
        for key, cell in zip(
            ("mark", "seed", "title", "why"), self._cells(step, result), strict=True
        ):
            table.update_cell(step.id, key, cell, update_width=True)
        if self.selected is not None and self.selected.id == step.id:
            self._show_detail()

    @property
    def selected(self) -> Step | None:
        table = self.query_one("#setup-table", DataTable)
        if not self.checklist.steps:
            return None
        row = min(max(table.cursor_row, 0), len(self.checklist.steps) - 1)
        return self.checklist.steps[row]

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        step = self.selected
        if step is None:
            return
        result = self.checklist.results[step.id]
        text = Text()
        text.append(f"Step {step.seed}: {step.title}\n", style="bold")
        text.append(f"on {step.applies_to}\n\n", style="dim")
        text.append(f"{step.why}\n\nThe seed says:\n")
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
        if self.last_fix:
            text.append(f"\n{printable(self.last_fix, newlines=True)}\n", style="italic")
        self.query_one("#setup-why", Static).update(text)

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def action_check_all(self) -> None:
        await self.checklist.run_all()

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def action_check_one(self) -> None:
        if (step := self.selected) is not None:
            await self.checklist.run_step(step.id)

    def action_back(self) -> None:
        """Leave the checklist; a confirmed fix still runs to its end and reports when done."""
        if (step := self._applying) is not None:
            self.notify(
                f"The fix for step {step.seed} finishes first, so no file is left half-written; "
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
            self.notify(f"Step {step.seed} has not failed: nothing to fix.", markup=False)
            return False
        plan = await self.checklist.plan_fix(step.id)
        if not plan.runnable:
            self.last_fix = f"Step {step.seed} is fixed by hand: {plan.describe()}"
            self._show_detail()
            return False
        self.app.push_screen(FixDialog(step, plan), partial(self._answered, step, plan))
        return True

    def _answered(self, step: Step, plan: FixPlan, yes: bool | None) -> None:
        """As the dialog closes: a yes starts the fix at once in a worker of the app's, not this
        screen's, so that an Esc right after it or the screen closing never cuts it short."""
        if not yes:
            self._fixing = False
            self.last_fix = f"Fix for step {step.seed} cancelled: nothing changed."
            self._show_detail()
            return
        self._applying = step
        self.app.run_worker(
            self._apply(step, plan),
            name=f"fix step {step.seed}",
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
        self.last_fix = f"Fix for step {step.seed}: {outcome.message}.{backups}"
        if not self._left:
            self._show_detail()
        severity: SeverityLevel = "information" if outcome.ok else "error"
        app.notify(printable(self.last_fix, newlines=True), severity=severity, markup=False)

    async def on_unmount(self) -> None:
        self._left = True
        if self._applying is None:  # else the fix closes them when it ends
            await self.checklist.close()
