"""Issue 10.9: 13,000 rows of one name render, and the app still answers ``q``.

A real OpenSSH sshd's ``xm list`` prints Domain-0, the guest and 13,000 domains all named
``clone`` (a tool may list one name twice; a hostile one, thousands of times). The host pane gives
each repeat a row key of its own: that used to cost cubic time in the repeats, and the app froze
with ``q`` unanswered while its memory grew. Now the rows show within seconds and ``q`` quits.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile import HEADER, _host_lines
from tests.remote.conftest import sshd_factory  # noqa: F401 - the real-sshd fixture, used below
from tests.tui.test_lab import press
from tests.tui.waits import until
from xentui.config import load_config
from xentui.model import Event, SnapshotEvent
from xentui.tui.session import build_live_app, live

ROWS = 13_000
QUIT_WITHIN_S = 10.0


def clone_listing(rows: int) -> str:
    """``xm list`` (loosely spaced, as the parser allows): Domain-0, the guest, ``rows`` clones."""
    lines = ["Domain-0 0 491 1 r----- 10.0", "virt_server 3 128 1 -b---- 3.0"]
    lines += [f"clone {10 + i} 128 1 -b---- 3.0" for i in range(rows)]
    return HEADER + "\n".join(lines) + "\n"


@pytest.mark.timeout(90)  # before the fix the first poll alone took minutes: fail, never hang
async def test_thirteen_thousand_rows_of_one_name_render_and_q_quits(
    sshd_factory,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    sshd = sshd_factory()
    listing = sshd.workdir / "xm-list.txt"
    listing.write_text(clone_listing(ROWS), encoding="utf-8")
    sshd.put_tool("xm", f'case "$1" in\n list) cat {listing} ;;\n *) exit 1 ;;\nesac\n')
    path = tmp_path / "clones.toml"
    lines = ["poll_interval_s = 1.0", "", "[guest]", 'name = "virt_server"']
    lines += ['stream_url = "http://127.0.0.1:9/none.ogg"', *_host_lines("clones", sshd)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = build_live_app(load_config(path))
    assert app.engine is not None
    polls: list[Event] = []
    app.engine.add_listener(lambda e: polls.append(e) if isinstance(e, SnapshotEvent) else None)
    async with live(app.engine, None), app.run_test(size=(120, 40)) as pilot:
        pane = app.main.panes["clones"]
        await until(pilot, lambda: pane.table.row_count == ROWS + 2, 60, why="every row shown")
        assert pane.has_guest
        keys = {row.value for row in pane.table.rows}
        assert len(keys) == ROWS + 2 and max(len(k) for k in keys if k) < 16  # no key grows
        shown = len(polls)
        await until(pilot, lambda: len(polls) > shown, 30, why="the next poll, shown in place")
        assert pane.table.row_count == ROWS + 2
        t0 = time.monotonic()
        await press(pilot, "q")
        await until(pilot, lambda: not app.is_running, QUIT_WITHIN_S, why="q to quit")
        quit_s = time.monotonic() - t0
    print(f"{ROWS} rows of one name: shown; q quit in {quit_s:.2f} s")
    assert quit_s < QUIT_WITHIN_S
