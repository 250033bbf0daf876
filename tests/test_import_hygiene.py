"""Everything below tui/ must run without a terminal: importing it must not load Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import xentui

HEADLESS = (
    "textsafe",
    "model",
    "config",
    "toolstack",
    "remote",
    "probe",
    "control",
    "setup",
    "lab",
    "record",
    "report",
)


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(xentui.__path__, "xentui."):
        top = info.name.split(".")[1]
        if top in HEADLESS:
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("module", _modules())
def test_headless_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, f"{module} imports Textual: {proc.stdout} {proc.stderr}"
