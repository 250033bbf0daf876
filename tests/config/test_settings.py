"""The remembered theme (issue 14.11): written atomically, read leniently - a broken settings
file is one warning and the defaults, never a crash or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xentui.config.settings import Remembered, read_settings, remember_theme, settings_path


def test_the_file_sits_in_the_xdg_config_dir(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert settings_path(env) == tmp_path / "xdg" / "xentui" / "settings.toml"
    env["XDG_CONFIG_HOME"] = "relative"  # invalid by the XDG spec: ignored
    assert settings_path(env) == tmp_path / "home" / ".config" / "xentui" / "settings.toml"


def test_a_theme_remembered_is_read_back(tmp_path: Path) -> None:
    path = tmp_path / "new" / "xentui" / "settings.toml"
    assert read_settings(path) == Remembered()  # none yet: nothing to say
    assert remember_theme(path, "textual-light") is None
    assert read_settings(path) == Remembered(theme="textual-light")
    assert remember_theme(path, "textual-dark") is None
    assert read_settings(path) == Remembered(theme="textual-dark")
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]  # no temp left


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'theme = "textual-light', "not used (TOML syntax: unterminated string"),
        (b"theme = 3\n", "theme int is not one of textual-dark"),
        (b'theme = "\\u001b[31mred"\n', 'theme "\\x1b[31mred" is not one of'),
        (b"\xff\xfe", "not used (not UTF-8 text)"),
    ],
)
def test_a_broken_file_is_one_warning(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    remembered = read_settings(path)
    assert remembered.theme is None and remembered.warning is not None
    assert remembered.warning.startswith(f"{path}: ") and said in remembered.warning
    assert "\n" not in remembered.warning and "\x1b" not in remembered.warning


def test_a_fifo_or_a_folder_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)  # a read would block until a writer came
    assert "not a regular file (a FIFO)" in (read_settings(fifo).warning or "")
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    assert "a directory" in (read_settings(folder).warning or "")


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert remember_theme(path, "textual-light") is None
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "settings.toml").mkdir()  # the rename over it fails
    said = remember_theme(blocked / "settings.toml", "textual-dark")
    assert said is not None and said.startswith("the theme is not remembered: ")
    assert [p.name for p in blocked.iterdir()] == ["settings.toml"]
    under_a_file = remember_theme(path / "settings.toml", "textual-dark")  # its folder is a file
    assert under_a_file is not None and read_settings(path).theme == "textual-light"


def test_only_offered_themes_are_written(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert "not one xentui offers" in (remember_theme(path, 'x"\n[evil]') or "")
    assert not path.exists()
