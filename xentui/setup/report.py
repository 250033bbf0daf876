"""The checklist in plain text (a terminal or a CI log) and as JSON (a script)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from xentui.setup.results import FixOutcome, Status, StepResult
from xentui.setup.steps import Step
from xentui.textsafe import printable


def step_lines(step: Step, result: StepResult, *, verbose: bool = False) -> list[str]:
    head = f"{result.status.symbol} {step.number}. {step.title}  [{step.applies_to}]"
    lines = [head]
    for finding in result.findings:
        if finding.status is result.status or verbose:
            # where, reason and found come from the hosts' files and tools: shown inert
            where = "" if finding.where == "-" else f"{printable(finding.where)}: "
            reason = printable(finding.reason, newlines=True).replace("\n", "\n      ")
            lines.append(f"    {finding.status.symbol} {where}{reason}")
            if finding.found and finding.status is not result.status.PASSED:
                found = printable(finding.found.strip(), newlines=True)
                found = found.replace("\n", "\n        | ")
                lines.append(f"        | {found}")
    if step.plan is None and result.status in (result.status.FAILED, result.status.UNKNOWN):
        lines.append("    by hand: " + step.instructions.replace("\n", "\n      "))
    return lines


def render_text(
    steps: Sequence[Step], results: Mapping[str, StepResult], *, verbose: bool = False
) -> str:
    lines: list[str] = []
    for step in steps:
        lines += step_lines(step, results[step.id], verbose=verbose)
    lines.append(summary(steps, results))
    return "\n".join(lines)


def summary(steps: Sequence[Step], results: Mapping[str, StepResult]) -> str:
    """``10 checks (steps 1-9, 4 as 4a and 4b): 8 passed, 2 failed``: the rows counted are the
    rows shown, so the numbers add up to what the presenter sees."""
    counts: dict[str, int] = {}
    for step in steps:
        status = results[step.id].status.value
        counts[status] = counts.get(status, 0) + 1
    split = sorted({s.seed for s in steps if s.part})
    seeds = sorted({s.seed for s in steps})
    span = (
        f"steps {seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else f"step {seeds[0]}" if seeds else ""
    )
    parts = ", ".join(
        f"{n} as " + " and ".join(s.number for s in steps if s.seed == n) for n in split
    )
    where = f" ({span}, {parts})" if parts else f" ({span})" if span else ""
    said = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{len(steps)} checks{where}: {said}"


def changes(
    steps: Sequence[Step], before: Mapping[str, Status], after: Mapping[str, StepResult]
) -> str:
    """What a check run again changed, by row: ``4b failed → passed; 5 blocked → passed``."""
    moved = [
        f"{s.number} {before[s.id].value} → {after[s.id].status.value}"
        for s in steps
        if before[s.id] is not after[s.id].status and before[s.id] is not Status.PENDING
    ]
    return "; ".join(moved) if moved else "nothing changed"


def to_json(
    steps: Sequence[Step],
    results: Mapping[str, StepResult],
    fixes: Sequence[FixOutcome] = (),
) -> str:
    doc = {
        "passed": all(results[s.id].status.value == "passed" for s in steps),
        "steps": [
            {
                "id": step.id,
                "seed_step": step.seed,
                "step": step.number,
                "title": step.title,
                "applies_to": step.applies_to,
                "status": results[step.id].status.value,
                "blocked_by": list(results[step.id].blocked_by),
                "findings": [
                    {
                        "where": f.where,
                        "status": f.status.value,
                        "reason": f.reason,
                        "found": f.found,
                    }
                    for f in results[step.id].findings
                ],
            }
            for step in steps
        ],
        "fixes": [
            {"step": o.step_id, "ok": o.ok, "message": o.message, "backups": list(o.backups)}
            for o in fixes
        ],
    }
    # ASCII only: a host's bidi or C1 character is a \u escape in the JSON, never raw
    return json.dumps(doc, indent=2)
