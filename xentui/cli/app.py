"""`xentui [--config F]`: the app on real hosts. Placeholder until the TUI issue lands."""

from __future__ import annotations

import argparse
import sys


def run_app(args: argparse.Namespace) -> int:
    print("xentui: the app is not built yet in this version; try `xentui --help`", file=sys.stderr)
    return 2
