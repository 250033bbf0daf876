"""The lab renders xm/xl/virsh output with its own code: it must not import these parsers,
or a shared misunderstanding of a format would pass both sides' tests."""

from __future__ import annotations

import ast
from pathlib import Path

import xentui

PARSERS = {"xm", "xl", "virsh", "flagtable", "scan", "errtext"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_lab_does_not_import_the_parsers() -> None:
    lab = Path(xentui.__file__).parent / "lab"
    offenders = []
    for path in sorted(lab.rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[:2] == ["xentui", "toolstack"] and (
                set(parts[2:]) & PARSERS or parts[2:] == ["get_toolstack"]
            ):
                offenders.append(f"{path.relative_to(lab)}: {name}")
    assert not offenders, offenders


def test_the_check_itself_catches_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from xentui.toolstack.xm import Xm\nimport xentui.toolstack.scan\n")
    assert {"xentui.toolstack.xm.Xm", "xentui.toolstack.scan"} <= _imports(bad)
