"""The local transport (presenter on dom0): argv run directly, same caps, timeouts and sudo."""

from __future__ import annotations

import dataclasses

from xentui.config import HostConfig, SshTarget
from xentui.model import CommandResult
from xentui.remote import make_runner
from xentui.remote.local import LocalRunner
from xentui.remote.output import Collected, finish, sudo_argv

HOST = HostConfig(ssh=SshTarget(name="dom0"), transport="local")


async def test_runs_argv_without_a_shell() -> None:
    runner = make_runner(HOST)
    assert isinstance(runner, LocalRunner)
    res = await runner.run(["printf", "%s|", "a b", "$(id)", ";true"], timeout=5)
    assert res.ok and res.stdout == "a b|$(id)|;true|"
    cat = await runner.run(["cat"], timeout=5, input="in\n")
    assert cat.stdout == "in\n"


async def test_exit_status_timeout_cap_and_missing_tool() -> None:
    runner = LocalRunner(HOST, output_cap=100)
    bad = await runner.run(["sh", "-c", "echo no >&2; exit 4"], timeout=5)
    assert bad.exit_status == 4 and bad.stderr.startswith("no")
    hung = await runner.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.2)
    assert hung.exit_status is None and hung.unfinished == "sh did not finish in 0.2 s"
    assert hung.stderr.endswith("xentui: sh did not finish in 0.2 s")
    assert hung.duration_s < 3
    big = await runner.run(["head", "-c", "5000", "/dev/zero"], timeout=5)
    assert big.truncated and len(big.stdout) == 100
    missing = await runner.run(["no-such-xm-here"], timeout=5)
    assert missing.exit_status == 127 and "no-such-xm-here" in missing.stderr


def test_sudo_never_prompts_and_a_password_request_is_said_in_words() -> None:
    assert sudo_argv(["xm", "pause", "virt_server"]) == (
        "sudo",
        "-n",
        "--",
        "xm",
        "pause",
        "virt_server",
    )
    for text, fix in (
        ("sudo: a password is required\n", "sudo wants a password"),
        ("sudo: no tty present and no askpass program specified\n", "sudo wants a password"),
        ("sudo: sorry, you must have a tty to run sudo\n", "!requiretty"),
    ):
        coll = Collected(1000)
        coll.exit_status = 1
        coll.err.add(text.encode())
        res: CommandResult = finish(("xm", "list"), coll, 0.0, 0.1, None, sudo=True)
        assert res.stderr.startswith(text.strip()) and fix in res.stderr
    coll = Collected(1000)
    coll.exit_status = 1
    coll.err.add(b"sudo: illegal option `-n'\nusage: sudo -K | -L | -V | -h | -k | -l | -v\n")
    old = finish(("xm", "list"), coll, 0.0, 0.1, None, sudo=True)
    assert "predates -n" in old.stderr


async def test_sudo_flag_prefixes_the_command(tmp_path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sudo").write_text("#!/bin/sh\nprintf '%s ' \"$@\"\n")
    (bin_dir / "sudo").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    runner = LocalRunner(dataclasses.replace(HOST, sudo=True))
    res = await runner.run(["xm", "list"], timeout=5)
    assert res.stdout == "-n -- xm list " and res.argv == ("xm", "list")


async def test_local_commands_run_in_the_c_locale(monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    res = await make_runner(HOST).run(["sh", "-c", 'echo "$LC_ALL"'], timeout=5)
    assert res.stdout == "C\n"
