"""Where a key sits in a lab file's text, and how a value reads inside a one-line message.

tomllib gives a line number only for syntax errors; the checks that run on the parsed tables need
one too, so this scans the source once, best effort, the way a reader would: table headers,
``[[array]]`` headers counted, and the first ``key =`` line of each table.
"""

from __future__ import annotations

import datetime
import json
import re

from xentui.textsafe import printable  # one sanitizer for every message (issue 10.2)

Section = tuple[str | int, ...]
"""A table's place: ``()`` the root, ``("guest",)``, ``("host", 1)`` the second ``[[host]]``."""

_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_KEY_PATH = rf"{_PART}(?:\s*\.\s*{_PART})*"
_ARRAY_HEADER = re.compile(rf"^\[\[\s*({_KEY_PATH})\s*\]\]\s*(?:#.*)?$")
_TABLE_HEADER = re.compile(rf"^\[\s*({_KEY_PATH})\s*\]\s*(?:#.*)?$")
_KEY_LINE = re.compile(rf"^\s*({_KEY_PATH})\s*=(.*)$")
_PARTS = re.compile(_PART)
_MAX_SHOWN = 60


def quote(text: str, mark: str = '"') -> str:
    """A string as the message shows it: quoted, escaped, cut at 60 characters."""
    cut = text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"
    escaped = printable(cut.replace("\\", "\\\\").replace(mark, "\\" + mark))
    return f"{mark}{escaped}{mark}"


def type_name(value: object) -> str:
    """The TOML name of a parsed value's type, with its article."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.date | datetime.time):
        return "a date/time"
    return type(value).__name__


def show(value: object) -> str:
    """A parsed value as TOML writes it, on one line, with its type: ``"22x" (a string)``."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = quote(value)
    elif isinstance(value, list):
        text = f"[...{len(value)} item{'s' if len(value) != 1 else ''}]"
    elif isinstance(value, dict):
        text = "{...}"
    elif isinstance(value, int) and abs(value) > 10**_MAX_SHOWN:
        text = "a huge number" if value > 0 else "a hugely negative number"
    else:
        text = printable(str(value))[:_MAX_SHOWN]
    return f"{text} ({type_name(value)})"


def dotted(section: Section, key: str | int | None = None) -> str:
    """The key as the message names it: ``host[1].port``, ``guest.name``, ``poll_interval_s``."""
    out = ""
    for part in (*section, *(() if key is None else (key,))):
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else quote(part)
            out += f".{name}" if out else name
    return out


def _unquote(part: str) -> str:
    if part.startswith('"'):
        try:
            return str(json.loads(part))
        except ValueError:
            return part[1:-1]
    if part.startswith("'"):
        return part[1:-1]
    return part


def _split(path: str) -> tuple[str, ...]:
    return tuple(_unquote(p) for p in _PARTS.findall(path))


class Locator:
    """Line numbers (1-based) of the tables and keys in a TOML text."""

    def __init__(self, text: str) -> None:
        self._headers: dict[Section, int] = {}
        self._keys: dict[tuple[Section, str], int] = {}
        self._arrays: dict[tuple[str, ...], int] = {}
        self._line_keys: dict[int, str] = {}
        current: Section = ()
        open_string: str | None = None
        for number, raw in enumerate(text.split("\n"), 1):
            if open_string is not None:
                if raw.count(open_string) % 2 == 1:
                    open_string = None
                continue
            stripped = raw.strip()
            if match := _ARRAY_HEADER.match(stripped):
                names = _split(match[1])
                index = self._arrays.get(names, -1) + 1
                self._arrays[names] = index
                parent = self._resolve(names[:-1])
                current = (*parent, names[-1], index)
                self._note(parent, names[-1], current, number)
            elif match := _TABLE_HEADER.match(stripped):
                names = _split(match[1])
                parent = self._resolve(names[:-1])
                current = (*parent, names[-1])
                self._note(parent, names[-1], current, number)
            elif match := _KEY_LINE.match(raw):
                parts = _split(match[1])
                self._keys.setdefault((current, parts[0]), number)
                # a dotted key (guest.port = 22) also sits where its full path points
                self._keys.setdefault(((*current, *parts[:-1]), parts[-1]), number)
                self._line_keys[number] = dotted((*current, *parts[:-1]), parts[-1])
                for mark in ('"""', "'''"):
                    if match[2].count(mark) % 2 == 1:
                        open_string = mark

    def _resolve(self, names: tuple[str, ...]) -> Section:
        """A dotted header path with the current index of every array of tables in it."""
        out: list[str | int] = []
        for i, name in enumerate(names):
            out.append(name)
            if names[: i + 1] in self._arrays:
                out.append(self._arrays[names[: i + 1]])
        return tuple(out)

    def _note(self, parent: Section, name: str, section: Section, number: int) -> None:
        self._line_keys[number] = dotted(section)
        self._headers.setdefault(section, number)
        self._keys.setdefault((parent, name), number)

    def key_at(self, number: int | None) -> str:
        """The dotted key a line sets or the table it opens (``host[1].port``), else ``""``:
        a syntax error's line read the way the checks name keys."""
        return self._line_keys.get(number, "") if number else ""

    def line(self, section: Section, key: str | None = None) -> int | None:
        """The key's line; else its table's header; else the line of the key holding the table."""
        if key is not None and (section, key) in self._keys:
            return self._keys[(section, key)]
        if section in self._headers:
            return self._headers[section]
        while section:
            cut = 2 if isinstance(section[-1], int) and len(section) > 1 else 1
            parent, name = section[:-cut], section[-cut]
            if isinstance(name, str) and (parent, name) in self._keys:
                return self._keys[(parent, name)]
            section = parent
        return None
