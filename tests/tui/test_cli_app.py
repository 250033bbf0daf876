"""`xentui` and `xentui demo` as a user meets them: one readable line, never a traceback."""

from __future__ import annotations

import argparse
import dataclasses
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh

from xentui.cli.app import preflight
from xentui.cli.demo import lab_argv, stop, wait_ready
from xentui.config import LabConfig, load_config


def xentui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xentui", *args], capture_output=True, text=True, timeout=60
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_file(tmp_path: Path, port: int, known_hosts: str = "") -> Path:
    extra = f'known_hosts = "{known_hosts}"\n' if known_hosts else ""
    path = tmp_path / "xentui.toml"
    path.write_text(
        '[guest]\nname = "virt_server"\nstream_url = "http://127.0.0.1:9/x.ogg"\n'
        f'[[host]]\nname = "xen_host_1"\naddress = "127.0.0.1"\nport = {port}\n{extra}'
    )
    return path


def test_a_missing_lab_file_is_one_line(tmp_path):
    proc = xentui("--config", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"xentui: {tmp_path / 'nope.toml'}: no such file (given with --config)"
    ]


def test_an_unreachable_first_host_is_one_line(tmp_path):
    proc = xentui("--config", str(lab_file(tmp_path, closed_port())))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xentui: cannot reach xen_host_1"), lines
    assert "Traceback" not in proc.stderr


def first_host_with(lab, known_hosts: Path) -> LabConfig:
    """The lab file with its first host checked against ``known_hosts``."""
    first = lab.config.hosts[0]
    first = dataclasses.replace(first, ssh=dataclasses.replace(first.ssh, known_hosts=known_hosts))
    return dataclasses.replace(lab.config, hosts=(first, *lab.config.hosts[1:]))


async def test_an_unknown_first_host_key_is_left_to_the_apps_dialog(lab, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    assert await preflight(first_host_with(lab, empty)) is None
    assert empty.read_text() == ""  # nothing trusted before the presenter said so


async def test_a_changed_first_host_key_is_one_line(lab, tmp_path):
    known = tmp_path / "known_hosts"
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    known.write_text(f"[127.0.0.1]:{lab.ssh_port('xen_host_1')} {other}")
    problem = await preflight(first_host_with(lab, known))
    assert problem is not None and "CHANGED" in problem and "man-in-the-middle" in problem
    assert "\n" not in problem


def test_demo_starts_the_lab_child_and_stops_it(tmp_path):
    args = argparse.Namespace(fresh=False, speed=20.0, link_mbit=None, toolstack="xm")
    argv = lab_argv(args, tmp_path / "lab.toml")
    assert argv[1:] == [
        "-m", "xentui", "lab", "--config-out", str(tmp_path / "lab.toml"),
        "--speed", "20.0", "--toolstack", "xm",
    ]  # fmt: skip
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        ready = wait_ready(child, log, 60)
        assert ready == tmp_path / "lab.toml", ready
        config = load_config(ready)
        assert [h.name for h in config.hosts] == ["xen_host_1", "xen_host_2"]
    finally:
        stop(child)
    # the lab's own words say why a stop went wrong (a traceback in its close, say)
    assert child.returncode == 0, log.read_text(errors="replace")[-2000:]
    assert "lab stopped" in log.read_text()


def test_demo_says_why_when_the_lab_never_gets_ready(tmp_path):
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "xentui", "lab", "--speed", "-1"], stdout=out, stderr=out
        )
    why = wait_ready(child, log, 30)
    assert isinstance(why, str) and why.startswith("the lab stopped (exit 2) before it was ready")
    assert "--speed and --link-mbit must be greater than 0" in why


def test_demo_refuses_a_bad_speed_or_link_in_one_line_before_any_lab():
    for flag, value in (
        ("--speed", "nan"),
        ("--speed", "inf"),
        ("--link-mbit", "0"),
        ("--speed", "x"),
    ):
        proc = xentui("demo", flag, value)
        assert proc.returncode == 2, proc.stderr
        last = proc.stderr.strip().splitlines()[-1]
        assert last == (
            f"xentui demo: error: argument {flag}: expected a number greater than 0, got '{value}'"
        )
        assert "Traceback" not in proc.stderr and "lab" not in proc.stdout
