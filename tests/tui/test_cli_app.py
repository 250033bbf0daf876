"""`xentui` and `xentui demo` as a user meets them: one readable line, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from xentui.cli.demo import lab_argv, stop, wait_ready
from xentui.config import load_config


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


async def test_an_unknown_host_key_offers_the_trust_flag(lab, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    port = lab.ssh_port("xen_host_1")
    path = lab_file(tmp_path, port, str(empty))
    text = path.read_text() + f'identity_file = "{lab.client_key_path}"\n'
    path.write_text(text)
    # the lab runs on this loop: the child must be awaited, not waited for
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "--config", str(path), stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1, err
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("add --trust-new-host-keys"), lines


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
    assert child.returncode == 0
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
