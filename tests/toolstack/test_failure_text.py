"""Issue 11.4: a failed command's message leads with the lines that say why, not its progress.

Texts are built from the tools' own strings: xl's (tools/xl/xl_migrate.c), libxl's and libxc's
log lines through xtl's stdio logger (``"%s: %s: "`` context and level, progress as
``"\\r%s: %lu/%lu  %3d%%"`` erased by ``"\\r%*s\\r"`` before a message,
tools/libs/toollog/xtl_logger_stdio.c; ``"saving domain: %s"``,
tools/libs/light/libxl_stream_write.c; ``PERROR("Failed to write page data to stream")``,
tools/libs/guest/xg_sr_save.c), xm's (``err()``: ``"Error:"``, and the catch-all's
``"Unexpected error:"``, tools/python/xen/xm/main.py), virsh's (``fputs(_("error: "))`` in
vshError, tools/vsh.c; progress ``"\\r%s: [%3d %%]"`` on stderr with no newline,
tools/virsh-domain.c; ``"%s: %s"`` of ``migration out job`` and ``unexpectedly failed``,
src/qemu/qemu_migration.c) and sudo's. The progress that leads each is the real Xen 4.9
``xl migrate`` transcript (github.com/erred/uva-sne, ``ls-lab2.md``); the shell's report of a signal
has the shape of real transcripts (``.../slurm_script: line 14: 42011 Segmentation fault
ClonalFrameML ...``, github.com/xavierdidelot/ClonalFrameML/issues/116).
"""

from __future__ import annotations

import pytest

from xentui.model import CommandResult
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import MigrationFailed, ToolError
from xentui.toolstack.errtext import screen_text

XL_MIGRATE = ("xl", "migrate", "virt_server", "xen_host_2")
XM_MIGRATE = ("xm", "migrate", "-l", "virt_server", "xen_host_2")
VIRSH_MIGRATE = ("virsh", "migrate", "--live", "--verbose", "virt_server", "qemu+ssh://h2/system")

PROGRESS = (  # the real 4.9 transcript's first lines
    "migration target: Ready to receive domain.\n"
    "Saving to migration stream new xl format (info 0x3/0x0/1411)\n"
    "Loading new save file <incoming migration stream> (new xl fmt info 0x3/0x0/1411)\n"
    " Savefile contains xl domain config in JSON format\n"
    "Parsing config from <saved>\n"
    "xc: info: Saving domain 28, type x86 PV\n"
    "xc: info: Found x86 PV domain from Xen 4.9\n"
)
XC_ERROR = "xc: error: Failed to write page data to stream (32 = Broken pipe): Internal error"
LIBXL_ERROR = (
    "libxl: error: libxl_stream_write.c:343:libxl__xc_domain_save_done: Domain 28:saving "
    "domain: domain responded to suspend request: Broken pipe"
)
SEGV = '/usr/local/sbin/xl: line 3:  4242 Segmentation fault      (core dumped) xl.real "$@"'


def run(argv: tuple[str, ...], status: int | None, stderr: str, stdout: str = "", **kw):
    return CommandResult(argv, status, stdout, stderr, 10.0, 11.0, **kw)


def test_xl_migrate_killed_by_a_signal_the_shell_reports_last_without_a_newline() -> None:
    """A wrapper shell (not exec'ing xl) reports the signal after the progress; no final
    newline. The first five lines were all progress: the cause was cut."""
    err = get_toolstack("xl").parse_error(run(XL_MIGRATE, 139, PROGRESS + SEGV))
    assert type(err) is MigrationFailed and err.message == SEGV


def test_xl_migrate_sender_failure_names_every_error_line_in_order() -> None:
    stderr = (
        PROGRESS
        + f"{XC_ERROR}\n{LIBXL_ERROR}\n"
        + "migration sender: libxl_domain_suspend failed (rc=-3)\n"
        + "migration target: Domain creation failed (code -3).\n"
        + "Migration failed, resuming at sender."
    )
    err = get_toolstack("xl").parse_error(run(XL_MIGRATE, 1, stderr))
    assert type(err) is MigrationFailed
    assert err.message.splitlines() == [
        XC_ERROR,
        LIBXL_ERROR,
        "migration sender: libxl_domain_suspend failed (rc=-3)",
        "migration target: Domain creation failed (code -3).",
        "Migration failed, resuming at sender.",
    ]


