"""argv builders: the exact commands each tool needs, and no hostile name ever in one."""

from __future__ import annotations

import pytest

from xentui.toolstack import get_toolstack
from xentui.toolstack.base import ListParseError, NameRejected, Unsupported
from xentui.toolstack.virsh import Virsh


def test_xm_commands() -> None:
    xm = get_toolstack("xm")
    assert xm.list_argv() == ["xm", "list"]
    assert xm.pause_argv("virt_server") == ["xm", "pause", "virt_server"]
    assert xm.unpause_argv("virt_server") == ["xm", "unpause", "virt_server"]
    assert xm.migrate_argv("virt_server", "xen_host_2") == [
        "xm",
        "migrate",
        "-l",
        "virt_server",
        "xen_host_2",
    ]
    assert xm.migrate_argv("virt_server", "xen_host_2", live=False) == [
        "xm",
        "migrate",
        "virt_server",
        "xen_host_2",
    ]
    assert xm.create_argv("virt_server") == ["xm", "create", "virt_server"]
    assert xm.state_argv("virt_server") == ["xm", "list", "virt_server"]


def test_xl_commands() -> None:
    xl = get_toolstack("xl")
    assert xl.list_argv() == ["xl", "list"]
    assert xl.pause_argv("virt_server") == ["xl", "pause", "virt_server"]
    assert xl.unpause_argv("virt_server") == ["xl", "unpause", "virt_server"]
    migrate = xl.migrate_argv("virt_server", "xen_host_2")
    assert migrate == ["xl", "migrate", "virt_server", "xen_host_2"]
    assert "-l" not in migrate, "xl has no -l: `option 'l' not supported.`"
    assert xl.create_argv("virt_server") == ["xl", "create", "/etc/xen/virt_server"]
    assert xl.state_argv("virt_server") == ["xl", "list", "virt_server"]


def test_xl_refuses_a_non_live_migration_it_cannot_do() -> None:
    with pytest.raises(Unsupported, match="always live"):
        get_toolstack("xl").migrate_argv("virt_server", "xen_host_2", live=False)


def test_virsh_commands() -> None:
    virsh = get_toolstack("virsh")
    assert virsh.list_argv() == ["virsh", "list", "--all"]
    assert virsh.pause_argv("virt_server") == ["virsh", "suspend", "virt_server"]
    assert virsh.unpause_argv("virt_server") == ["virsh", "resume", "virt_server"]
    assert virsh.migrate_argv("virt_server", "xen_host_2") == [
        "virsh",
        "migrate",
        "--live",
        "virt_server",
        "xen+ssh://xen_host_2/",
    ]
    assert virsh.migrate_argv("virt_server", "xen_host_2", live=False)[2:] == [
        "virt_server",
        "xen+ssh://xen_host_2/",
    ]
    assert virsh.create_argv("virt_server") == ["virsh", "start", "virt_server"]
    assert virsh.state_argv("virt_server") == ["virsh", "domstate", "virt_server"]


def test_virsh_uri_template_and_connection_are_parameters() -> None:
    virsh = Virsh(uri_template="xen+ssh://root@{host}:2222/system", connect="test:///default")
    assert virsh.migrate_argv("g", "10.0.0.2") == [
        "virsh",
        "-c",
        "test:///default",
        "migrate",
        "--live",
        "g",
        "xen+ssh://root@10.0.0.2:2222/system",
    ]
    assert Virsh().target_uri("::1") == "xen+ssh://[::1]/"
    with pytest.raises(ValueError, match="no \\{host\\}"):
        Virsh(uri_template="xen+ssh://fixed/")


def test_virsh_migrates_to_the_target_hosts_uri_as_given() -> None:
    """The engine passes the target's ``migrate_uri``; it reaches virsh as one element."""
    virsh = get_toolstack("virsh")
    assert virsh.migrates_to_uri and not get_toolstack("xm").migrates_to_uri
    uri = "qemu+unix:///session?socket=/run/lab/xen_host_2/libvirt-sock"
    assert virsh.migrate_argv("virt_server", uri) == [
        "virsh",
        "migrate",
        "--live",
        "virt_server",
        uri,
    ]
    for bad in ("qemu+ssh://h/system --unsafe", "qemu+ssh://h/\nsystem", "-://x", "x" * 1100):
        with pytest.raises(NameRejected):
            virsh.migrate_argv("virt_server", bad)


HOSTILE = ["x; rm -rf /", "$(reboot)", "-l", "--help", "a b", "a\nb", "../x", ""]


@pytest.mark.parametrize("tool", ["xm", "xl", "virsh"])
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_domain_names_never_reach_an_argv(tool: str, name: str) -> None:
    ts = get_toolstack(tool)
    for build in (ts.pause_argv, ts.unpause_argv, ts.create_argv, ts.state_argv):
        with pytest.raises(NameRejected):
            build(name)
    with pytest.raises(NameRejected):
        ts.migrate_argv(name, "xen_host_2")


@pytest.mark.parametrize("tool", ["xm", "xl", "virsh"])
@pytest.mark.parametrize("target", ["xen_host_2; reboot", "-oProxyCommand=x", "h/x", ""])
def test_hostile_targets_never_reach_an_argv(tool: str, target: str) -> None:
    with pytest.raises(NameRejected):
        get_toolstack(tool).migrate_argv("virt_server", target)


def test_state_queries_read_back() -> None:
    xm, xl, virsh = (get_toolstack(t) for t in ("xm", "xl", "virsh"))
    one = "Name                              ID Mem(MiB) VCPUs State  Time(s)\n"
    one += "virt_server                        3      128     1 --p---    37.2\n"
    dom = xm.parse_state("virt_server", one)
    assert dom is not None and dom.state.value == "paused" and dom.id == 3
    assert xm.parse_state("other", one) is None
    xl_one = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
    xl_one += "virt_server                                  3   128     1     -b----      37.2\n"
    assert xl.parse_state("virt_server", xl_one).state.value == "blocked"
    assert virsh.parse_state("test", "running\n\n").state.value == "running"
    assert virsh.parse_state("test", "paused (user)\n").state.value == "paused"
    off = virsh.parse_state("test", "shut off\n")
    assert off.active is False and off.flags == "shut off"
    for bad in ("", "\n\n", "on fire\n", "run\x00ning\n"):
        with pytest.raises(ListParseError):
            virsh.parse_state("test", bad)


def test_only_xl_is_live_only() -> None:
    assert [get_toolstack(t).live_only for t in ("xm", "xl", "virsh")] == [False, True, False]
