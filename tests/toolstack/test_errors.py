"""Error texts of every tool and version into typed errors, keeping the tool's own words."""

from __future__ import annotations

import dataclasses

import pytest

from xentui.model import CommandResult
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import (
    AlreadyPaused,
    DomainNotRunning,
    MigrationFailed,
    NotPaused,
    RelocationRefused,
    ToolError,
    UnknownDomain,
)
from xentui.toolstack.virsh import Virsh


def run(argv: list[str], status: int | None, stderr: str = "", stdout: str = "") -> CommandResult:
    return CommandResult(tuple(argv), status, stdout, stderr, 10.0, 11.0)


XM_MIGRATE = ["xm", "migrate", "-l", "virt_server", "xen_host_2"]
XM_USAGE = "\nUsage: xm migrate <Domain> <Host>\n\nMigrate a domain to another machine.\n"


@pytest.mark.parametrize(
    ("argv", "stderr", "cls", "message", "domain"),
    [
        (
            ["xm", "pause", "virt_sever"],
            "Error: Domain 'virt_sever' not found when running 'xm pause'",
            UnknownDomain,
            "Error: Domain 'virt_sever' not found when running 'xm pause'",
            "virt_sever",
        ),
        (
            ["xm", "migrate", "-l", "virt_sever", "xen_host_2"],
            "Error: the domain 'virt_sever' does not exist.",
            UnknownDomain,
            "Error: the domain 'virt_sever' does not exist.",
            "virt_sever",
        ),
        (
            ["xm", "unpause", "virt_sever"],
            "Error: <Fault 3: 'virt_sever'>",
            UnknownDomain,
            "Error: <Fault 3: 'virt_sever'>",
            "virt_sever",
        ),
        (  # xend 3.1+ with xm's Xen-API server (get_single_vm raises OptionError)
            ["xm", "pause", "virt_sever"],
            "Error: Domain 'virt_sever' not found.\nUsage: xm pause <Domain>\n\nPause "
            "execution of a domain.\n",
            UnknownDomain,
            "Error: Domain 'virt_sever' not found.",
            "virt_sever",
        ),
        (
            ["xm", "pause", "virt_sever"],
            "Error: Domain 'virt_sever' does not exist.\nUsage: xm pause <Domain>\n",
            UnknownDomain,
            "Error: Domain 'virt_sever' does not exist.",
            "virt_sever",
        ),
        (
            XM_MIGRATE,
            "Error: can't connect: Connection refused",
            RelocationRefused,
            "Error: can't connect: Connection refused",
            "virt_server",
        ),
        (
            XM_MIGRATE,
            "Error: can't connect: (111, 'Connection refused')" + XM_USAGE,
            RelocationRefused,
            "Error: can't connect: (111, 'Connection refused')",
            "virt_server",
        ),
        (
            XM_MIGRATE,
            "Error: can't connect: [Errno 111] Connection refused" + XM_USAGE,
            RelocationRefused,
            "Error: can't connect: [Errno 111] Connection refused",
            "virt_server",
        ),
        (
            XM_MIGRATE,
            "Error: Domain is not running" + XM_USAGE,
            DomainNotRunning,
            "Error: Domain is not running",
            "virt_server",
        ),
        (
            ["xm", "migrate", "-l", "Domain-0", "xen_host_2"],
            "Error: Cannot migrate Domain-0",
            MigrationFailed,
            "Error: Cannot migrate Domain-0",
            "Domain-0",
        ),
        (
            ["xm", "pause", "Domain-0"],
            "Error: Cannot pause privileged domain Domain-0",
            ToolError,
            "Error: Cannot pause privileged domain Domain-0",
            "Domain-0",
        ),
        (
            ["xm", "list"],
            "Error: Unable to connect to xend: No such file or directory. Is xend running?",
            ToolError,
            "Error: Unable to connect to xend: No such file or directory. Is xend running?",
            None,
        ),
    ],
)
def test_xm_errors(argv, stderr, cls, message, domain) -> None:
    err = get_toolstack("xm").parse_error(run(argv, 1, stderr))
    assert type(err) is cls
    assert (err.message, err.domain) == (message, domain)


def test_xm_not_running_is_also_a_migration_failure() -> None:
    err = get_toolstack("xm").parse_error(run(XM_MIGRATE, 1, "Error: Domain is not running"))
    assert isinstance(err, MigrationFailed)


