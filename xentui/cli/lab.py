"""`xentui lab`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    for name in {"hosts": ("list", "ctl")}.get("lab", ("lab",)):
        p = sub.add_parser(name, help=f"{name} (not built yet)")
        p.set_defaults(func=_not_yet)


def _not_yet(args: argparse.Namespace) -> int:
    print(f"xentui {args.command}: not built yet in this version", file=sys.stderr)
    return 2
