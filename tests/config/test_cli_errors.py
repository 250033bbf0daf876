"""What the presenter sees on the terminal for a broken lab file: one line, file:line: [key]."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAD = """\
[guest]
name = "virt_server"
stream_url = "http://127.0.0.1:8888/TruthHappens.ogg"
[[host]]
name = "xen_host_1"
[[host]]
name = "xen_host_2"
"""


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xentui", "--config", str(path), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent,
    )


@pytest.mark.parametrize(
    ("tail", "line", "key", "what"),
    [
        # the same key twice in the second host: tomllib names only the line and column
        ("port = 2222\nport = 22\n", 9, "host[1].port", "TOML syntax: cannot overwrite a value"),
        # a value TOML cannot read: the key it was meant for is named too
        ("port = 22x\n", 8, "host[1].port", "TOML syntax: expected newline"),
        # a second [guest]: named as TOML writes it, not as a Python tuple
        ('[guest]\nname = "x"\n', 8, "guest", "cannot declare [guest] twice"),
    ],
)
def test_a_syntax_error_names_file_line_and_key(
    tmp_path: Path, tail: str, line: int, key: str, what: str
) -> None:
    path = tmp_path / "lab.toml"
    path.write_text(HEAD + tail, encoding="utf-8")
    done = run_check(path)
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"xentui check: {path}:{line}: [{key}] "), lines[0]
    assert what in lines[0] and "('" not in lines[0]


def test_a_latin1_byte_names_the_key_of_its_line(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_bytes(HEAD.encode().replace(b'"xen_host_2"', b'"xen_h\xf4st_2"'))
    done = run_check(path)
    assert done.returncode == 2, done
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"xentui check: {path}:7: [host[1].name] not UTF-8 text: byte 0xf4")
