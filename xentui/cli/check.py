"""`xentui check`: the seed's setup checklist headless, like a check mode in a CI job.

Exit 0 when every step passes, 1 when any does not, 2 for a lab-file error. ``--fix`` shows
each fix (commands and file diff) and applies it after a yes on the terminal, or at once with
``--yes``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TYPE_CHECKING, TextIO

from xentui.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.setup.results import FixOutcome, FixPlan
    from xentui.setup.steps import Step


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="run the setup checklist (exit 0 all pass, 1 something fails, 2 bad lab file)",
        description="Check the seed's preparation steps on the lab file's hosts and guest.",
    )
    # SUPPRESS: given before the subcommand, the top-level --config must survive
    p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="the lab file")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--fix", action="store_true", help="apply the fixes, asking first")
    p.add_argument("--yes", action="store_true", help="with --fix: do not ask")
    p.add_argument("-v", "--verbose", action="store_true", help="show every finding")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xentui.config import ConfigError, find_config, load_config

    try:
        config = load_config(find_config(getattr(args, "config", None)))
    except ConfigError as exc:
        emit(f"xentui check: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return asyncio.run(_run(config, args))
    except BrokenPipeError:  # the reader left while fixes were still being shown
        _quiet_stdout()
        return EXIT_FAILED


async def _run(config: LabConfig, args: argparse.Namespace) -> int:
    from xentui.setup.checklist import Checklist
    from xentui.setup.report import render_text, to_json

    checklist = Checklist(config)
    out = sys.stderr if args.json else sys.stdout
    outcomes: list[FixOutcome] = []
    try:
        if args.fix:

            async def confirm(step: Step, plan: FixPlan) -> bool:
                emit(f"\nFix for step {step.seed}: {step.title}", file=out)
                emit(plan.describe(), file=out)
                if args.yes:
                    return True
                return await asyncio.to_thread(_ask, "Apply this fix? [y/N] ", out)

            outcomes = await checklist.fix_all(confirm)
            for o in outcomes:
                mark = "✓" if o.ok else "✗"
                extra = f" (backups: {', '.join(o.backups)})" if o.backups else ""
                emit(f"{mark} fix {o.step_id}: {o.message}{extra}", file=out)
            emit("", file=out)
        else:
            await checklist.run_all()
    finally:
        await checklist.close()
    code = EXIT_OK if checklist.all_passed else EXIT_FAILED
    try:
        if args.json:
            emit(to_json(checklist.steps, checklist.results, outcomes))
        else:
            emit(render_text(checklist.steps, checklist.results, verbose=args.verbose))
        sys.stdout.flush()
    except BrokenPipeError:  # `xentui check | head`: the verdict still decides the exit code
        _quiet_stdout()
    return code


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _ask(prompt: str, out: TextIO) -> bool:
    """A yes from the terminal; the prompt goes where the report goes, never into --json."""
    emit(prompt, end="", file=out, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        emit("(no answer: not applied)", file=out)
    return answer.strip().lower() in ("y", "yes")
