"""The lab file's presentation keys: ``theme`` and the ``[keys]`` table (issue 14.11, 14.12).

Checked here, without Textual (the headless commands load lab files too): a theme is one of
the names xentui offers, each measured readable (tests/tui/test_theme_contrast.py), and a key is
written the way Textual names keys, so the app hands the table to ``App.set_keymap`` as it is.
A key given to two actions is an error naming both, on the line that gave the second.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Any

from xentui.config import fields as check
from xentui.config.fields import FieldError
from xentui.config.source import Section, quote, show

DEFAULT_THEME = "textual-dark"
THEMES = ("textual-dark", "textual-light")
"""Textual themes in which every word on the screen passes 4.5:1 against its background. Others
were measured and fail (nord's surface is too light for the dark palette's red, 2.8:1; the
light ones' bands for its green): one is added here once the test passes in it."""

DEFAULT_KEYS: dict[str, str] = {
    "pause": "p",
    "unpause": "u",
    "migrate": "m",
    "setup": "w",
    "refresh": "r",
    "trust": "t",
    "help": "question_mark",
    "quit": "q",
}
"""Each action the ``[keys]`` table may rebind (the app's binding ids) and its default key."""

RESERVED: dict[str, str] = {
    "ctrl+c": "quits (asking first mid-migration)",
    "ctrl+q": "quits",
    "ctrl+p": "opens the command palette",
    "tab": "moves the focus to the event log",
    "ctrl+i": "moves the focus to the event log (as tab)",
    "shift+tab": "moves the focus back",
    "up": "picks the event log's earlier failure",
    "down": "picks the event log's later failure",
    "enter": "opens a failure's whole output",
    "ctrl+m": "opens a failure's whole output (as enter)",
}
"""Keys the app keeps for itself: giving one to an action would shadow it or be shadowed."""

_MODIFIERS = ("ctrl", "alt", "shift")  # the order Textual writes them in ("ctrl+shift+up")
_NAMED = frozenset(
    [
        *("escape", "enter", "tab", "space", "backspace", "insert", "delete", "home", "end"),
        *("pageup", "pagedown", "up", "down", "left", "right"),
        *(f"f{n}" for n in range(1, 25)),
    ]
)
_REPLACED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_EXAMPLES = '"space", "f5", "ctrl+x", "question_mark" or one character such as "p"'


def character_key(char: str) -> str:
    """Textual's name for the key that types ``char``: ``p``, ``P``, ``question_mark``."""
    if char.isalnum():
        return char
    name = unicodedata.name(char, char).lower().replace("-", "_").replace(" ", "_")
    return _REPLACED.get(name, name)


_PUNCTUATION = {character_key(c): c for c in map(chr, range(33, 127)) if not c.isalnum()}


def key_name(section: Section, key: str, value: object) -> str:
    """One key as Textual names it, from what a presenter writes (``?``, ``ctrl+X``, ``F5``)."""
    expected = f"expected one key such as {_EXAMPLES}"
    if not isinstance(value, str) or not value or any(ch.isspace() for ch in value):
        raise FieldError(section, key, f"{expected}, got {show(value)}")
    *mods, base = value.split("+") if value != "+" else ["+"]
    if base == "" and mods and mods[-1] == "":  # "ctrl++": the plus key
        mods, base = mods[:-1], "+"
    mods = [m.lower() for m in mods]
    unknown = [m for m in mods if m not in _MODIFIERS]
    if unknown or len(set(mods)) != len(mods):
        raise FieldError(
            section, key, f"{expected}; the modifiers are ctrl, alt and shift, got {show(value)}"
        )
    if len(base) == 1 and base.isprintable():
        name = character_key(base.lower() if mods else base)
    elif base.lower() in _NAMED or base.lower() in _PUNCTUATION:
        name = base.lower()
    else:
        raise FieldError(section, key, f"{expected}, got {show(value)}")
    if mods == ["shift"] and len(name) == 1 and name.isalpha():
        return name.upper()  # what a terminal sends for shift+p
    return "+".join([m for m in _MODIFIERS if m in mods] + [name])


def theme(section: Section, key: str, value: object) -> str:
    return check.choice(section, key, value, THEMES)


def keys(value: object) -> tuple[tuple[str, str], ...]:
    """The ``[keys]`` table: (action, key) pairs in file order, each key on one action only."""
    section = ("keys",)
    table: dict[str, Any] = check.table((), "keys", value, "[keys]")
    for action in table:
        if action not in DEFAULT_KEYS:
            close = difflib.get_close_matches(action, list(DEFAULT_KEYS), n=1, cutoff=0.6)
            hint = f" (did you mean {quote(close[0], chr(39))}?)" if close else ""
            raise FieldError(
                section,
                action,
                f"unknown action {quote(action, chr(39))}{hint}; "
                f"the actions: {', '.join(DEFAULT_KEYS)}",
            )
    chosen = {action: key_name(section, action, raw) for action, raw in table.items()}
    owner = {k: a for a, k in DEFAULT_KEYS.items() if a not in chosen}  # defaults still in use
    for action, name in chosen.items():
        if name in RESERVED:
            raise FieldError(
                section,
                action,
                f"{quote(name)} is kept by the app (it {RESERVED[name]}): choose another key",
            )
        if name in owner:
            other = owner[name]
            why = (
                "each action needs a key of its own"
                if other in chosen
                else f"it is {other}'s default: give {other} another key in [keys]"
            )
            raise FieldError(
                section, action, f"{quote(name)} is given to both {other} and {action}: {why}"
            )
        owner[name] = action
    return tuple(chosen.items())