def test_xm_success_and_unknown_failures() -> None:
    xm = get_toolstack("xm")
    assert xm.parse_error(run(XM_MIGRATE, 0)) is None
    assert xm.parse_error(run(["xm", "pause", "g"], 0)) is None
    silent = xm.parse_error(run(XM_MIGRATE, 1))
    assert type(silent) is MigrationFailed and silent.message == "exit status 1"
    hung = xm.parse_error(run(XM_MIGRATE, None, "", "partial"))
    assert type(hung) is MigrationFailed and "did not finish" in hung.message
    # xm's catch-all (main.py _run_cmd): the traceback on stderr, its words on stdout; the
    # exception's line and xm's "Unexpected error" say why, not "Traceback" (issue 11.4)
    trace = 'Traceback (most recent call last):\n  File "/usr/sbin/xm", line 10, in <module>\n'
    trace += "KeyError: 'memory_dynamic_max'\n"
    said = "Unexpected error: <type 'exceptions.KeyError'>\n\nPlease report to xen-devel\n"
    odd = xm.parse_error(run(["xm", "pause", "g"], 1, trace, said))
    assert type(odd) is ToolError
    assert odd.message == (
        "KeyError: 'memory_dynamic_max'\nUnexpected error: <type 'exceptions.KeyError'>"
    )


XL_OK = """\
migration target: Ready to receive domain.
Saving to migration stream new xl format (info 0x3/0x0/1411)
Loading new save file <incoming migration stream> (new xl fmt info 0x3/0x0/1411)
 Savefile contains xl domain config in JSON format
Parsing config from <saved>
xc: info: Saving domain 28, type x86 PV
xc: info: Found x86 PV domain from Xen 4.9
xc: info: Restoring domain
xc: info: Restore successful
xc: info: XenStore: mfn 0x328657, dom 0, evt 1
xc: info: Console: mfn 0x328656, dom 0, evt 2
migration target: Transfer complete, requesting permission to start domain.
migration sender: Target has acknowledged transfer.
migration sender: Giving target permission to start.
migration target: Got permission, starting domain.
migration target: Domain started successsfully.
migration sender: Target reports successful startup.
Migration successful.
"""
XL_MIGRATE = ["xl", "migrate", "virt_server", "xen_host_2"]


@pytest.mark.parametrize(
    ("argv", "status", "stderr", "cls", "message"),
    [
        (
            ["xl", "pause", "virt_sever"],
            1,
            "virt_sever is an invalid domain identifier (rc=-6)\n",
            UnknownDomain,
            "virt_sever is an invalid domain identifier (rc=-6)",
        ),
        (
            ["xl", "unpause", "virt_server"],
            0,
            "libxl: error: libxl_domain.c:712:libxl__domain_unpause_deprecated: "
            "Domain 5:Unpausing domain: Invalid argument\n",
            NotPaused,
            "libxl: error: libxl_domain.c:712:libxl__domain_unpause_deprecated: "
            "Domain 5:Unpausing domain: Invalid argument",
        ),
        (
            ["xl", "unpause", "virt_server"],
            0,
            "libxl: error: libxl.c:667:libxl_domain_unpause: unpausing domain 5: Invalid argument",
            NotPaused,
            "libxl: error: libxl.c:667:libxl_domain_unpause: unpausing domain 5: Invalid argument",
        ),
        (
            ["xl", "pause", "virt_server"],
            0,
            "libxl: error: libxl_domain.c:640:libxl_domain_pause: Domain 5:Pausing domain: "
            "Too many users",
            ToolError,
            "libxl: error: libxl_domain.c:640:libxl_domain_pause: Domain 5:Pausing domain: "
            "Too many users",
        ),
        (
            ["xl", "migrate", "-l", "virt_server", "xen_host_2"],
            2,
            "option `l' not supported.\n",
            ToolError,
            "option `l' not supported.",
        ),
        (
            XL_MIGRATE,
            1,
            "libxl: error: libxl_utils.c:508:libxl_read_exactly: file/stream truncated reading "
            "banner from migration receiver stream\n"
            "libxl: info: libxl_exec.c:118:libxl_report_child_exitstatus: migration transport "
            "process [4242] exited with error status 255\n",
            RelocationRefused,
            "libxl: error: libxl_utils.c:508:libxl_read_exactly: file/stream truncated reading "
            "banner from migration receiver stream\n"
            "libxl: info: libxl_exec.c:118:libxl_report_child_exitstatus: migration transport "
            "process [4242] exited with error status 255",
        ),
        (
            XL_MIGRATE,
            1,
            "ssh: Could not resolve hostname xen_host_2: Name or service not known\n",
            RelocationRefused,
            "ssh: Could not resolve hostname xen_host_2: Name or service not known",
        ),
        (
            XL_MIGRATE,
            1,
            "migration target: Ready to receive domain.\n"
            "migration sender: Target reports startup failure (status code 1).\n"
            "migration sender: Trying to resume at our end.\n"
            "migration sender: Resumed OK.\n"
            "Migration failed due to problems at target.\n",
            MigrationFailed,
            "migration sender: Target reports startup failure (status code 1).\n"
            "Migration failed due to problems at target.",
        ),
        (
            XL_MIGRATE,
            1,
            "migration sender: libxl_domain_suspend failed (rc=-3)\n"
            "Migration failed, resuming at sender.\n",
            MigrationFailed,
            "migration sender: libxl_domain_suspend failed (rc=-3)\n"
            "Migration failed, resuming at sender.",
        ),
        (
            XL_MIGRATE,
            1,
            "No config file stored for running domain and none supplied - cannot migrate.\n",
            MigrationFailed,
            "No config file stored for running domain and none supplied - cannot migrate.",
        ),
    ],
)
def test_xl_errors(argv, status, stderr, cls, message) -> None:
    err = get_toolstack("xl").parse_error(run(argv, status, stderr))
    assert type(err) is cls
    assert err.message == message


