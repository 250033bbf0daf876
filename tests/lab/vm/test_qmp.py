"""The QMP client against a real QEMU (no guest: -S, frozen before its first instruction).

A misbehaving peer QEMU cannot be made to play (silence, a wrong greeting) is a small unix
socket server here, over a real socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.lab.vm.conftest import need
from xentui.lab.vm.qmp import Qmp, QmpError


@pytest.fixture
async def bare_qemu(tmp_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, Path]]:
    need("qemu")
    sock = tmp_path / "q.qmp"
    proc = await asyncio.create_subprocess_exec(
        "qemu-system-x86_64", "-accel", "tcg", "-display", "none", "-monitor", "none",
        "-nodefaults", "-S", "-m", "16", "-qmp", f"unix:{sock},server=on,wait=off",
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        yield proc, sock
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()


async def test_commands_answer_and_errors_carry_qemus_words(bare_qemu) -> None:
    _, sock = bare_qemu
    qmp = await Qmp.connect(sock)
    try:
        assert qmp.greeting["version"]["qemu"]["major"] >= 7
        status = await qmp.execute("query-status")
        assert (status["status"], status["running"]) == ("prelaunch", False)
        with pytest.raises(QmpError) as caught:
            await qmp.execute("no-such-command")
        words = "no-such-command: The command no-such-command has not been found"
        assert str(caught.value) == words
        assert caught.value.error_class == "CommandNotFound"
        with pytest.raises(QmpError, match=r"^migrate-set-parameters: .*max-bandwidth"):
            await qmp.execute("migrate-set-parameters", {"max-bandwidth": "fast"})
        answers = await asyncio.gather(*(qmp.execute("query-name") for _ in range(5)))
        assert answers == [{}] * 5  # concurrent commands each get their own reply
    finally:
        await qmp.close()


async def test_events_are_queued_in_order(bare_qemu) -> None:
    _, sock = bare_qemu
    qmp = await Qmp.connect(sock)
    try:
        await qmp.execute("cont")
        assert (await qmp.next_event("RESUME"))["event"] == "RESUME"
        await qmp.execute("stop")
        stop = await qmp.next_event("STOP", "RESUME")
        assert stop["event"] == "STOP" and "timestamp" in stop
        assert (await qmp.execute("query-status"))["status"] == "paused"
        with pytest.raises(QmpError, match=r"^no QMP event \(MIGRATION\) in 0\.2 s$"):
            await qmp.next_event("MIGRATION", timeout=0.2)
    finally:
        await qmp.close()


async def test_after_quit_a_command_fails_in_words_not_a_hang(bare_qemu) -> None:
    proc, sock = bare_qemu
    qmp = await Qmp.connect(sock)
    try:
        assert await qmp.execute("quit") == {}
        await asyncio.wait_for(proc.wait(), 10)
        gone = r"^query-status: (QEMU closed the QMP connection|QMP connection lost: )"
        with pytest.raises(QmpError, match=gone):  # which one depends on who sees EOF first
            await qmp.execute("query-status", timeout=2)
        assert qmp.closed
    finally:
        await qmp.close()


async def test_no_socket_is_an_error_after_the_time_out(tmp_path: Path) -> None:
    with pytest.raises(QmpError, match=r"^no QMP socket at .*absent\.qmp after 0\.3 s"):
        await Qmp.connect(tmp_path / "absent.qmp", timeout=0.3)


@contextlib.asynccontextmanager
async def _peer(path: Path, lines: list[bytes]) -> AsyncIterator[None]:
    """A unix socket peer that sends ``lines`` then stays silent until closed."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        writers.append(w)
        for line in lines:
            w.write(line)
        await w.drain()

    server = await asyncio.start_unix_server(serve, str(path))
    try:
        yield
    finally:
        server.close()
        for w in writers:
            w.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ([b"SSH-2.0-OpenSSH\r\n"], r"^QMP greeting on .* is not JSON"),
        ([b'{"hello": 1}\n'], r"^no QMP greeting on "),
        ([], r"^QMP greeting on .* timed out after 0\.3 s"),
        ([b'{"QMP": {"version": {}}}\n'], r"^qmp_capabilities: no QMP reply in 0\.3 s"),
    ],
)
async def test_a_peer_that_is_not_qemu_is_an_error_in_words(tmp_path: Path, lines, words) -> None:
    sock = tmp_path / "peer.sock"
    async with _peer(sock, lines):
        with pytest.raises(QmpError, match=words):
            await Qmp.connect(sock, timeout=0.3)
