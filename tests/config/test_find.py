"""Where the lab file is looked for: --config, then ./xentui.toml, then the XDG config folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from xentui.config import ConfigError, config_places, find_config


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    return cwd, env


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return path


def test_explicit_wins_even_over_a_local_file(places, tmp_path) -> None:
    cwd, env = places
    touch(cwd / "xentui.toml")
    chosen = touch(tmp_path / "mine.toml")
    assert find_config(str(chosen), cwd=cwd, environ=env) == chosen


def test_explicit_expands_the_home_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    touch(tmp_path / "lab.toml")
    assert find_config("~/lab.toml") == tmp_path / "lab.toml"


def test_a_missing_explicit_file_is_named(places, tmp_path) -> None:
    cwd, env = places
    touch(cwd / "xentui.toml")  # never a silent fallback when --config names another file
    with pytest.raises(ConfigError) as caught:
        find_config(str(tmp_path / "typo.toml"), cwd=cwd, environ=env)
    assert str(caught.value) == f"{tmp_path / 'typo.toml'}: no such file (given with --config)"


def test_the_working_folder_comes_before_the_config_folder(places, tmp_path) -> None:
    cwd, env = places
    xdg = touch(tmp_path / "xdg" / "xentui" / "xentui.toml")
    assert find_config(cwd=cwd, environ=env) == xdg
    local = touch(cwd / "xentui.toml")
    assert find_config(cwd=cwd, environ=env) == local


def test_without_xdg_config_home_the_config_folder_is_under_home(places, tmp_path) -> None:
    cwd, env = places
    for xdg in ("", "relative/dir"):  # the XDG spec: empty or relative means unset
        env["XDG_CONFIG_HOME"] = xdg
        assert config_places(cwd, env)[1] == tmp_path / "home/.config/xentui/xentui.toml"
    found = touch(tmp_path / "home" / ".config" / "xentui" / "xentui.toml")
    assert find_config(cwd=cwd, environ=env) == found


def test_nothing_found_says_where_it_looked(places, tmp_path) -> None:
    cwd, env = places
    with pytest.raises(ConfigError) as caught:
        find_config(cwd=cwd, environ=env)
    text = str(caught.value)
    assert len(text.splitlines()) == 1
    assert str(cwd / "xentui.toml") in text
    assert str(tmp_path / "xdg" / "xentui" / "xentui.toml") in text
    assert "--config" in text and "xentui.example.toml" in text


def test_the_defaults_read_the_real_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert config_places() == (
        tmp_path / "xentui.toml",
        tmp_path / "cfg" / "xentui" / "xentui.toml",
    )
