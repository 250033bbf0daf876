"""The recorder on its own: size of an hour, the round trip, failures, the version rule."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.need import missing
from tests.record.synthetic import HOSTS, hour, lab
from xentui.model import GapEvent, MigrationEvent, MigrationPhase, NoticeEvent, SnapshotEvent
from xentui.record.reader import read_run
from xentui.record.recorder import Recorder
from xentui.record.schema import RecordError, SummaryRecord


def test_an_hour_stays_under_a_few_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "hour.jsonl"
    started = time.monotonic()
    rec = hour(path)
    rec.close()
    took = time.monotonic() - started
    size = path.stat().st_size
    print(f"one synthetic hour: {size / 1e6:.2f} MB, {rec.lines} lines, written in {took:.1f} s")
    assert rec.dropped == 0 and rec.failed is None
    assert size < 3_000_000, size
    run = read_run(path)
    summaries = list(run.summaries)
    assert len(summaries) == 3600
    migrations = [e for e in run.events if isinstance(e, MigrationEvent)]
    assert [e.phase for e in migrations[:2]] == [MigrationPhase.REQUESTED, MigrationPhase.COMPLETED]
    assert len([e for e in run.events if isinstance(e, GapEvent)]) == 12


def test_the_round_trip_gives_back_what_was_shown(tmp_path: Path) -> None:
    path = tmp_path / "short.jsonl"
    hour(path, seconds=130, migrate_every=100).close()
    run = read_run(path)
    assert run.header.lab == lab()  # the lab file whole: key paths, never keys
    assert run.header.lab is not None and run.header.lab.hosts[0].ssh.identity_file is not None
    last: SummaryRecord = list(run.summaries)[-1]
    pts = last.summary.points
    assert len(pts) == 60 and pts[-1].t == 1000.0 + 129
    assert pts[-1].nbytes == 50_000 + (129 * 37) % 900
    assert pts[0].nbytes == 50_000 + (70 * 37) % 900
    snaps = [e for e in run.events if isinstance(e, SnapshotEvent)]
    # changes only: the first list of each host, then each host's list when the guest moved
    assert [e.snapshot.host for e in snaps] == [*HOSTS, *HOSTS]
    assert not run.cut and run.skipped == 0


def test_a_read_only_state_dir_is_one_warning(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere: a path under a file fails for everyone
        target = tmp_path / "file" / "runs" / "r.jsonl"
        (tmp_path / "file").write_text("")
    else:
        (tmp_path / "ro").mkdir(mode=0o500)
        target = tmp_path / "ro" / "runs" / "r.jsonl"
    heard: list[NoticeEvent] = []
    rec = Recorder(target, command="app", lab=None)
    rec.add_listener(lambda e: heard.append(e))  # type: ignore[arg-type]
    for _ in range(50):
        rec.note_query("min_buffer_since", 1.0, 2.0)
    rec.close()
    assert rec.failed is not None
    assert len(heard) == 1 and heard[0].level == "warning"
    assert "not recording this run" in heard[0].text and str(target) in heard[0].text


def test_a_full_disk_is_one_warning(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        missing("no /dev/full (a Linux device that answers every write with ENOSPC)")
    heard: list[object] = []
    rec = Recorder(Path("/dev/full"), command="app", lab=None)
    rec.add_listener(heard.append)
    for _ in range(20):
        rec.note_query("min_buffer_since", 1.0, 2.0)
    rec.close()
    assert rec.failed is not None and "No space left" in rec.failed
    assert len(heard) == 1


def test_a_full_queue_drops_and_says_so_once(tmp_path: Path) -> None:
    heard: list[object] = []
    rec = Recorder(tmp_path / "q.jsonl", command="app", lab=None, queue_size=1)
    rec.add_listener(heard.append)
    for _ in range(10_000):
        rec.note_query("min_buffer_since", 1.0, 2.0)
    rec.close()
    assert rec.dropped > 0 and len(heard) == 1
    assert read_run(tmp_path / "q.jsonl").items[-1].dropped == rec.dropped  # type: ignore[union-attr]


def _header(tmp_path: Path, **change: object) -> Path:
    path = tmp_path / "h.jsonl"
    rec = Recorder(path, command="app", lab=None)
    rec.close()
    lines = path.read_text().splitlines()
    head = {**json.loads(lines[0]), **change}
    path.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n")
    return path


def test_a_newer_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = _header(tmp_path, version=2, xentui="9.0")
    with pytest.raises(RecordError) as info:
        read_run(path)
    text = str(info.value)
    assert "\n" not in text and "xentui 9.0" in text and "version 2" in text


def test_an_older_file_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"version 0\).* reads version 1 only"):
        read_run(_header(tmp_path, version=0, xentui="0.0.1"))


def test_unknown_kinds_are_skipped_and_a_cut_last_line_tolerated(tmp_path: Path) -> None:
    path = _header(tmp_path)
    with path.open("a") as f:
        f.write('{"k":"from_the_future","t":1}\n{"k":"poll","host":"a","t":')
    run = read_run(path)
    assert run.skipped == 1 and run.cut


def test_a_bad_line_in_the_middle_names_the_line(tmp_path: Path) -> None:
    path = _header(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "{oops", *lines[1:]]) + "\n")
    with pytest.raises(RecordError, match=r"h.jsonl line 2: not JSON"):
        read_run(path)


def test_not_a_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(RecordError, match="not a xentui run record"):
        read_run(path)
