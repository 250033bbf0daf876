"""Every broken lab file in bad/ gives its one-line error, naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from xentui.config import ConfigError, load_config

BAD = Path(__file__).parent / "bad"
CORPUS = sorted(BAD.glob("*.toml"))


def _headers(path: Path) -> tuple[str, int | None, str]:
    """The three comment lines each corpus file starts with: key, line, expected fragment."""
    lines = path.read_bytes().split(b"\n")[:3]
    fields = {}
    for raw in lines:
        name, _, value = raw.decode("ascii").removeprefix("# ").partition(": ")
        fields[name] = value
    line = None if fields["line"] == "-" else int(fields["line"])
    return fields["key"], line, fields["expect"]


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_broken_file_gives_its_one_line_error(path: Path, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # "~" in a corpus file: a folder we own
    key, line, fragment = _headers(path)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    text = str(error)
    assert len(text.splitlines()) == 1 and "\n" not in text and "\r" not in text
    assert error.path == path
    assert text.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert error.line == line
    assert fragment and fragment in text
    if key == "-":  # a broken line that sets no key (a bad header): the line alone names it
        assert error.key == "" and line is not None
    else:
        assert error.key == key
        assert f" [{key}] " in text


def test_a_relative_path_is_named_as_given(monkeypatch) -> None:
    monkeypatch.chdir(BAD)
    with pytest.raises(ConfigError) as caught:
        load_config("port_string.toml")
    assert str(caught.value).startswith("port_string.toml:13: [host[1].port] ")
