"""The event log reads cleanly (issue 14.6): lines wrap within what is visible, continuation
lines sit under the message, and a host failing again and again is one line with a count."""

from __future__ import annotations

import re

import pytest

from tests.tui.records import T0, WALL0, connected, steady, unreachable
from tests.tui.test_layout import screen_lines
from tests.tui.waits import until
from xentui.model import NoticeEvent
from xentui.tui.format import clock as clock_of
from xentui.tui.widgets.event_log import STAMP, EventLog

STAMPED = re.compile(r"\d\d:\d\d:\d\d\.\d{3}  ")
REASON = (
    "ssh: the server refused the key offered by the client for root at 127.0.0.1:2202; "
    "no such file on the server: /etc/xen/auto/virt_server.cfg was expected there"
)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36), (160, 48)], ids=str)
async def test_wrapped_lines_stay_in_view_under_the_message(app, clock, size):
    async with app.run_test(size=size) as pilot:
        app.feed(*steady())
        for i in range(30):  # more lines than the log shows: its scrollbar is up
            app.feed(
                NoticeEvent(t=T0 + i, wall=WALL0 + i, text=f"xen_host_{i}: {REASON}", level="error")
            )
        log = app.main.query_one(EventLog)
        await pilot.pause(0.5)
        await until(pilot, lambda: log.max_scroll_y and log.scroll_y == log.max_scroll_y)
        await pilot.pause()
        assert log.show_vertical_scrollbar
        inner = log.scrollable_content_region
        rows = screen_lines(app, inner)
        text = [row.rstrip() for row in rows]
        last = [i for i, row in enumerate(text) if STAMPED.match(row)][-1]
        entry = [text[last]] + [row for row in text[last + 1 :] if row]
        assert len(entry) >= 2
        # the continuation lines hang under the message, none under the timestamp
        assert all(row.startswith(" " * STAMP) and row[STAMP] != " " for row in entry[1:])
        said = " ".join(row.strip() for row in entry)
        assert said.endswith("/etc/xen/auto/virt_server.cfg was expected there"), entry
        assert "no such file on the server" in said


async def test_a_host_failing_again_and_again_is_one_line_with_a_count(app, clock):
    async with app.run_test(size=(120, 36)) as pilot:
        app.feed(connected("xen_host_1"))
        for i in range(5):
            app.feed(unreachable("xen_host_2", t=T0 + 8 * i, reason="connection refused"))
            app.feed(NoticeEvent(t=T0 + 8 * i + 1, wall=WALL0 + 8 * i + 1, text="stream: playing"))
        await pilot.pause()
        log = app.main.query_one(EventLog)
        lines = [line.plain for line in log._kept]
        failing = [line for line in lines if "xen_host_2" in line]
        assert len(failing) == 1, lines
        first, last = clock_of(WALL0, ms=True), clock_of(WALL0 + 32)
        assert failing[0].startswith(f"{first}  xen_host_2 unreachable: connection refused")
        assert failing[0].endswith(f"×5, last {last}")
        # back, then failing again: a new story, a new line
        app.feed(connected("xen_host_2", t=T0 + 40))
        app.feed(unreachable("xen_host_2", t=T0 + 50, reason="connection refused"))
        await pilot.pause()
        failing = [line.plain for line in log._kept if "xen_host_2" in line.plain]
        assert len(failing) == 3 and "×" not in failing[-1]
        text = "\n".join(screen_lines(app, log.region))
        assert f"×5, last {last}" in text
