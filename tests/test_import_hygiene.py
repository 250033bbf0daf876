"""Everything below tui/ must run without a terminal: importing it must not load Textual.

Each module is imported alone, in a process of its own that had imported no xentui module
before: a child forked from one helper process. The helper first imports every headless module
once and, if Textual stayed out, forgets xentui's own modules again (``sys.modules``) but keeps
the third-party and stdlib ones they loaded. Those are proven free of Textual, so a child that
loads Textual got it through the xentui code it ran itself, exactly as a fresh interpreter would;
each child then pays for xentui's code only, not for asyncssh's (~0.4 s a module), and two run at
once (each its own process). Should the first pass load Textual, nothing is kept and every child
starts cold.
"""

from __future__ import annotations

import json
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

HELPER = r"""
import importlib, json, os, sys, traceback

def textual() -> list:
    return sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))

def ours() -> list:
    return [m for m in sys.modules if m == "xentui" or m.startswith("xentui.")]

names = json.loads(sys.stdin.read())
for name in names:  # the warm pass: loads the third-party modules they share
    try:
        importlib.import_module(name)
    except BaseException:
        pass
warm = not textual()
if warm:  # keep what is proven free of Textual: all but xentui's own modules
    for m in ours():
        del sys.modules[m]
def start(name: str) -> tuple:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: this module alone, then what it loaded
        os.close(read)
        try:
            if not warm:  # a fresh interpreter, as nothing loaded here may be trusted
                os.set_inheritable(write, True)
                os.execv(sys.executable, [sys.executable, "-c", sys.argv[1], name, str(write)])
            importlib.import_module(name)
            out = {"textual": textual()}
        except BaseException:
            out = {"error": traceback.format_exc()}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    return name, pid, read

def finish(name: str, pid: int, read: int) -> None:
    with os.fdopen(read) as r:
        text = r.read()
    os.waitpid(pid, 0)
    found[name] = json.loads(text) if text else {"error": "the child died without a word"}

found = {}
for i in range(0, len(names), 2):  # two children at a time: this machine's two cores
    for child in [start(name) for name in names[i : i + 2]]:
        finish(*child)
print(json.dumps({"warm": warm, "found": found}))
"""

COLD = r"""
import importlib, json, os, sys, traceback
name, fd = sys.argv[1], int(sys.argv[2])
try:
    importlib.import_module(name)
    out = {"textual": sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))}
except BaseException:
    out = {"error": traceback.format_exc()}
os.write(fd, json.dumps(out).encode())
"""


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(xentui.__path__, "xentui."):
        top = info.name.split(".")[1]
        if top in HEADLESS:
            names.append(info.name)
    return sorted(names)


@pytest.fixture(scope="module")
def imported() -> dict[str, dict[str, object]]:
    """What each headless module loaded when imported alone (see the module doc)."""
    proc = subprocess.run(
        [sys.executable, "-c", HELPER, COLD],
        input=json.dumps(_modules()),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    found: dict[str, dict[str, object]] = doc["found"]
    return found


@pytest.mark.parametrize("module", _modules())
def test_headless_module_does_not_import_textual(
    module: str, imported: dict[str, dict[str, object]]
) -> None:
    seen = imported[module]
    assert "error" not in seen, f"{module} does not import alone: {seen['error']}"
    assert seen["textual"] == [], f"{module} imports Textual: {seen['textual']}"
