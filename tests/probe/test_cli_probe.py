"""`xentui probe URL` as a person runs it: one line per second, or one JSON object per line."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from xentui.lab.streaming.stream import StreamServer

from .servers import AUDIO, BadServer


async def _run(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "probe", "--no-record", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    return await proc.wait(), out.decode(), err.decode()  # wait(): the exit status, an int


async def test_json_lines() -> None:
    async with BadServer("good") as server:
        code, out, err = await _run(server.url, "--json", "--duration", "2.5", "--buffer", "0.5")
    assert code == 0, err
    *rows, summary = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and summary["summary"] is True and summary["ok"] is True
    for key in ("bitrate_kbps", "buffer_s", "state", "longest_gap_ms"):
        assert key in rows[-1]
    assert rows[-1]["state"] == "playing"
    assert rows[-1]["bitrate_kbps"] > 0
    assert rows[-1]["media_time_estimated"] is False


async def test_text_lines_say_why_when_refused() -> None:
    async with BadServer("good") as server:
        url = server.url
    code, out, _ = await _run(url, "--duration", "1.5")
    assert code == 1  # no stream ever played (issue 14.13)
    line = out.splitlines()[0]
    assert "stopped" in line and "connection refused" in line


async def test_bad_buffer_is_one_line() -> None:
    code, _, err = await _run("http://127.0.0.1:9/x.ogg", "--buffer", "0")
    assert code == 2
    assert err.strip() == "xentui probe: --buffer must be > 0 seconds"


@pytest.mark.parametrize("url", ["notaurl", "ftp://127.0.0.1/x.ogg", "http://127.0.0.1:99999/x"])
async def test_a_url_that_cannot_work_is_one_line(url: str) -> None:
    code, out, err = await _run(url, "--duration", "1")
    assert code == 2
    assert out == ""
    assert err.startswith("xentui probe: expected an http:// or https:// URL with a host")
    assert err.count("\n") == 1


async def test_json_says_how_short_a_gap_it_could_see() -> None:
    """A 64 kbit/s stream paced like a player: longest_gap_ms 0 comes with its resolution."""
    server = StreamServer("127.0.0.1", 0, AUDIO)
    await server.start()
    try:
        code, out, err = await _run(server.url, "--json", "--duration", "4.5", "--buffer", "0.5")
    finally:
        await server.close()
    assert code == 0, err
    *rows, _summary = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["resolution_ms"] is None or rows[0]["resolution_ms"] > 0
    last = rows[-1]
    assert last["state"] == "playing" and last["longest_gap_ms"] == 0
    assert last["resolution_ms"] is not None and last["resolution_ms"] > 50
