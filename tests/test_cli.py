"""The command line as a user meets it."""

from __future__ import annotations

import subprocess
import sys

from xentui import __version__


def test_version_via_python_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xentui", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"xentui {__version__}"


def test_help_lists_every_subcommand() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xentui", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    for name in ("demo", "lab", "check", "list", "ctl", "probe"):
        assert name in proc.stdout
