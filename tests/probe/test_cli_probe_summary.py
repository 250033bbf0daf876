"""`xentui probe` ends with a summary and its exit status says whether a stream ever played
(issue 14.13); what it cannot know yet is said in words, not as `?` or `0.0 kbit/s`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from xentui.record.reader import read_run

from .servers import BadServer


async def probe(*args: str, home: Path) -> tuple[int, list[str], str]:
    env = {**os.environ, "XDG_STATE_HOME": str(home)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "probe", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return await proc.wait(), out.decode().splitlines(), err.decode()


NO_STREAM = ("status404", "html200", "refused")
Run = tuple[tuple[int, list[str], str], Path]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The probe runs of the tests below, at once: the three that find no stream, the non-Ogg
    one and the recorded one, each its own process, server and state dir. Each waits out a
    fixed 2.5 s and is judged on its words and files, never on its timing, which sharing the
    CPU cannot change: ~3 s instead of ~14 s. (The JSON test, which counts stalls, runs alone.)"""

    async def run_all() -> dict[str, Run]:
        async with BadServer("good") as gone:
            refused = gone.url  # nothing listens there once it is closed
        homes = {m: tmp_path_factory.mktemp(m) for m in (*NO_STREAM, "not_ogg", "record")}
        record = homes["record"] / "probe.jsonl"
        async with (
            BadServer("status404") as s404,
            BadServer("html200") as s200,
            BadServer("not_ogg") as not_ogg,
            BadServer("good") as good,
        ):
            args = {
                "status404": (s404.url, "--duration", "2.5", "--no-record"),
                "html200": (s200.url, "--duration", "2.5", "--no-record"),
                "refused": (refused, "--duration", "2.5", "--no-record"),
                "not_ogg": (not_ogg.url, "--duration", "2.5", "--buffer", "0.5", "--no-record"),
                "record": (
                    good.url,
                    "--duration",
                    "2.5",
                    "--buffer",
                    "0.5",
                    "--record",
                    str(record),
                ),
            }
            done = await asyncio.gather(*(probe(*a, home=homes[m]) for m, a in args.items()))
        return {m: (result, homes[m]) for m, result in zip(args, done, strict=True)}

    return asyncio.run(run_all())


@pytest.mark.parametrize("mode", NO_STREAM)
def test_no_stream_is_exit_1_with_a_summary_saying_why(mode: str, runs: dict[str, Run]) -> None:
    (code, lines, err), home = runs[mode]
    assert code == 1, (lines, err)
    assert lines[-1].startswith("summary: no stream played in 2.5 s: "), lines
    if mode == "refused":
        assert "connection refused" in lines[-1]
    elif mode == "status404":
        assert "404" in lines[-1], lines[-1]
    # the first line says what it could not know, in words
    first = lines[0]
    assert "(sees > ?" not in first and "0.0 kbit/s" not in first, first
    assert "no data arrives" in first or "kbit/s" in first
    assert "too early to tell how short a gap it sees" in first, first
    assert not list(home.rglob("*.jsonl"))  # --no-record: nothing written


async def test_json_ends_with_one_summary_object(tmp_path) -> None:
    async with BadServer("good") as gone:
        url = gone.url  # a port nothing listens on once it is closed
    async with BadServer("good") as server:
        # both at once, each its own process: one that plays, one that is refused
        (code, lines, err), (code2, lines2, _) = await asyncio.gather(
            probe(
                server.url, "--json", "--duration", "3.5", "--buffer", "0.5", "--no-record",
                home=tmp_path,
            ),
            probe(url, "--json", "--duration", "1.5", "--no-record", home=tmp_path),
        )  # fmt: skip
    assert code == 0, err
    rows = [json.loads(line) for line in lines]
    assert [r.get("summary", False) for r in rows] == [False, False, False, True]
    last = rows[-1]
    assert last["ok"] is True and last["played_s"] >= 1 and last["bitrate_kbps"] > 0
    assert last["stalls"] == 0 and last["media_time_estimated"] is False and not last["note"]
    code, lines = code2, lines2
    doc = json.loads(lines[-1])
    assert code == 1 and doc["summary"] is True and doc["ok"] is False
    assert "connection refused" in doc["message"] and doc["bitrate_kbps"] is None


def test_a_non_ogg_stream_says_the_buffer_is_estimated_and_how_to_give_the_bitrate(
    runs: dict[str, Run],
) -> None:
    (code, lines, err), _home = runs["not_ogg"]
    assert code == 0, err
    hint = "buffer and the stalls are estimated at 128 kbit/s; give the stream's bitrate with "
    assert hint + "--bitrate KBPS" in err, err
    assert err.count(hint) == 1
    assert hint in lines[-1] and lines[-1].startswith("summary: played"), lines[-1]


def test_record_flag_records_the_probe(runs: dict[str, Run]) -> None:
    (code, _, err), home = runs["record"]
    record = home / "probe.jsonl"
    assert code == 0, err
    assert f"this run is recorded in {record}" in err
    run = read_run(record)
    assert run.header.command == "probe"
    assert any(s.summary.bitrate_kbps > 0 for s in run.summaries)
    assert any(type(e).__name__ == "StreamStatusEvent" for e in run.events)
