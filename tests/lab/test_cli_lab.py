"""`xentui lab` as `xentui demo` runs it: a child that prints `ready:` and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

import asyncssh
import pytest

from xentui.config import load_config


async def test_lab_command_ready_line_and_clean_sigterm(tmp_path) -> None:
    out_file = tmp_path / "lab.toml"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xentui",
        "lab",
        "--hosts",
        "2",
        "--config-out",
        str(out_file),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        lines: list[str] = []
        while True:
            raw = await asyncio.wait_for(proc.stdout.readline(), 20)
            assert raw, f"lab exited early: {lines} {await proc.stderr.read()}"
            lines.append(raw.decode().rstrip("\n"))
            if lines[-1].startswith("ready: "):
                break
        assert lines[-1] == f"ready: {out_file}"
        assert sum(" ssh -p " in ln for ln in lines) == 2
        config = load_config(out_file)
        host = config.hosts[1]
        async with asyncssh.connect(
            "127.0.0.1",
            host.ssh.port,
            username="root",
            client_keys=[str(host.ssh.identity_file)],
            known_hosts=str(host.ssh.known_hosts),
        ) as conn:
            result = await conn.run("xm list")
        assert result.exit_status == 0 and result.stdout.startswith("Name")
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = await asyncio.wait_for(proc.wait(), 20)
    rest = (await proc.stdout.read()).decode()
    assert rc == 0 and "lab stopped" in rest
    with socket.socket() as s:  # the port is free again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", host.ssh.port))


async def test_lab_command_refuses_bad_options() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xentui",
        "lab",
        "--hosts",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert err.decode() == "xentui lab: --hosts 0: expected 1 to 250\n"


@pytest.mark.parametrize(
    ("flag", "value"), [("--speed", "nan"), ("--speed", "inf"), ("--link-mbit", "-1")]
)
async def test_lab_command_refuses_a_speed_or_link_that_is_no_number(flag, value) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "lab", flag, value,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"xentui lab: {flag} "), lines
    assert lines[0].endswith("must be greater than 0 and finite")


async def test_lab_command_says_when_config_out_cannot_be_written(tmp_path) -> None:
    target = tmp_path / "missing-folder" / "lab.toml"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "lab", "--config-out", str(target),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert err.decode() == f"xentui lab: --config-out {target}: No such file or directory\n"
    assert "ready:" not in out.decode()
