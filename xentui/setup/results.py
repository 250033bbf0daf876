"""What a check found and what a fix will do: plain records the CLI and the setup screen show."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    BLOCKED = "blocked"
    PENDING = "pending"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_SYMBOLS = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.UNKNOWN: "?",
    Status.BLOCKED: "⊘",
    Status.PENDING: "…",
}
_RANK = {Status.PASSED: 0, Status.UNKNOWN: 1, Status.FAILED: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check looked at on one machine: the verdict, why in words, what it saw."""

    where: str
    status: Status
    reason: str
    found: str = ""
    kind: str = ""
    """What a fix planner tells findings apart by (``no-pub``, ``unknown-host-key``...), so that
    rewording ``reason`` for people never changes which fix is offered."""
    subject: str = ""
    """The path or name the finding is about, when a fix needs it (the private key's path)."""


@dataclass(frozen=True, slots=True)
class StepResult:
    step_id: str
    status: Status
    findings: tuple[Finding, ...] = ()
    blocked_by: tuple[str, ...] = ()

    @classmethod
    def of(cls, step_id: str, findings: Sequence[Finding]) -> StepResult:
        """The step's verdict is its worst finding's: failed over unknown over passed."""
        if not findings:
            return cls(step_id, Status.UNKNOWN, (Finding("-", Status.UNKNOWN, "nothing checked"),))
        worst = max((f.status for f in findings), key=lambda s: _RANK.get(s, 1))
        return cls(step_id, worst, tuple(findings))

    @property
    def reason(self) -> str:
        """The first finding that explains the verdict, in one line."""
        for f in self.findings:
            if f.status == self.status:
                return f.reason if f.where == "-" else f"{f.where}: {f.reason}"
        return self.findings[0].reason if self.findings else ""


@dataclass(frozen=True, slots=True)
class FileEdit:
    """A whole-file rewrite of one remote file, kept as old and new text to show the diff."""

    host: str
    path: str
    old: str
    new: str
    exists: bool = True

    @property
    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"{self.host}:{self.path}",
            tofile=f"{self.host}:{self.path} (after the fix)",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True, slots=True)
class Command:
    host: str
    argv: tuple[str, ...]

    def __str__(self) -> str:
        import shlex

        return f"{self.host}$ {shlex.join(self.argv)}"


@dataclass(frozen=True, slots=True)
class FixPlan:
    """Everything a fix will do, shown before it runs: ``prepare``, file edits, then commands."""

    step_id: str
    edits: tuple[FileEdit, ...] = ()
    commands: tuple[Command, ...] = ()
    instructions: str = ""
    """Set when the fix is for a person to do: then there is nothing to run."""
    notes: tuple[str, ...] = field(default=())
    prepare: tuple[Command, ...] = ()
    """Commands the edits need first (a folder for a new file); each must be harmless to repeat."""

    @property
    def runnable(self) -> bool:
        return bool(self.prepare or self.edits or self.commands) and not self.instructions

    def describe(self) -> str:
        parts: list[str] = []
        if self.instructions:
            parts.append(self.instructions)
        if self.prepare:
            parts.append("first run:")
            parts.extend(f"  {c}" for c in self.prepare)
        for edit in self.edits:
            if parts:  # a blank line: where one file's diff ends and the next begins
                parts.append("")
            parts.append(f"edit {edit.host}:{edit.path} (a backup is written first):")
            parts.append(edit.diff.rstrip("\n"))
        if self.commands:
            parts.append("then run:")
            parts.extend(f"  {c}" for c in self.commands)
        parts.extend(self.notes)
        return "\n".join(parts) if parts else "nothing to do"


@dataclass(frozen=True, slots=True)
class FixOutcome:
    step_id: str
    ok: bool
    message: str
    backups: tuple[str, ...] = ()
    after: StepResult | None = None
