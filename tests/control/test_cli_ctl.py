"""`xentui ctl` through the lab (issue 14.14): the source named, an unreachable host said once,
--json as one object, an unknown --to a usage error, elapsed times and a heartbeat, Ctrl-C
words, and the run recorded."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

from xentui.record.reader import read_run

ELAPSED = re.compile(r"  \+ *\d+\.\d s  \S")


async def ctl(*args: str, home: Path, timeout: float = 60) -> tuple[int, str, str]:
    env = {**os.environ, "XDG_STATE_HOME": str(home)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "ctl", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    async with asyncio.timeout(timeout):
        out, err = await proc.communicate()
    return await proc.wait(), out.decode(), err.decode()


async def test_unknown_target_is_a_usage_error_before_connecting(lab, tmp_path) -> None:
    cfg = str(lab.config_path)
    rc, out, err = await ctl("migrate", "--to", "nowhere", "--config", cfg, home=tmp_path)
    assert rc == 2 and out == "", out
    assert err.strip().splitlines() == [
        f"xentui ctl migrate: --to 'nowhere': no host of that name in {lab.config_path.name} "
        "(hosts: xen_host_1, xen_host_2)"
    ]


async def test_pause_names_the_source_and_json_is_one_object(lab, tmp_path) -> None:
    cfg = str(lab.config_path)
    rc, out, err = await ctl("pause", "--json", "--no-record", "--config", cfg, home=tmp_path)
    assert rc == 0, err
    doc = json.loads(out)
    assert list(doc)[:7] == ["action", "guest", "source", "target", "ok", "error", "timeline"]
    assert doc["action"] == "pause" and doc["guest"] == "virt_server"
    assert doc["source"] == "xen_host_1" and doc["target"] is None
    assert doc["ok"] is True and doc["error"] is None and doc["timeline"] == []
    rc, out, _ = await ctl("pause", "--json", "--no-record", "--config", cfg, home=tmp_path)
    doc = json.loads(out)
    assert rc == 1 and doc["ok"] is False and "already paused" in doc["error"]
    rc, out, _ = await ctl("unpause", "--no-record", "--config", cfg, home=tmp_path)
    assert rc == 0 and out.startswith("unpause virt_server on xen_host_1: ok"), out
    assert not list(tmp_path.rglob("*.jsonl"))


async def test_an_unreachable_source_is_said_once_and_named(lab, tmp_path) -> None:
    await lab.stop_host("xen_host_1")
    cfg = str(lab.config_path)
    rc, out, err = await ctl("pause", "--no-record", "--config", cfg, home=tmp_path)
    assert rc == 2, out + err
    assert err.count("xen_host_1 unreachable") == 1, err
    assert "on ?" not in out
    assert out.startswith("pause virt_server (on no reachable host): FAILED: refused: "), out


async def test_migrate_json_timeline_elapsed_times_and_record(lab, tmp_path) -> None:
    record = tmp_path / "ctl.jsonl"
    rc, out, err = await ctl(
        "migrate", "--to", "xen_host_2", "--json", "--record", str(record),
        "--config", str(lab.config_path), home=tmp_path,
    )  # fmt: skip
    assert rc == 0, out + err
    doc = json.loads(out)
    assert (doc["action"], doc["source"], doc["target"]) == ("migrate", "xen_host_1", "xen_host_2")
    assert doc["ok"] is True and doc["error"] is None
    phases = [m["phase"] for m in doc["timeline"]]
    assert phases[0] == "requested" and phases[-1] == "completed", phases
    times = [m["t_s"] for m in doc["timeline"]]
    assert times == sorted(times) and times[0] == 0.0
    # each progress line on stderr carries the time since the request
    progress = [line for line in err.splitlines() if line.startswith("  +")]
    assert progress and all(ELAPSED.match(line) for line in progress), err
    assert any(line.endswith("  requested") for line in progress), err
    assert f"this run is recorded in {record}" in err
    kinds = {type(e).__name__ for e in read_run(record).events}
    assert {"MigrationEvent", "ActionEvent", "SnapshotEvent"} <= kinds, kinds


async def test_a_silent_migration_has_a_heartbeat_and_ctrl_c_says_it_goes_on(
    lab_factory, tmp_path
) -> None:
    lab = await lab_factory(transfer_mib=128.0, link_mbit=100.0)  # about 10 s
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "ctl", "migrate", "--to", "xen_host_2", "--no-record",
        "--config", str(lab.config_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    seen: list[str] = []
    async with asyncio.timeout(60):
        while not any("still migrating" in line for line in seen):
            line = (await proc.stderr.readline()).decode()
            assert line, seen  # the migration ended before a heartbeat: too fast for this test
            seen.append(line)
        proc.send_signal(signal.SIGINT)
        _, rest = await proc.communicate()
    rc = await proc.wait()
    words = rest.decode()
    assert rc == 130, words
    assert "the migration goes on on the hosts" in words
    assert f"xentui list --config {lab.config_path}" in words
