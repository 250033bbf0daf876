"""What xentui remembers between runs: the theme chosen last (issue 14.11).

``$XDG_CONFIG_HOME/xentui/settings.toml`` (``~/.config`` by default) is xentui's to write, not
the presenter's lab file: read leniently, because a broken settings file must never stop a
demo (it is one warning, and the defaults hold), and written atomically (a temporary file in
the same folder renamed over it), so a crash or a full disk mid-write leaves the old file whole.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xentui.config.load import config_dir
from xentui.config.read import FileRefused, read_regular
from xentui.config.source import quote
from xentui.config.ui import THEMES
from xentui.textsafe import printable

SETTINGS_MAX = 64 << 10
"""A line or two of TOML; a larger file is not ours."""
HEADER = "# xentui's own settings, rewritten when they change: the theme chosen last.\n"


@dataclass(frozen=True, slots=True)
class Remembered:
    """What the settings file said; ``warning`` is its one line when it could not be used."""

    theme: str | None = None
    warning: str | None = None


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    return config_dir(environ) / "settings.toml"


def read_settings(path: Path) -> Remembered:
    """The remembered theme; a missing file is nothing to say, a broken one a warning."""
    where = printable(str(path))
    try:
        text = read_regular(path, SETTINGS_MAX, "a settings file").decode("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        return Remembered()
    except (OSError, FileRefused, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        if isinstance(exc, tomllib.TOMLDecodeError):
            why = f"TOML syntax: {why[:1].lower()}{why[1:]}"
        elif isinstance(exc, UnicodeDecodeError):
            why = "not UTF-8 text"
        return Remembered(
            warning=f"{where}: not used ({printable(why)}); choosing a theme rewrites it"
        )
    theme = data.get("theme")
    if theme is None:
        return Remembered()
    if not isinstance(theme, str) or theme not in THEMES:
        shown = quote(theme) if isinstance(theme, str) else type(theme).__name__
        return Remembered(
            warning=f"{where}: theme {shown} is not one of {', '.join(THEMES)}; not used"
        )
    return Remembered(theme=theme)


def remember_theme(path: Path, theme: str) -> str | None:
    """Write ``theme`` as the one to use next time; None, or why it could not be written."""
    if theme not in THEMES:  # only names that need no escaping reach the file
        return f"theme {quote(theme)} is not one xentui offers: not remembered"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(f'{HEADER}theme = "{theme}"\n')
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        why = exc.strerror or str(exc)
        return f"the theme is not remembered: {printable(str(path))}: {printable(why)}"
    return None
