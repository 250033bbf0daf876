"""`xentui check`: the seed's setup checklist headless, like a check mode in a CI job.

Exit 0 when every step passes, 1 when any does not, 2 for a lab-file error. ``--fix`` shows
each fix (commands and file diff) and applies it after a yes on the terminal, or at once with
``--yes``. Ctrl-C during a fix lets the file or command under way finish, so that no file is
left half-written, then stops, saying so (exit 130); a second Ctrl-C stops at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from xentui.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.setup.checklist import Checklist
    from xentui.setup.results import FixOutcome, FixPlan
    from xentui.setup.steps import Step

EXIT_INTERRUPTED = 130  # the shell's 128 + SIGINT


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="run the setup checklist (exit 0 all pass, 1 something fails, 2 bad lab file)",
        description="Check the original demo's preparation steps on the lab file's hosts.",
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
    except asyncio.CancelledError:  # Ctrl-C outside a fix, or a second one during it
        return EXIT_INTERRUPTED


async def _run(config: LabConfig, args: argparse.Namespace) -> int:
    from xentui.setup.checklist import Checklist
    from xentui.setup.report import render_text, to_json

    checklist = Checklist(config)
    out = sys.stderr if args.json else sys.stdout
    outcomes: list[FixOutcome] = []
    try:
        if args.fix:

            async def confirm(step: Step, plan: FixPlan) -> bool:
                emit(f"\nFix for step {step.number}: {step.title}", file=out)
                emit(plan.describe(), file=out)
                if args.yes:
                    return True
                return await asyncio.to_thread(_ask, "Apply this fix? [y/N] ", out)

            with _stop_after_the_file(checklist, out):
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
    code = EXIT_INTERRUPTED if checklist.stopping else code
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


@contextlib.contextmanager
def _stop_after_the_file(checklist: Checklist, out: TextIO) -> Iterator[None]:
    """Ctrl-C while a fix writes: it ends after the file or command under way, and says so.

    Python's own Ctrl-C cancels at once: the fix stopped between two hosts' files, or with a
    connection closed under a write. A second Ctrl-C, or one while no fix runs, still does.
    """
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()

    def on_sigint() -> None:
        if checklist.fixing and not checklist.stopping:
            checklist.stop()
            emit(
                "\nCtrl-C: the fix stops once the file or command under way is done, so that "
                "no file is left half-written (Ctrl-C again stops at once)",
                file=out,
                flush=True,
            )
            return
        checklist.abort()
        if main is not None:
            main.cancel()

    before = signal.getsignal(signal.SIGINT)
    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread: as it was
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if before is not None:  # asyncio.run's own, which turns a Ctrl-C into a cancel
            signal.signal(signal.SIGINT, before)