def test_xl_success() -> None:
    xl = get_toolstack("xl")
    assert xl.parse_error(run(XL_MIGRATE, 0, XL_OK)) is None
    assert xl.parse_error(run(["xl", "pause", "virt_server"], 0)) is None
    assert xl.parse_error(run(["xl", "unpause", "virt_server"], 0)) is None


VIRSH_SUSPEND = ["virsh", "suspend", "test"]


@pytest.mark.parametrize(
    ("argv", "stderr", "cls", "domain"),
    [
        (
            VIRSH_SUSPEND,
            "error: Failed to suspend domain 'test'\n"
            "error: internal error: domain 'test' not running\n",
            AlreadyPaused,
            "test",
        ),
        (
            ["virsh", "resume", "test"],
            "error: Failed to resume domain 'test'\n"
            "error: internal error: domain 'test' not paused\n",
            NotPaused,
            "test",
        ),
        (
            ["virsh", "suspend", "nosuch"],
            "error: failed to get domain 'nosuch'\n",
            UnknownDomain,
            "nosuch",
        ),
        (
            ["virsh", "migrate", "--live", "test", "test:///default"],
            "error: this function is not supported by the connection driver: virDomainMigrate3\n",
            MigrationFailed,
            "test",
        ),
        (
            ["virsh", "migrate", "--live", "test", "xen+ssh://xen_host_2/"],
            "error: Cannot recv data: ssh: Could not resolve hostname xen_host_2: Name or service "
            "not known: Connection reset by peer\n",
            RelocationRefused,
            "test",
        ),
    ],
)
def test_virsh_errors(argv, stderr, cls, domain) -> None:
    err = get_toolstack("virsh").parse_error(run(argv, 1, stderr))
    assert type(err) is cls
    assert err.message == stderr.strip()
    assert err.domain == domain


def test_virsh_success_and_connect_option() -> None:
    virsh = Virsh(connect="test:///default")
    argv = virsh.pause_argv("test")
    assert virsh.parse_error(run(argv, 0, "", "Domain 'test' suspended\n")) is None
    err = virsh.parse_error(run(argv, 1, "error: failed to get domain 'test'"))
    assert type(err) is UnknownDomain and err.domain == "test"
    err = virsh.parse_error(run(virsh.unpause_argv("test"), 1, "error: x not paused"))
    assert type(err) is NotPaused
    assert type(virsh.parse_error(run(argv, 1))) is ToolError


def test_virsh_failure_without_an_error_line_keeps_what_was_said() -> None:
    virsh = get_toolstack("virsh")
    missing = virsh.parse_error(run(virsh.list_argv(), 127, "bash: virsh: command not found\n"))
    assert type(missing) is ToolError and missing.message == "bash: virsh: command not found"
    away = virsh.parse_error(
        run(virsh.migrate_argv("test", "xen_host_2"), 1, "Killed\n", "Migration: [ 45 %]")
    )
    assert type(away) is MigrationFailed and "Killed" in away.message
    silent = virsh.parse_error(run(virsh.pause_argv("test"), 1))
    assert type(silent) is ToolError and silent.message == "exit status 1"


def test_a_command_cut_at_its_timeout_says_so_once_with_what_it_printed() -> None:
    """Issue 10.6: the runner's words lead, its note (the end of stderr) is not said twice."""
    hung = dataclasses.replace(
        run(XM_MIGRATE, None, "xentui: xm migrate did not finish in 600 s", "partial"),
        unfinished="xm migrate did not finish in 600 s",
    )
    err = get_toolstack("xm").parse_error(hung)
    assert type(err) is MigrationFailed
    assert err.message == "xm migrate did not finish in 600 s; it printed: partial"
