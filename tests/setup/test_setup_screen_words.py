"""The checklist as a presenter reads it at 80-100 columns (issue 14.8): one number per row,
the cursor on the first failure, the detail under the cursor, results whole, keys that say so."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Static

from tests.tui.waits import checks_settled, open_setup, until
from xentui.setup.results import Status
from xentui.tui.app import XentuiApp
from xentui.tui.setup_screen import FixDialog, SetupScreen


def screen_lines(app: XentuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def rows_text(app: XentuiApp, screen: SetupScreen) -> str:
    """The table as drawn, row lines joined: each result must be in it whole."""
    table = screen.query_one(DataTable)
    top, bottom = table.region.y, table.region.bottom
    return "\n".join(screen_lines(app)[top:bottom])


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_fresh_lab_rows_numbers_cursor_and_whole_results(lab_factory, size) -> None:
    lab = await lab_factory(fresh=True)
    app = XentuiApp(lab.config)
    async with app.run_test(size=size) as pilot:
        screen = await open_setup(pilot, app)
        steps, results = screen.checklist.steps, screen.checklist.results
        numbers = [s.number for s in steps]
        assert len(set(numbers)) == len(numbers), numbers
        assert numbers[3:5] == ["4a", "4b"]
        # the cursor went to the first failed step, and the detail is about it
        first = next(s for s in steps if results[s.id].status is Status.FAILED)
        await until(pilot, lambda: screen.selected == first, why="the first failure selected")
        detail = str(screen.query_one("#setup-why", Static).content)
        assert detail.startswith(f"Step {first.number}: {first.title}")
        # the counts add up to the rows, and say so
        n = len(steps)
        counted = sum(
            int(k) for k in re.findall(r"(\d+) (?:passed|failed|unknown|blocked)", screen.status)
        )
        assert screen.status.startswith(f"{n} checks (steps 1-9, 4 as 4a and 4b): "), screen.status
        assert counted == n, screen.status
        # every result is drawn whole, word by word, inside the screen (wrapped, never cut)
        await pilot.pause()
        drawn = rows_text(app, screen)
        assert all(len(line.rstrip()) <= size[0] for line in screen_lines(app))
        for step in steps[: screen.query_one(DataTable).size.height // 3]:
            reason = results[step.id].reason
            for word in words(reason)[:12]:
                assert word in drawn, (word, reason, drawn)
        # the words a presenter understands, explained once
        shown = "\n".join(screen_lines(app))
        assert "seed" not in shown.lower(), shown
        assert "the original demo" in shown.lower()
        assert shown.count("2007") == 1


async def test_detail_follows_the_cursor_and_j_k_move(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    app = XentuiApp(lab.config)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_setup(pilot, app)
        table = screen.query_one(DataTable)
        table.move_cursor(row=2)  # guest-config: fixable
        await pilot.pause()
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        await pilot.press("escape")
        await until(pilot, lambda: "cancelled" in screen.last_fix)
        detail = lambda: str(screen.query_one("#setup-why", Static).content)  # noqa: E731
        assert "Fix for step 3 cancelled" in detail()
        await pilot.press("j")
        assert table.cursor_row == 3 and screen.selected.number == "4a"
        assert detail().startswith("Step 4a:") and "Fix for step 3" not in detail()
        await pilot.press("j", "j")
        assert table.cursor_row == 5
        await pilot.press("k", "k", "k")
        assert table.cursor_row == 2 and "Fix for step 3 cancelled" in detail()
        await pilot.press("k", "k", "k")
        assert table.cursor_row == 0


async def test_a_and_c_say_they_run_and_what_changed(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    vfs = lab.host("xen_host_1").vfs
    app = XentuiApp(lab.config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot, app)
        await until(pilot, lambda: screen.status.startswith("10 checks"))
        said: list[str] = []
        say = screen._say
        screen._say = lambda words: (said.append(words), say(words))[1]  # every status line
        await pilot.press("a")
        assert said[0] == "Checking all 10 steps…"
        await checks_settled(pilot, screen)
        await until(pilot, lambda: screen.status.startswith("Checked all 10 again: "))
        assert "nothing changed · 10 checks" in screen.status, screen.status
        # the guest's config fixed behind the checklist's back: `c` on it says what changed
        cfg = "/etc/xen/virt_server"
        text = (
            vfs.read_text(cfg).replace("\nvnc=1", "\n#vnc=1").replace("vncunused=1", "#vncunused=1")
        )
        vfs.write(cfg, text + "\nsdl=1\n")
        screen.query_one(DataTable).move_cursor(row=2)
        await pilot.pause()
        await pilot.press("c")
        await until(pilot, lambda: "Checking step 3…" in said)
        await until(pilot, lambda: "checked again" in screen.status)
        assert screen.status == "Step 3 checked again: 3 failed → passed", screen.status
        await pilot.press("c")
        await until(pilot, lambda: screen.status == "Step 3 checked again: still passed")
