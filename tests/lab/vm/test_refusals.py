"""`xentui lab --vm` and `demo --vm` refuse in one line each, exit 2, when a part is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def path_without(tmp_path: Path, missing: str) -> str:
    """A PATH holding every tool the VM lab looks for, except ``missing``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tools = ("qemu-system-x86_64", "apt-get", "apt-cache", "dpkg-deb", "virsh", "libvirtd", "ip")
    for tool in tools:
        found = shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin")
        if tool != missing and found:
            (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


@pytest.mark.parametrize(
    ("command", "missing", "words"),
    [
        ("lab", "qemu-system-x86_64", "apt-get install qemu-system-x86"),
        ("lab", "ip", "apt-get install iproute2"),
        ("demo", "virsh", "apt-get install libvirt-clients"),
    ],
)
def test_a_missing_part_is_named_with_its_fix(tmp_path, command, missing, words) -> None:
    env = {**os.environ, "PATH": path_without(tmp_path, missing)}
    done = subprocess.run(
        [sys.executable, "-m", "xentui", command, "--vm"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and missing in lines[0] and words in lines[0], done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    "flags",
    [["--vm-mem", "32"], ["--link-mbit", "nan"], ["--fresh"], ["--toolstack", "xq"]],
)
def test_bad_flags_are_refused_before_anything_starts(flags) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xentui", "lab", "--vm", *flags],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done
    assert len(done.stderr.strip().splitlines()) == 1 and "progress:" not in done.stdout
