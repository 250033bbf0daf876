"""The lab file's ``theme`` and ``[keys]`` (issue 14.11, 14.12): what loads, and in Textual's
own names, so the app's keymap gets them as they are (the broken ones are in bad/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.keys import Keys, _character_to_key, _normalize_key_list
from textual.theme import BUILTIN_THEMES

from xentui.config import ConfigError, parse_config
from xentui.config import ui as config_ui

LAB = """
[guest]
name = "virt_server"
stream_url = "http://127.0.0.1:8888/s.ogg"

[[host]]
name = "xen_host_1"
"""


def lab(head: str = "", keys: str = ""):
    return parse_config(head + LAB + (f"\n[keys]\n{keys}" if keys else ""), Path("lab.toml"))


def test_no_theme_and_no_keys_by_default() -> None:
    config = lab()
    assert config.theme is None and config.keys == ()


@pytest.mark.parametrize("theme", config_ui.THEMES)
def test_each_offered_theme_loads_and_is_textuals(theme: str) -> None:
    assert lab(f'theme = "{theme}"\n').theme == theme
    assert theme in BUILTIN_THEMES


@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("space", "space"),
        ("?", "question_mark"),
        ("question_mark", "question_mark"),
        ("P", "P"),
        ("shift+p", "P"),
        ("ctrl+X", "ctrl+x"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("F5", "f5"),
        ("-", "minus"),
        ("ctrl++", "ctrl+plus"),
    ],
)
def test_a_key_is_read_in_textuals_name(written: str, textual: str) -> None:
    assert lab(keys=f'help = "{written}"\n').keys == (("help", textual),)


def test_two_actions_may_swap_keys_and_one_may_keep_its_own() -> None:
    keys = lab(keys='pause = "m"\nmigrate = "p"\nquit = "q"\n').keys
    assert keys == (("pause", "m"), ("migrate", "p"), ("quit", "q"))


def test_a_clash_names_both_actions_on_the_second_ones_line() -> None:
    with pytest.raises(ConfigError) as caught:
        lab(keys='help = "h"\nrefresh = "H"\nsetup = "h"\n')
    assert str(caught.value) == (
        'lab.toml:12: [keys.setup] "h" is given to both help and setup: '
        "each action needs a key of its own"
    )


def test_the_spellings_of_one_key_clash() -> None:
    """Spelt "?" and "question_mark" it is one key, as are "shift+p" and "P"."""
    with pytest.raises(ConfigError, match=r"both help and pause"):
        lab(keys='help = "?"\npause = "question_mark"\n')
    with pytest.raises(ConfigError, match=r"both pause and migrate"):
        lab(keys='pause = "P"\nmigrate = "shift+p"\n')


def test_names_agree_with_textuals() -> None:
    """The checks run without Textual (headless commands read lab files): their names are
    Textual's, so a key written here is the key Textual reports."""
    for code in range(33, 127):
        char = chr(code)
        assert config_ui.character_key(char) == _character_to_key(char)
        if char != ",":  # Textual's separator of keys in one binding
            assert config_ui.key_name((), "k", char) == _normalize_key_list(char)
    values = {k.value for k in Keys}
    assert set(config_ui._NAMED) - {"pageup", "pagedown"} <= values | {"escape"}
    assert set(config_ui.RESERVED) <= values | {"up", "down"}
