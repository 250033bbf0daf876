"""The `xentui` command: the app by default, plus `demo`, `lab`, `check`, `list`, `ctl`, `probe`,
`report`, `replay` and `serve`.

Each subcommand lives in its own module with ``add_parser(subparsers)``, which sets ``func`` on
its parser; only the subcommand that runs is imported, so `xentui probe` never loads Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from xentui import __version__
from xentui.textsafe import printable

# subcommand -> module under xentui.cli that defines add_parser()
SUBCOMMANDS: dict[str, str] = {
    "demo": "demo",
    "lab": "lab",
    "check": "check",
    "list": "hosts",
    "ctl": "hosts",
    "probe": "probe",
    "report": "runs",
    "replay": "runs",
    "serve": "serve",
}

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def emit(text: str, *, file: TextIO | None = None, end: str = "\n", flush: bool = False) -> None:
    """Print a line, or lines, of the headless commands: their only way to the terminal.

    Their words carry a host's, a stream's or a file's text, which may hold escape sequences,
    a bare CR or bidi controls: each goes through ``textsafe.printable`` (line breaks kept, as
    the commands lay out lines of their own) and prints inert. JSON printed here was dumped
    with ``ensure_ascii``, so it passes unchanged.
    """
    print(printable(text, newlines=True), end=end, file=file or sys.stdout, flush=flush)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xentui",
        description="Run a live Xen VM-migration demo from a terminal. "
        "Without a subcommand, opens the app on the hosts of the lab file.",
    )
    parser.add_argument("--version", action="version", version=f"xentui {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", help="the lab file (default ./xentui.toml or the config dir)"
    )
    parser.add_argument(
        "--trust-new-host-keys",
        action="store_true",
        help="accept (and record) the key of a host never seen before; a changed key still fails",
    )
    from xentui.cli.recording import add_flags

    add_flags(parser, top=True)  # the app's run record (issue 15)
    from xentui.cli.app import add_theme_flag

    add_theme_flag(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    seen: set[str] = set()
    for name, module in SUBCOMMANDS.items():
        if only is not None and name != only:
            continue
        if module in seen:
            continue
        seen.add(module)
        importlib.import_module(f"xentui.cli.{module}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(first if first in SUBCOMMANDS else None)
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        from xentui.cli.app import run_app

        return run_app(args)
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return 130
