"""A confirmed fix is never cut half-way: Esc or `w` on the checklist, or Ctrl-C in `check --fix`.

The lab's hosts write slowly here (``vfs.write_s``: tee empties the file, then fills it later),
which opens the window in which leaving the screen used to close the connections mid-fix.
"""

from __future__ import annotations

import asyncio
import signal
import sys

import pytest
from textual.widgets import DataTable
from textual.widgets._toast import Toast

from tests.tui.waits import open_setup, until
from xentui.setup.writes import TEMP_MARK
from xentui.tui.app import XentuiApp
from xentui.tui.setup_screen import FixDialog, SetupScreen

XEND = "/etc/xen/xend-config.sxp"
WRITE_S = 0.4


def _toasts(app: XentuiApp) -> list[str]:
    """The notifications on screen now, as a person reads them."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


def _writing(lab, host: str, old: str) -> bool:
    """The host's file is being replaced: a temporary file beside it, or (tee) emptied."""
    vfs = lab.host(host).vfs
    tmp = "xend-config.sxp" + TEMP_MARK
    return any(n.startswith(tmp) for n in vfs.listdir("/etc/xen")) or vfs.read_text(XEND) != old


@pytest.mark.parametrize(
    ("key", "moment"), [("escape", "at once"), ("escape", "mid-fix"), ("w", "mid-fix")]
)
async def test_leaving_the_checklist_mid_fix_lets_it_finish_on_both_hosts(
    lab_factory, key: str, moment: str
) -> None:
    lab = await lab_factory(fresh=True)
    hosts = list(lab.host_names)
    old = {h: lab.host(h).vfs.read_text(XEND) for h in hosts}
    app = XentuiApp(lab.config)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_setup(pilot, app)
        row = [step.id for step in screen.checklist.steps].index("relocation")
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        dialog = app.screen
        assert isinstance(dialog, FixDialog)
        new = {e.host: e.new for e in dialog.plan.edits}
        assert sorted(new) == sorted(hosts) and all(new[h] != old[h] for h in hosts)
        for h in hosts:
            lab.host(h).vfs.write_s = WRITE_S
        if moment == "at once":
            await pilot.press("y", key)
        else:
            await pilot.press("y")
            await until(pilot, lambda: _writing(lab, hosts[0], old[hosts[0]]), why="a write")
            await pilot.press(key)
        await until(pilot, lambda: not isinstance(app.screen, SetupScreen), why="back")
        await until(pilot, lambda: any("finishes first" in t for t in _toasts(app)), timeout=5)
        # the fix goes on without the screen, and says how it ended
        await until(pilot, lambda: any("Fix for step 4" in t for t in _toasts(app)), timeout=30)
        result = next(t for t in _toasts(app) if "Fix for step 4" in t)
    for h in hosts:
        got = lab.host(h).vfs.read_text(XEND)
        assert got == new[h], f"{h}: {'old' if got == old[h] else repr(got[:60])}"
        assert not [n for n in lab.host(h).vfs.listdir("/etc/xen") if TEMP_MARK in n]
    assert "fixed" in result or "applied" in result, result


async def _check_fix(config_path: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xentui",
        "check",
        "--config",
        config_path,
        "--fix",
        "--yes",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_ctrl_c_in_check_fix_finishes_the_file_under_way_then_stops(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    hosts = list(lab.host_names)
    old = {h: lab.host(h).vfs.read_text(XEND) for h in hosts}
    for h in hosts:
        lab.host(h).vfs.write_s = WRITE_S
    proc = await _check_fix(str(lab.config_path))
    try:
        async with asyncio.timeout(60):  # the relocation fix (step 4) writes xen_host_1 first
            while not _writing(lab, hosts[0], old[hosts[0]]):
                await asyncio.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = out.decode() + err.decode()
    assert proc.returncode == 130, text
    assert "Ctrl-C: the fix stops once the file or command under way is done" in text
    assert "Traceback" not in text
    # the file under way was written whole; the other host's was not started
    first, second = (lab.host(h).vfs.read_text(XEND) for h in hosts)
    assert first != old[hosts[0]] and "(xend-relocation-server yes)" in first, first
    assert second == old[hosts[1]]
    assert f"✗ fix relocation: stopped on request after xen_host_1:{XEND}; not done: " in text
    assert f"xen_host_2:{XEND}" in text.split("not done: ", 1)[1]
    for h in hosts:
        assert not [n for n in lab.host(h).vfs.listdir("/etc/xen") if TEMP_MARK in n]