def test_xl_progress_overwritten_by_carriage_returns_then_erased_for_the_error() -> None:
    """xtl on a terminal: progress lines overwrite each other with CR, and the logger erases
    the bar (``"\\r%*s\\r"``) before the next message, all on one line of bytes."""
    bar = "xc: Saving memory: iter 0 (last sent 0 skipped 0): {}/131072  {:3d}%"
    shown = [bar.format(n, n * 100 // 131072) for n in (0, 32768, 65536)]
    erase = "\r" + " " * len(shown[-1]) + "\r"
    stderr = PROGRESS + "\r" + "\r".join(shown) + erase + LIBXL_ERROR + "\n"
    stderr += "migration sender: libxl_domain_suspend failed (rc=-3)\n"
    stderr += "Migration failed, resuming at sender."
    err = get_toolstack("xl").parse_error(run(XL_MIGRATE, 1, stderr))
    assert err is not None and err.message.splitlines() == [
        LIBXL_ERROR,
        "migration sender: libxl_domain_suspend failed (rc=-3)",
        "Migration failed, resuming at sender.",
    ]
    # the whole text as the terminal showed it: the bar gone, nothing glued to the error
    assert LIBXL_ERROR in screen_text(stderr).splitlines()[7]


def test_virsh_error_glued_to_its_progress_bar() -> None:
    """virsh prints ``"\\r%s: [%3d %%]"`` with no newline, then vshError's ``error: `` right
    after it: the error is its own line, the bar is not."""
    stderr = "\rMigration: [  0 %]\rMigration: [ 37 %]\rMigration: [ 64 %]"
    stderr += "error: operation failed: migration out job: unexpectedly failed\n"
    err = get_toolstack("virsh").parse_error(run(VIRSH_MIGRATE, 1, stderr))
    assert type(err) is MigrationFailed
    assert err.message == "error: operation failed: migration out job: unexpectedly failed"


def test_virsh_killed_with_only_its_bar_on_screen() -> None:
    stderr = "\rMigration: [ 12 %]\rMigration: [ 45 %]\nKilled"
    err = get_toolstack("virsh").parse_error(run(VIRSH_MIGRATE, 137, stderr))
    assert err is not None and err.message == "Killed"


def test_xm_unexpected_error_after_a_login_banner_and_a_traceback() -> None:
    """xm's catch-all (main.py ``_run_cmd``): the traceback on stderr ends with the exception,
    its words on stdout; a site banner came first, and the first five lines were banner."""
    banner = "".join(f"*** Authorised use only: line {i} of the banner ***\n" for i in range(6))
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python2.6/site-packages/xen/xm/main.py", line 2965, in _run_cmd\n'
        "    return True, cmd(args)\n"
        "KeyError: 'memory_dynamic_max'\n"
    )
    said = "Unexpected error: <type 'exceptions.KeyError'>\n\nPlease report to xen-devel@lists"
    err = get_toolstack("xm").parse_error(run(XM_MIGRATE, 1, banner + trace, said))
    assert err is not None and err.message.splitlines() == [
        "KeyError: 'memory_dynamic_max'",
        "Unexpected error: <type 'exceptions.KeyError'>",
    ]


@pytest.mark.parametrize("tool", ["xm", "xl", "virsh"])
def test_sudo_refusal_behind_a_long_banner(tool: str) -> None:
    """A shell rc file's banner before sudo's refusal and xentui's own advice (remote/output.py):
    the first five lines were the banner."""
    banner = "".join(f"Welcome to xen_host_2, line {i}\n" for i in range(7))
    note = "xentui: sudo wants a password here; allow this user NOPASSWD for the toolstack"
    stderr = banner + f"sudo: a password is required\n{note}"
    argv = (tool, "pause" if tool != "virsh" else "suspend", "virt_server")
    err = get_toolstack(tool).parse_error(run(argv, 1, stderr))
    assert isinstance(err, ToolError)
    assert err.message.splitlines() == ["sudo: a password is required", note]


def test_an_unfinished_command_names_the_signal_then_the_last_words() -> None:
    """The runner's words first (asyncssh's exit-signal), then the last thing the tool said
    (all of it progress here), not every line it printed."""
    note = "xentui: xl migrate killed by signal SEGV"
    stderr = PROGRESS + note
    result = run(XL_MIGRATE, None, stderr, unfinished="xl migrate killed by signal SEGV")
    err = get_toolstack("xl").parse_error(result)
    assert err is not None
    assert err.message == (
        "xl migrate killed by signal SEGV; it printed: xc: info: Found x86 PV domain from Xen 4.9"
    )
