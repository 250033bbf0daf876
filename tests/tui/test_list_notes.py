"""Issue 11.5 in the app: a list read without its header says so under the host's table."""

from __future__ import annotations

import dataclasses

from textual.widgets import Static

from tests.tui.records import T0, connected, dom0, guest, snap, steady
from xentui.toolstack.flagtable import NO_HEADER


async def test_a_headerless_list_says_no_header_under_its_table(app) -> None:
    bare = snap("xen_host_1", dom0(), guest(), t=T0 + 1)
    bare = dataclasses.replace(
        bare, snapshot=dataclasses.replace(bare.snapshot, notes=(NO_HEADER,))
    )
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), connected("xen_host_1", T0 + 1), bare)
        await pilot.pause()
        reason = app.main.panes["xen_host_1"].query_one(".down-reason", Static)
        assert str(reason.content) == "no header"
        assert str(app.main.panes["xen_host_2"].query_one(".down-reason", Static).content) == ""
        app.feed(snap("xen_host_1", dom0(), guest(), t=T0 + 2))  # the header is back
        await pilot.pause()
        assert str(reason.content) == ""
