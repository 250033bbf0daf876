"""Issue 11.4 in the app: a failure's line leads with its decisive lines, and its whole output is
one key away (Tab to the event log, Enter on the marked failure), inert."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.records import GUEST, T0, WALL0, steady
from xentui.model import ActionEvent, ActionKind, CommandResult, NoticeEvent
from xentui.toolstack import get_toolstack
from xentui.tui.screens.output import OutputScreen
from xentui.tui.widgets.event_log import EventLog

PROGRESS = (
    "migration target: Ready to receive domain.\n"
    "Saving to migration stream new xl format (info 0x3/0x0/1411)\n"
    "Parsing config from <saved>\n"
    "xc: info: Saving domain 28, type x86 PV\n"
    "\rxc: Saving memory: 0/131072    0%\rxc: Saving memory: 65536/131072   50%"
    "\r                                        \r"
)
CAUSE = (
    "migration sender: libxl_domain_suspend failed (rc=-3)\nMigration failed, resuming at sender."
)
ARGV = ("xl", "migrate", GUEST, "xen_host_2")


def failed(kind: ActionKind, argv: tuple[str, ...], stderr: str, t: float) -> ActionEvent:
    result = CommandResult(argv, 1, "", stderr, t - 0.5, t)
    err = get_toolstack(argv[0]).parse_error(result)
    assert err is not None
    return ActionEvent(
        t=t,
        wall=WALL0 + t - T0,
        kind=kind,
        guest=GUEST,
        host="xen_host_1",
        target="xen_host_2" if kind is ActionKind.MIGRATE else None,
        ok=False,
        message=err.message,
        result=result,
    )


async def test_enter_on_a_failure_in_the_log_opens_its_whole_output(app) -> None:
    pause = failed(ActionKind.PAUSE, ("xl", "pause", GUEST), "libxl: error: paused\x1b[2J", T0 + 1)
    migrate = failed(ActionKind.MIGRATE, ARGV, PROGRESS + CAUSE, T0 + 2)
    notice = NoticeEvent(t=T0 + 3, wall=WALL0 + 3, text="xen_host_2: list readable again")
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(*steady(), pause, migrate, notice)
        await pilot.pause()
        log = app.main.query_one("#log", EventLog)
        shown = " ".join(strip.text.strip() for strip in log.lines)  # lines wrap at spaces
        # the decisive lines lead, on one line, progress left out
        assert (
            "FAILED migration sender: libxl_domain_suspend failed (rc=-3) · Migration failed"
            in shown
        ), shown
        assert "Ready to receive" not in shown

        log.focus()
        await pilot.pause()
        await pilot.press("enter")  # the newest failure is marked on focus: the migrate
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OutputScreen)
        whole = str(screen.query_one("#output-text", Static).render())
        assert whole.startswith("$ xl migrate virt_server xen_host_2\nexit status 1\n")
        for line in [*PROGRESS.splitlines()[:4], *CAUSE.splitlines()]:
            assert line in whole
        assert "xc: Saving memory: 65536" not in whole  # erased by the logger, as on a terminal
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OutputScreen)

        await pilot.press("up")  # the earlier failure: pause (the notice has nothing behind it)
        await pilot.press("enter")
        await pilot.pause()
        whole = str(app.screen.query_one("#output-text", Static).render())
        assert whole.startswith("$ xl pause virt_server") and "\\x1b[2J" in whole
        assert "\x1b" not in whole  # inert: the escape is spelt out, not sent
