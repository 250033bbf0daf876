"""`xentui report RUN.jsonl` and `xentui replay RUN.jsonl [--speed N]` (issue 15)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.cli import EXIT_CONFIG, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.record.reader import Run


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "report",
        help="a recorded run as an HTML page and a Markdown file with plots",
        description="Write RUN.html (self-contained) and RUN.md with RUN-plot-N.svg beside it.",
    )
    r.add_argument("run", metavar="RUN.jsonl", help="a run record (see --record)")
    r.add_argument("--out", metavar="DIR", help="where to write (default: beside RUN.jsonl)")
    r.set_defaults(func=run_report)
    p = sub.add_parser(
        "replay",
        help="play a recorded run in the app, read-only (space pauses, arrows seek)",
        description="Play RUN.jsonl in the app as it was seen live; actions are disabled.",
    )
    p.add_argument("run", metavar="RUN.jsonl", help="a run record (see --record)")
    p.add_argument("--speed", type=float, default=1.0, metavar="N", help="N times real time")
    p.set_defaults(func=run_replay)


def _read(path: str, command: str) -> Run | None:
    from xentui.record.reader import read_run
    from xentui.record.schema import RecordError

    try:
        return read_run(Path(path))
    except RecordError as exc:
        emit(f"xentui {command}: {exc}", file=sys.stderr)
        return None


def run_report(args: argparse.Namespace) -> int:
    run = _read(args.run, "report")
    if run is None:
        return EXIT_CONFIG
    try:
        from xentui.report.write import write_report
    except ImportError as exc:  # matplotlib is the report extra
        emit(f"xentui report: {exc.name} is missing: pip install 'xentui[report]'", file=sys.stderr)
        return EXIT_CONFIG
    out = Path(args.out) if args.out else run.path.parent
    try:
        written = write_report(run, out)
    except OSError as exc:
        emit(f"xentui report: cannot write to {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG
    emit(f"{written.html}\n{written.markdown}")
    return EXIT_OK


def run_replay(args: argparse.Namespace) -> int:
    if not args.speed > 0:
        emit("xentui replay: --speed must be a number greater than 0", file=sys.stderr)
        return EXIT_CONFIG
    run = _read(args.run, "replay")
    if run is None:
        return EXIT_CONFIG
    if run.header.lab is None:
        emit(f"xentui replay: {run.path}: a {run.header.command} run has no hosts to show",
             file=sys.stderr)  # fmt: skip
        return EXIT_CONFIG
    from xentui.tui.replay_app import ReplayApp

    ReplayApp(run, run.header.lab, speed=args.speed).run()
    return EXIT_OK
