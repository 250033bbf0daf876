"""The guest's xm config (``/etc/xen/virt_server``, Python syntax): no VNC lines, ``sdl=1``.

xm executes the file as Python, so it is read with ``ast``: only top-level assignments count,
whatever the spacing, comments or quoting. The fix comments out whole lines and adds one, so the
presenter's own lines and comments stay where they were.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from xentui.setup.sxp import LineError

VNC_NAMES = ("vnc", "vncunused")


class GuestConfigError(LineError):
    """A guest config that is not the Python-syntax file xm reads."""


@dataclass(frozen=True, slots=True)
class Assignment:
    name: str
    value: object
    """The literal value, or the source text when it is not a literal."""
    line: int
    end_line: int

    @property
    def truthy(self) -> bool:
        return bool(self.value) if not isinstance(self.value, _Expr) else True


class _Expr(str):
    """Source text of a value that is not a plain literal (counts as set)."""


def assignments(text: str) -> list[Assignment]:
    """The top-level ``name = value`` statements, in order; raises GuestConfigError."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise GuestConfigError(f"not valid Python: {exc.msg}", exc.lineno or 0) from None
    out = []
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        try:
            value: object = ast.literal_eval(node.value)
        except ValueError:
            value = _Expr(ast.get_source_segment(text, node.value) or "?")
        for target in node.targets:
            if isinstance(target, ast.Name):
                end = node.end_lineno or node.lineno
                out.append(Assignment(target.id, value, node.lineno, end))
    return out


def last(found: list[Assignment], name: str) -> Assignment | None:
    """The assignment that takes effect: Python keeps the last one."""
    return next((a for a in reversed(found) if a.name == name), None)


def problems(text: str) -> list[str]:
    """What keeps the config from the seed's step 3, in words; empty when it is right."""
    found = assignments(text)
    out = [
        f"line {a.line}: {a.name}={a.value!s} is active"
        for name in VNC_NAMES
        if (a := last(found, name)) is not None and a.truthy
    ]
    sdl = last(found, "sdl")
    if sdl is None:
        out.append("no sdl=1 line")
    elif not sdl.truthy:
        out.append(f"line {sdl.line}: sdl={sdl.value!s}")
    return out


def fix_text(text: str) -> str:
    """``text`` with the VNC lines commented out and ``sdl=1`` added; unchanged when right."""
    if not problems(text):
        return text
    found = assignments(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    to_comment: set[int] = set()
    for a in found:
        if a.name in VNC_NAMES and a.truthy:
            to_comment.update(range(a.line, a.end_line + 1))
        if a.name == "sdl" and not a.truthy:
            to_comment.update(range(a.line, a.end_line + 1))
    for no in sorted(to_comment):
        lines[no - 1] = "#" + lines[no - 1]
    sdl = last(found, "sdl")
    if sdl is None or not sdl.truthy:
        after = max(to_comment) if to_comment else len(lines)
        lines.insert(after, "sdl=1\n")
    return "".join(lines)
