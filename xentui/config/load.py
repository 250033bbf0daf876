"""The lab file: a TOML description of the demo's hosts, guest and probe, as typed frozen objects.

Every error is a single line naming the file, the line where TOML gives one, the key and what was
expected, because the presenter reads it on stage and must fix it in one edit. The records live
in ``config.types``, the table checks in ``config.build``; this module finds and reads the file.
"""

from __future__ import annotations

import ast
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xentui.config.build import build
from xentui.config.fields import FieldError
from xentui.config.read import LAB_FILE_MAX, FileRefused, read_regular
from xentui.config.source import Locator, dotted
from xentui.config.types import LabConfig
from xentui.textsafe import printable


class ConfigError(Exception):
    """One readable line: file, line (if known), key, and what was expected."""

    def __init__(
        self, path: Path | str, message: str, *, key: str = "", line: int | None = None
    ) -> None:
        self.path, self.key, self.line, self.message = Path(path), key, line, message
        # a file name or key may hold a newline: escape it, the message stays one line
        where = printable(str(self.path)) + (f":{line}" if line else "")
        what = f" [{printable(key)}]" if key else ""
        super().__init__(f"{where}:{what} {printable(message)}")


_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """xentui's folder in the user's config dir: ``$XDG_CONFIG_HOME/xentui`` (``~/.config``)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME", "")
    # the XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".config") / "xentui"


def config_places(
    cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path, ...]:
    """Where a lab file is looked for, in order: ./xentui.toml, then the XDG config dir."""
    return ((cwd or Path.cwd()) / "xentui.toml", config_dir(environ) / "xentui.toml")


def find_config(
    explicit: str | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The lab file to load: ``--config`` if given, else the first of :func:`config_places`."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not _exists(path):
            raise ConfigError(path, "no such file (given with --config)")
        return path
    places = config_places(cwd, environ)
    for place in places:
        if _exists(place):
            return place
    looked = " and ".join(str(p) for p in places)
    raise ConfigError(
        places[0],
        f"no lab file: looked for {looked}; pass --config FILE, start from xentui.example.toml, "
        "or try `xentui demo` (a simulated lab, nothing to set up)",
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def load_config(path: Path | str) -> LabConfig:
    """Read and check a lab file; every problem raises ConfigError with one line."""
    path = Path(path)
    try:
        data = read_regular(path.expanduser(), LAB_FILE_MAX, "a lab file")
    except FileNotFoundError:
        raise ConfigError(path, "no such file") from None
    except FileRefused as exc:  # a FIFO would hang the read, /dev/zero fill the memory
        if exc.kind == "a directory":
            raise ConfigError(path, "is a directory, expected a TOML lab file") from None
        raise ConfigError(path, str(exc)) from None
    except PermissionError:
        raise ConfigError(path, "cannot read: permission denied") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            path,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
            "(save the file as UTF-8)",
            key=Locator(data.decode("utf-8", "replace")).key_at(line),
            line=line,
        ) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | str) -> LabConfig:
    """Check a lab file's text; ``path`` names it in errors and anchors its relative paths."""
    path = Path(path)
    text = text.removeprefix("\ufeff")  # a BOM some editors write; nothing else is lost
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        line, column = None, None
        if where:
            message = message[: where.start()]
            line = int(where[1]) if where[1] else len(text.rstrip("\n").split("\n"))
            column = where[2]
        if message == "Illegal character '\\n'":  # what tomllib says of a string left open
            message = "unterminated string: the closing quote is missing on this line"
        message = _PY_KEY.sub(_toml_key, message)
        message = message[:1].lower() + message[1:] + (f" (column {column})" if column else "")
        raise ConfigError(path, f"TOML syntax: {message}", **_syntax_at(text, line)) from None
    except RecursionError:
        line = _line_of(text, r"[\[{](?:\s*[\[{]){99}")
        raise ConfigError(
            path, "TOML syntax: arrays nested too deep", **_syntax_at(text, line)
        ) from None
    except ValueError as exc:  # tomllib lets int() refuse a number of over 4300 digits
        line = _line_of(text, r"[0-9_]{4300}")
        what = "an integer of over 4300 digits" if "digits" in str(exc) else f"{exc}"
        raise ConfigError(path, f"TOML syntax: {what}", **_syntax_at(text, line)) from None
    try:
        return build(tables, path)
    except FieldError as exc:
        locator = Locator(text)
        if isinstance(exc.key, str):
            line = locator.line(exc.section, exc.key)
        else:
            line = locator.line(exc.section)
        key = dotted(exc.section, exc.key)
        raise ConfigError(path, exc.message, key=key, line=line) from None


def _syntax_at(text: str, line: int | None) -> dict[str, Any]:
    """The line of a syntax error and the key it sets, so the presenter sees which key broke."""
    return {"line": line, "key": Locator(text).key_at(line)}


_PY_STR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_PY_KEY = re.compile(rf"\({_PY_STR}(?:, {_PY_STR})*,?\)")


def _toml_key(match: re.Match[str]) -> str:
    """tomllib names a table by a Python tuple (``('guest',)``); say ``[guest]`` instead."""
    try:
        parts = ast.literal_eval(match[0])
    except (ValueError, SyntaxError):
        return match[0]
    return "[" + dotted(tuple(str(p) for p in parts)) + "]"


def _line_of(text: str, pattern: str) -> int | None:
    found = re.search(pattern, text)
    return text.count("\n", 0, found.start()) + 1 if found else None
