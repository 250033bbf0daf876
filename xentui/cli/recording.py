"""`--record FILE` / `--no-record` for every command that runs (issue 15), in one place."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.cli import emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.model import Event
    from xentui.record.recorder import Recorder


def add_flags(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    """On a subcommand the flags keep what was said before it (``xentui --no-record demo``)."""
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--record",
        metavar="FILE",
        default=default,
        help="record the run to FILE (default: a new file in $XDG_STATE_HOME/xentui/runs)",
    )
    p.add_argument(
        "--no-record",
        dest="no_record",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="do not record this run",
    )


def open_recorder(
    args: argparse.Namespace, command: str, lab: LabConfig | None, *, say: bool = True
) -> Recorder | None:
    """The run's recorder, or None with --no-record; warnings go to stderr until an app listens."""
    if getattr(args, "no_record", False):
        return None
    from xentui.record.recorder import Recorder
    from xentui.record.tap import run_path

    chosen = getattr(args, "record", None)
    path = Path(chosen).expanduser() if chosen else run_path(command)
    recorder = Recorder(path, command=command, lab=lab)
    if say:
        recorder.add_listener(_stderr)
    return recorder


def _stderr(event: Event) -> None:
    text = getattr(event, "text", "")
    if text:
        emit(f"xentui: {text}", file=sys.stderr)


def closed(recorder: Recorder | None) -> None:
    """Close and say where the run went (or nothing, when it was not recorded)."""
    if recorder is None:
        return
    recorder.close()
    if recorder.failed is None:
        emit(f"xentui: this run is recorded in {recorder.path}", file=sys.stderr)
