"""The arrows of docs/ARCHITECTURE.md: each layer imports only from the layers beneath it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import xentui

PACKAGE = Path(xentui.__file__).parent

# layer -> the layers it may import from (besides itself)
ALLOWED: dict[str, set[str]] = {
    # the one sanitizer of remote text (issue 10.2): beneath everything, so every face can use it
    "textsafe": set(),
    # cancelling a task and waiting for it, the one helper every layer uses (issue 10.11)
    "tasks": set(),
    # telling every listener, a broken one logged and the rest still told (issue 13.4)
    "listeners": set(),
    "model": {"textsafe", "tasks"},
    "toolstack": {"textsafe", "tasks", "listeners", "model"},
    "config": {"textsafe", "tasks", "listeners", "model", "toolstack"},
    "remote": {"textsafe", "tasks", "listeners", "model", "config"},
    "probe": {"textsafe", "tasks", "listeners", "model", "config"},
    "control": {"textsafe", "tasks", "listeners", "model", "toolstack", "config", "remote"},
    "setup": {"textsafe", "tasks", "listeners", "model", "toolstack", "config", "remote"},
    "tui": {
        "textsafe",
        "tasks",
        "listeners",
        "model",
        "toolstack",
        "config",
        "remote",
        "probe",
        "control",
        "setup",
        "record",
    },
    # run records (issue 15): written beside the engine and probe, read by report and replay
    "record": {"textsafe", "tasks", "listeners", "model", "config", "probe"},
    "report": {"textsafe", "tasks", "listeners", "model", "config", "probe", "record"},
    # the lab stands in for other machines: it must not share the parsers' understanding
    "lab": {"textsafe", "tasks", "listeners", "model", "config"},
}


def _layer(module: str) -> str:
    """The layer of a dotted module name below ``xentui`` (``toolstack.xm`` -> ``toolstack``)."""
    return module.split(".")[0].removesuffix(".py")


def _path_layer(path: Path) -> str:
    return _layer(".".join(path.relative_to(PACKAGE).with_suffix("").parts))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.update(n.split(".", 1)[1] for n in names if n.startswith("xentui."))
    return found


def _files() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _path_layer(path)
        if layer in ALLOWED:
            out.append((layer, path))
    return out


@pytest.mark.parametrize(("layer", "path"), _files(), ids=str)
def test_imports_point_down(layer: str, path: Path) -> None:
    wrong = {m for m in _imports(path) if _layer(m) != layer and _layer(m) not in ALLOWED[layer]}
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(wrong)}"


def test_every_layer_is_known() -> None:
    tops = {_path_layer(p) for p in PACKAGE.rglob("*.py")}
    assert tops - set(ALLOWED) == {"cli", "__init__", "__main__"}


LAB_PARTS = ("machine", "xen", "streaming", "vm")


@pytest.mark.parametrize("path", sorted((PACKAGE / "lab" / "machine").glob("*.py")), ids=str)
def test_a_lab_machine_knows_no_toolstack_nor_guest(path: Path) -> None:
    """``lab/machine/`` (SSH, shell, files, keys) is what every lab machine runs: the Xen hosts
    and the guest build on it, never the other way round (issue 13.3)."""
    parts = {m.split(".")[1] for m in _imports(path) if m.startswith("lab.")}
    wrong = parts & (set(LAB_PARTS) - {"machine"})
    assert not wrong, f"{path.relative_to(PACKAGE)} imports lab parts {sorted(wrong)}"
