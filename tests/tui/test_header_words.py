"""The header says what happens (issue 14.7): a live migration is called live, one that is not
live is not, and nothing is claimed when nothing runs."""

from __future__ import annotations

import dataclasses

import pytest

from tests.tui.records import T0, migration, steady
from tests.tui.scenes import PHASES
from xentui.config import ConfigError, find_config
from xentui.tui.widgets.line import Line


def header(app) -> str:
    bar = app.main.query_one("#title-bar")
    return " ".join(str(w.content) for w in bar.children if w.display)


@pytest.mark.parametrize("live", [True, False], ids=["live", "not-live"])
async def test_the_header_names_the_migration_as_it_is(app, clock, live):
    async with app.run_test(size=(120, 36)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        assert "migration" not in header(app)  # nothing runs: nothing claimed
        event = migration(PHASES[:2])
        event = dataclasses.replace(event, record=dataclasses.replace(event.record, live=live))
        app.feed(event)
        await pilot.pause()
        doing = app.main.query_one("#doing", Line).text.plain
        if live:
            assert doing == "live migration → xen_host_2"
        else:
            assert doing == "migration, not live → xen_host_2"
            assert "live migration" not in header(app)
        done = migration(PHASES, now_on="xen_host_2")
        app.feed(dataclasses.replace(done, record=dataclasses.replace(done.record, live=live)))
        clock.t = T0 + 30
        app.main.tick()
        await pilot.pause()
        assert app.main.query_one("#doing", Line).text.plain == ""


def test_no_lab_file_points_to_the_demo(tmp_path) -> None:
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with pytest.raises(ConfigError) as caught:
        find_config(None, cwd=tmp_path, environ=environ)
    assert "xentui demo" in str(caught.value)
