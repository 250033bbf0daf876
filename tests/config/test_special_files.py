"""Issue 10.8: a file xentui reads by path is a regular file under its cap, or one line says not.

A FIFO given as the lab file hung ``xentui list`` forever; ``/dev/zero`` ended in a MemoryError
traceback. Each case runs the real CLI under a timeout (a hang fails the test, never the suite),
and the identity and known_hosts files a lab file names get the same rule.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from xentui.config import ConfigError, load_config
from xentui.config.read import KNOWN_HOSTS_MAX, FileRefused, read_regular
from xentui.remote.trust import TrustSources

LAB = """\
[guest]
name = "virt_server"
stream_url = "http://127.0.0.1:8888/TruthHappens.ogg"

[[host]]
name = "xen_host_1"
address = "127.0.0.1"
port = 9
"""


def fifo(d: Path) -> Path:
    os.mkfifo(d / "lab.toml")
    return d / "lab.toml"


def dev_zero_link(d: Path) -> Path:
    (d / "lab.toml").symlink_to("/dev/zero")
    return d / "lab.toml"


def two_mib(d: Path) -> Path:
    path = d / "lab.toml"
    path.write_text(LAB + "#" * (2 << 20) + "\n", encoding="utf-8")
    return path


def xentui_list(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xentui", "list", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,  # the FIFO hung here before: TimeoutExpired fails the test
        cwd=path.parent if path.parent.is_dir() else None,
    )


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (fifo, "not a regular file (a FIFO)"),
    "dev-zero": (lambda d: Path("/dev/zero"), "not a regular file (a character device)"),
    "directory": (lambda d: d, "is a directory, expected a TOML lab file"),
    "symlink-to-dev-zero": (dev_zero_link, "not a regular file (a character device)"),
    "two-mib": (
        two_mib,
        f"too large: {len(LAB) + (2 << 20) + 1} bytes, a lab file is at most 1 MiB",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_list_refuses_a_special_or_huge_lab_file_in_one_line(tmp_path: Path, case: str) -> None:
    make, reason = CASES[case]
    path = make(tmp_path)
    done = xentui_list(path)
    assert done.returncode == 2, done
    assert done.stderr == f"xentui list: {path}: {reason}\n", done.stderr
    assert done.stdout == ""


def test_an_identity_file_that_is_a_fifo_is_named_in_one_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "id_ed25519")
    lab = tmp_path / "lab.toml"
    lab.write_text(LAB + 'identity_file = "id_ed25519"\n', encoding="utf-8")
    done = xentui_list(lab)
    assert done.returncode == 2, done
    line = done.stderr.strip()
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "[host[0].identity_file]" in line and "not a regular file (a FIFO)" in line, line


def test_an_identity_file_too_large_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "id_rsa"
    with key.open("wb") as fh:
        fh.truncate(5 << 20)  # sparse: the size alone refuses it, nothing is read
    path = tmp_path / "lab.toml"
    path.write_text(LAB + 'identity_file = "id_rsa"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"too large: 5242880 bytes, an identity file is at"):
        load_config(path)


def test_known_hosts_over_its_cap_is_one_reason_never_read(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    with known.open("wb") as fh:
        fh.truncate(KNOWN_HOSTS_MAX + 1)
    sources = TrustSources((known,), (), "the lab file's known_hosts", "")
    with pytest.raises(ValueError, match=rf"known_hosts {known}: too large: {KNOWN_HOSTS_MAX + 1}"):
        sources.load()


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path: Path) -> None:
    # /proc files report size 0 and then give more: the read itself stops at the cap
    with pytest.raises(FileRefused, match="too large: over 16 bytes"):
        read_regular(Path("/proc/self/status"), 16, "a test file")
