"""SshRunner against a real OpenSSH sshd: commands, quoting, caps, timeouts, sessions, failures."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from tests.remote.sshd import RealSshd, free_port
from xentui.remote import AuthFailed, HostUnreachable, open_runner
from xentui.remote.ssh import SshRunner


async def test_runs_a_command_with_exit_status_and_streams(sshd: RealSshd) -> None:
    runner = await open_runner(sshd.host_config())
    try:
        ok = await runner.run(["echo", "hello"], timeout=5)
        bad = await runner.run(["sh", "-c", "echo oops >&2; exit 3"], timeout=5)
    finally:
        await runner.close()
    assert ok.ok and ok.stdout == "hello\n" and ok.stderr == ""
    assert bad.exit_status == 3 and bad.stderr.startswith("oops")
    assert ok.finished >= ok.started


async def test_input_and_quoting_round_trip(sshd: RealSshd) -> None:
    hostile = "a b; touch /tmp/xentui-pwned $(id) `id` 'q' \"d\" \\ *"
    runner = await open_runner(sshd.host_config())
    try:
        res = await runner.run(["printf", "%s|", hostile, "x"], timeout=5)
        cat = await runner.run(["cat"], timeout=5, input="from stdin\n")
    finally:
        await runner.close()
    assert res.stdout == f"{hostile}|x|"
    assert cat.stdout == "from stdin\n"


async def test_huge_output_is_capped(sshd: RealSshd) -> None:
    runner = SshRunner(sshd.host_config(), output_cap=1000)
    try:
        res = await runner.run(["head", "-c", "200000", "/dev/zero"], timeout=10)
    finally:
        await runner.close()
    assert res.ok and res.truncated and len(res.stdout) == 1000
    assert "output cut at 1000 bytes" in res.stderr


async def test_a_hanging_command_times_out_and_the_connection_lives_on(sshd: RealSshd) -> None:
    runner = SshRunner(sshd.host_config())
    try:
        res = await runner.run(["sleep", "30"], timeout=0.3)
        after = await runner.run(["echo", "still here"], timeout=5)
    finally:
        await runner.close()
    assert res.exit_status is None and res.unfinished == "sleep did not finish in 0.3 s"
    assert res.stderr.endswith("xentui: sleep did not finish in 0.3 s")
    assert 0.25 < res.duration_s < 20  # cut at the timeout, long before sleep 30 ends
    assert after.stdout == "still here\n"


async def test_more_commands_than_max_sessions_all_succeed(sshd: RealSshd) -> None:
    runner = SshRunner(sshd.host_config())
    try:
        results = await asyncio.gather(
            *(runner.run(["sh", "-c", f"sleep 0.2; echo {i}"], timeout=20) for i in range(25))
        )
    finally:
        await runner.close()
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(25)]


async def test_unlimited_sessions_hit_sshd_max_sessions(sshd: RealSshd) -> None:
    # the semaphore is what keeps the test above green: without it sshd refuses channels
    runner = SshRunner(sshd.host_config(), max_sessions=100)
    try:
        results = await asyncio.gather(
            *(runner.run(["sleep", "0.5"], timeout=20) for _ in range(25)),
            return_exceptions=True,
        )
    finally:
        await runner.close()
    refused = [r for r in results if isinstance(r, HostUnreachable)]
    assert refused and "cannot open a channel" in refused[0].reason


async def test_refused_connection_is_one_clear_reason() -> None:
    from xentui.config import HostConfig, SshTarget

    host = HostConfig(ssh=SshTarget(name="nobody", address="127.0.0.1", port=free_port()))
    with pytest.raises(HostUnreachable) as err:
        await open_runner(host)
    assert "connection refused" in err.value.reason and err.value.host == "nobody"


async def test_wrong_key_is_an_auth_failure(sshd: RealSshd, tmp_path) -> None:
    from tests.remote.sshd import keygen

    other = keygen(tmp_path / "other_key")
    host = sshd.host_config()
    host = dataclasses.replace(host, ssh=dataclasses.replace(host.ssh, identity_file=other))
    with pytest.raises(AuthFailed) as err:
        await open_runner(host)
    assert "authentication failed" in err.value.reason


async def test_sshd_going_away_raises_then_reconnects_when_back(sshd_factory) -> None:
    sshd = sshd_factory()
    runner = SshRunner(sshd.host_config())
    try:
        assert (await runner.run(["true"], timeout=5)).ok
        sshd.kill_all()
        with pytest.raises(HostUnreachable) as err:
            await runner.run(["true"], timeout=2)
        assert "refused" in err.value.reason or "lost" in err.value.reason
        sshd.restart()
        assert (await runner.run(["echo", "back"], timeout=5)).stdout == "back\n"
    finally:
        await runner.close()


async def test_commands_run_in_the_c_locale_whatever_the_host_sets(sshd: RealSshd) -> None:
    """xentui reads English words (virsh's table, 'No such file'): a German dom0 must not
    translate them. The remote shell's own LANG stays; only LC_ALL, which wins, is C."""
    runner = await open_runner(sshd.host_config())
    try:
        res = await runner.run(["sh", "-c", 'echo "$LC_ALL"; cat /nonexistent-xentui'], timeout=5)
    finally:
        await runner.close()
    assert res.stdout == "C\n"
    assert "No such file or directory" in res.stderr
