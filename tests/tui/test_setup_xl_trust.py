"""Through the TUI on a fresh xl lab: the key step, then the ssh step's exact diff, Esc, then y."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.waits import checks_settled, open_setup, until
from xentui.setup.results import Status
from xentui.tui.app import XentuiApp
from xentui.tui.setup_screen import FixDialog, SetupScreen

AUTH = "/root/.ssh/authorized_keys"


async def test_xl_ssh_fix_shows_the_key_line_and_escape_changes_nothing(lab_factory) -> None:
    lab = await lab_factory(fresh=True, toolstack="xl")
    target = lab.host("xen_host_2").vfs
    app = XentuiApp(lab.config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_setup(pilot, app)
        cl = screen.checklist

        async def select(step_id: str) -> None:
            row = [s.id for s in cl.steps].index(step_id)
            screen.query_one(DataTable).move_cursor(row=row)
            await pilot.pause()
            assert screen.selected is not None and screen.selected.id == step_id

        await checks_settled(pilot, screen)
        assert cl.results["ssh-key"].status is Status.FAILED
        assert cl.results["relocation"].status is Status.BLOCKED
        await select("ssh-key")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        assert "ssh-keygen -q -t rsa -N '' -f /root/.ssh/id_rsa" in app.screen.plan.describe()
        await pilot.press("y")
        # the fix re-runs every check: the ssh step is no longer blocked, it fails on its own
        await until(pilot, lambda: cl.results["relocation"].status is Status.FAILED)
        await checks_settled(pilot, screen)
        public = lab.host("xen_host_1").vfs.read_text("/root/.ssh/id_rsa.pub").strip()
        await select("relocation")
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        assert f"+{public}" in app.screen.plan.describe()
        await pilot.press("escape")
        await until(pilot, lambda: "cancelled" in screen.last_fix)
        assert not target.exists(AUTH)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FixDialog))
        await pilot.press("y")
        await until(pilot, lambda: cl.results["relocation"].status is Status.PASSED)
        assert target.read_text(AUTH) == public + "\n"
        await checks_settled(pilot, screen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SetupScreen))
