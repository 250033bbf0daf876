"""Every verbatim sample in the reference parses to the domains it shows, field by field."""

# ruff: noqa: UP031  (headers are built with the tools' own % format strings)

from __future__ import annotations

import pytest

from tests.toolstack import samples as S
from xentui.model import DomainState, MigrationRole
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import ListParseError

R, B, P, SD, C = (
    DomainState.RUNNING,
    DomainState.BLOCKED,
    DomainState.PAUSED,
    DomainState.SHUTDOWN,
    DomainState.CRASHED,
)


def rows(tool: str, text: str):
    result = get_toolstack(tool).parse_list(text)
    assert result.problems == ()
    return [(d.name, d.id, d.mem_mib, d.vcpus, d.state, d.flags, d.cpu_s) for d in result.domains]


@pytest.mark.parametrize(
    ("tool", "text", "layout", "expected"),
    [
        (
            "xm",
            S.XM_300_RENDER,
            "xm 3.0.0-3.0.2",
            [
                ("Domain-0", 0, 491, 1, R, "r-----", 1204.3),
                ("virt_server", 3, 128, 1, B, "-b----", 37.2),
            ],
        ),
        ("xm", S.XM_300_CAPTURE, "xm 3.0.0-3.0.2", [("Domain-0", 0, 463, 1, R, "r-----", 42.3)]),
        (
            "xm",
            S.XM_300_SOURCE_PRECOPY,
            "xm 3.0.0-3.0.2",
            [
                ("Domain-0", 0, 491, 1, R, "r-----", 1210.9),
                ("migrating-virt_server", 3, 128, 1, B, "-b----", 38.0),
            ],
        ),
        (
            "xm",
            S.XM_300_TARGET_TRANSFER,
            "xm 3.0.0-3.0.2",
            [
                ("Domain-0", 0, 491, 1, R, "r-----", 845.1),
                ("virt_server", 5, 128, 1, P, "--p---", 0.0),
            ],
        ),
        (
            "xm",
            S.XM_33_RENDER,
            "xm 3.3-4.4",
            [
                ("Domain-0", 0, 491, 1, R, "r-----", 1204.3),
                ("virt_server", 3, 128, 1, B, "-b----", 37.2),
            ],
        ),
        (
            "xm",
            S.XM_4X_CAPTURE,
            "xm 3.3-4.4",
            [
                ("Domain-0", 0, 1852, 8, R, "r-----", 348510.6),
                ("vm16", 121, 2048, 8, B, "-b----", 2552.8),
            ],
        ),
        (
            "xl",
            S.XL_DOC,
            "xl (spaces for TABs)",
            [("Domain-0", 0, 750, 4, R, "r-----", 11794.3)],
        ),
        (
            "xl",
            S.XL_49_CAPTURE,
            "xl 4.1+",
            [
                ("Domain-0", 0, 13036, 8, R, "r-----", 398.7),
                ("guest-01", 1, 1024, 2, B, "-b----", 6.0),
            ],
        ),
        (
            "xl",
            f"{S.XL_HEADER}\n{S.XL_PAUSED_ROW}\n",
            "xl 4.1+",
            [("guest1", 28, 1024, 1, P, "--p---", 28.0)],
        ),
        (
            "virsh",
            S.VIRSH_MIDDLE,
            "virsh middle ( %-5s %-30s)",
            [("test", 1, None, None, R, "running", None)],
        ),
        (
            "virsh",
            S.VIRSH_900,
            "virsh current (vshTable)",
            [("test", 1, None, None, R, "running", None)],
        ),
        (
            "virsh",
            S.VIRSH_900_TWO,
            "virsh current (vshTable)",
            [
                ("test", 1, None, None, R, "running", None),
                ("virt_server", 2, None, None, P, "paused", None),
            ],
        ),
    ],
)
def test_reference_samples(tool, text, layout, expected) -> None:
    assert rows(tool, text) == expected
    assert get_toolstack(tool).parse_list(text).layout == layout


def test_xm_source_is_outgoing_under_its_base_name() -> None:
    dom = get_toolstack("xm").parse_list(S.XM_300_SOURCE_PRECOPY).domains[1]
    assert (dom.base_name, dom.migration, dom.active) == (
        "virt_server",
        MigrationRole.OUTGOING,
        True,
    )


def test_xl_names_during_migration() -> None:
    xl = get_toolstack("xl")
    src = xl.parse_list(f"{S.XL_HEADER}\n{S.XL_SOURCE_DURING}\n").domains[0]
    dst = xl.parse_list(f"{S.XL_HEADER}\n{S.XL_TARGET_DURING}\n").domains[0]
    assert (src.base_name, src.migration, src.state, src.flags) == (
        "virt_server",
        MigrationRole.OUTGOING,
        SD,
        "---ss-",
    )
    assert (dst.base_name, dst.migration, dst.state) == ("virt_server", MigrationRole.INCOMING, P)


def test_virsh_shut_off_row_is_inactive() -> None:
    text = S.VIRSH_900_TWO + S.VIRSH_900_SHUTOFF_ROW + "\n"
    dom = get_toolstack("virsh").parse_list(text).domains[-1]
    assert (dom.name, dom.id, dom.state, dom.active, dom.flags) == (
        "test",
        None,
        SD,
        False,
        "shut off",
    )


XM_300_HEAD = "Name                              ID Mem(MiB) VCPUs State  Time(s)"
XM_304_HEAD = "%-40s %3s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
XM_303_HEAD = "%-40s %3s %8s %5s %5s %9s" % ("Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)")


def test_xm_acm_label_suffix_is_read_and_dropped() -> None:
    row = "virt_server                        3      128     1 -b----    37.2 s:0001/p:0002"
    text = f"{XM_300_HEAD}\n{row}\n"
    (dom,) = get_toolstack("xm").parse_list(text).domains
    assert (dom.name, dom.cpu_s, dom.flags) == ("virt_server", 37.2, "-b----")


def test_xm_304_blank_id_is_an_inactive_halted_domain() -> None:
    text = (
        f"{XM_304_HEAD}\n"
        "Domain-0                                   0   491     1     r-----   1204.3\n"
        "virt_server                                    128     1     ------      0.0\n"
    )
    result = get_toolstack("xm").parse_list(text)
    assert result.layout == "xm 3.0.4-3.1"
    dom = result.domains[1]
    assert (dom.name, dom.id, dom.active, dom.state) == ("virt_server", None, False, SD)


def test_xm_303_needs_an_id() -> None:
    text = (
        f"{XM_303_HEAD}\n"
        "Domain-0                                   0      491     1 r-----   1204.3\n"
        "virt_server                                       128     1 -b----     37.2\n"
    )
    result = get_toolstack("xm").parse_list(text)
    assert result.layout == "xm 3.0.3"
    assert [d.name for d in result.domains] == ["Domain-0"]
    assert result.problems[0].line_no == 3 and "ID" in result.problems[0].reason


def test_a_name_longer_than_its_column_shifts_the_row() -> None:
    long = "a-very-long-guest-name-that-overflows-the-forty-column-field"
    text = f"{S.XL_HEADER}\n{long} 7  1024     2     -b----       6.0\n"
    (dom,) = get_toolstack("xl").parse_list(text).domains
    assert (dom.name, dom.id, dom.mem_mib) == (long, 7, 1024)


def test_xm_localhost_migration_lists_two_rows_of_one_guest() -> None:
    text = (
        f"{XM_300_HEAD}\n"
        "migrating-virt_server              3      128     1 -b----    38.0\n"
        "virt_server                        5      128     1 --p---     0.0\n"
    )
    doms = get_toolstack("xm").parse_list(text).domains
    assert [d.base_name for d in doms] == ["virt_server", "virt_server"]
    assert [d.migration for d in doms] == [MigrationRole.OUTGOING, None]


def test_xm_zombie_of_a_migration() -> None:
    assert get_toolstack("xm").split_name("Zombie-migrating-virt_server") == (
        "virt_server",
        MigrationRole.OUTGOING,
    )
    assert get_toolstack("xm").split_name("migrating-") == ("migrating-", None)


@pytest.mark.parametrize(
    ("flags", "state"),
    [
        ("r-----", R),
        ("rb----", R),
        ("-b----", B),
        ("--p---", P),
        ("-bp---", B),
        ("---s--", SD),
        ("---sr-", SD),
        ("---ss-", SD),
        ("---sc-", C),
        ("---sw-", SD),
        ("---sS-", SD),
        ("---s?-", SD),
        ("-----d", DomainState.DYING),
        ("------", R),
    ],
)
def test_xl_state_letters(flags: str, state: DomainState) -> None:
    row = f"guest                                        4   128     1     {flags}       1.0"
    (dom,) = get_toolstack("xl").parse_list(f"{S.XL_HEADER}\n{row}\n").domains
    assert dom.state == state and dom.flags == flags


@pytest.mark.parametrize(
    ("flags", "state"),
    [("----c-", C), ("---sc-", C), ("???---", R), ("--p--d", P), ("-----d", DomainState.DYING)],
)
def test_xm_state_letters(flags: str, state: DomainState) -> None:
    row = f"guest                              4      128     1 {flags}     1.0"
    (dom,) = get_toolstack("xm").parse_list(f"{XM_300_HEAD}\n{row}\n").domains
    assert dom.state == state


@pytest.mark.parametrize(
    ("words", "state", "active"),
    [
        ("running", R, True),
        ("idle", B, True),
        ("blocked", B, True),
        ("paused", P, True),
        ("in shutdown", SD, True),
        ("shut off", SD, False),
        ("crashed", C, True),
        ("pmsuspended", P, True),
        ("no state", R, True),
    ],
)
def test_virsh_state_words(words: str, state: DomainState, active: bool) -> None:
    domid = " -" if words == "shut off" else " 3"
    text = f" Id   Name     State\n------------------\n{domid}    my vm    {words}\n"
    (dom,) = get_toolstack("virsh").parse_list(text).domains
    assert (dom.name, dom.state, dom.active, dom.flags) == ("my vm", state, active, words)


def test_virsh_early_era_with_inactive_row() -> None:
    text = (
        " Id Name                 State\n"
        "----------------------------------\n"
        "  0 Domain-0             running\n"
        "  3 virt_server          blocked\n"
        "  - spare                shut off\n"
    )
    result = get_toolstack("virsh").parse_list(text)
    assert result.layout == "virsh early (%3s %-20s)"
    assert [(d.name, d.id, d.state) for d in result.domains] == [
        ("Domain-0", 0, R),
        ("virt_server", 3, B),
        ("spare", None, SD),
    ]


def test_virsh_list_with_no_domains_is_empty_not_an_error() -> None:
    assert (
        get_toolstack("virsh").parse_list(" Id   Name   State\n------------------\n\n").domains
        == ()
    )


@pytest.mark.parametrize("tool", ["xm", "xl", "virsh"])
def test_missing_header_is_a_list_parse_error_with_the_line(tool: str) -> None:
    # a line that is no row (here a shell's complaint) leaves headerless rows unread
    text = "\nDomain-0  0  491  1  r-----  12.0\nxm: command not found\n"
    with pytest.raises(ListParseError) as info:
        get_toolstack(tool).parse_list(text)
    assert info.value.line_no == 2 and "Domain-0" in info.value.line
    assert "missing header" in str(info.value)


@pytest.mark.parametrize("tool", ["xm", "xl", "virsh"])
def test_empty_output_is_a_list_parse_error(tool: str) -> None:
    with pytest.raises(ListParseError, match="empty output"):
        get_toolstack(tool).parse_list(" \n\n")


def test_a_banner_before_the_header_is_reported_not_fatal() -> None:
    result = get_toolstack("xm").parse_list("Welcome to xen_host_1\n" + S.XM_300_RENDER)
    assert len(result.domains) == 2
    assert result.problems[0].line_no == 1 and result.problems[0].reason == "before the header"


def test_bad_rows_come_back_as_problems_with_their_line() -> None:
    text = S.XM_300_RENDER + "virt_server   3   128\nguest 4 128 -b---- 1.0\n"
    result = get_toolstack("xm").parse_list(text)
    assert len(result.domains) == 2
    assert [p.line_no for p in result.problems] == [4, 5]
    assert result.problems[0].line == "virt_server   3   128"


def test_all_rows_unreadable_raises_with_the_first_bad_line() -> None:
    with pytest.raises(ListParseError) as info:
        get_toolstack("xl").parse_list(f"{S.XL_HEADER}\ngarbage row\n")
    assert info.value.line_no == 2 and info.value.line == "garbage row"


def test_a_translated_virsh_says_so_and_how_to_fix_it() -> None:
    # libvirt's de.po: _("State") is "Status", _("running") "laufend"; a German host's LANG
    # reaches virsh over ssh (Debian's ssh_config SendEnv LANG, or /etc/default/locale)
    german = (
        " Id    Name                           Status\n"
        "----------------------------------------------------\n"
        " 0     Domain-0                       laufend\n"
    )
    with pytest.raises(ListParseError) as info:
        get_toolstack("virsh").parse_list("Last login: today\n" + german)
    assert info.value.line_no == 2 and "Status" in info.value.line
    assert "not virsh's English 'Id Name State'" in str(info.value)
    assert "LC_ALL=C" in str(info.value) and "\n" not in str(info.value)


def test_a_translated_state_word_under_an_english_header_is_named() -> None:
    text = " Id   Name   State\n----------------------\n 1    test   laufend\n"
    with pytest.raises(ListParseError) as info:
        get_toolstack("virsh").parse_list(text)
    assert "unknown state 'laufend'" in str(info.value) and "translated" in str(info.value)


def test_xm_xen_api_mode_lists_a_halted_domain_with_id_minus_one() -> None:
    # xend 3.1+ behind xm's Xen-API server: a halted VM's domid is "-1", printed by %(domid)5s
    row = "%-40s %5s %5d %5d %10s %8.1f" % ("spare", "-1", 128, 1, "------", 0.0)
    text = f"{'%-40s %5s %5s %5s %10s %9s' % ('Name', 'ID', 'Mem', 'VCPUs', 'State', 'Time(s)')}\n"
    result = get_toolstack("xm").parse_list(text + row + "\n")
    assert result.problems == ()
    (dom,) = result.domains
    assert (dom.name, dom.id, dom.active, dom.state) == ("spare", None, False, SD)


XM_33_HEAD = "%-40s %5s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
XM_31_ROW = "%(name)-40s %(domid)3s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"
XM_33_ROW = "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"


@pytest.mark.parametrize(
    ("head", "fmt", "layout"),
    [(XM_304_HEAD, XM_31_ROW, "xm 3.0.4-3.1"), (XM_33_HEAD, XM_33_ROW, "xm 3.3-4.4")],
)
def test_xm_halted_managed_domain_with_blank_id_and_state(head, fmt, layout) -> None:
    # XendConfig.to_sxp adds 'state' only for a domain with a domid: `xm new spare` then
    # `xm list` prints both fields blank (parse_doms_info's default '')
    running = dict(name="Domain-0", domid="0", mem=491, vcpus=2, state="r-----", cpu_time=12.5)
    halted = dict(name="spare", domid="", mem=256, vcpus=1, state="", cpu_time=0.0)
    text = "\n".join([head, fmt % running, fmt % halted]) + "\n"
    result = get_toolstack("xm").parse_list(text)
    assert result.problems == () and result.layout == layout
    dom = result.domains[1]
    assert (dom.name, dom.id, dom.mem_mib, dom.vcpus, dom.flags, dom.cpu_s) == (
        "spare",
        None,
        256,
        1,
        "",
        0.0,
    )
    assert (dom.active, dom.state) == (False, SD)


@pytest.mark.parametrize("head", [XM_303_HEAD, S.XL_HEADER])
def test_a_row_that_lost_its_state_is_a_problem_where_state_is_never_blank(head: str) -> None:
    """xm 3.0.3 fills a missing state with '??' (``get_info('state', str, '??')``) and xl always
    prints its letters (``%c%c%c%c%c%c``): under their headers an ID with no State is a broken
    row, not a domain. (xend 3.0.4+ does print a blank State: tests/toolstack/test_real_lists.)"""
    row = "%-40s %5s %8s %5s %10s %8.1f" % ("guest", 4, 128, 1, "", 1.0)
    ok = "%-40s %5s %8s %5s %10s %8.1f" % ("Domain-0", 0, 491, 2, "r-----", 12.5)
    result = get_toolstack("xl" if "\t" in head else "xm").parse_list(f"{head}\n{ok}\n{row}\n")
    assert [d.name for d in result.domains] == ["Domain-0"]
    assert result.problems[0].line_no == 3 and "State '1'" in result.problems[0].reason


@pytest.mark.parametrize(
    ("letters", "state"), [("r--", R), ("-p-", P), ("--d", DomainState.DYING), ("---", R)]
)
def test_xl_before_4_1_three_state_letters(letters: str, state: DomainState) -> None:
    # xl_cmdimpl.c of the libxl_list_domain era: "%-40s %5d %5lu %5d        %c%c%c %8.1f",
    # the letters being running, paused and dying, under today's header
    row = "%-40s %5d %5d %5d        %s %8.1f" % ("virt_server", 3, 128, 1, letters, 37.2)
    result = get_toolstack("xl").parse_list(f"{S.XL_HEADER}\n{row}\n")
    assert result.problems == ()
    (dom,) = result.domains
    assert (dom.name, dom.id, dom.flags, dom.state, dom.cpu_s) == (
        "virt_server",
        3,
        letters,
        state,
        37.2,
    )


def test_xl_three_letters_in_other_places_are_read_by_their_letters() -> None:
    """Issue 11.5: fewer than six letters are mapped, not refused; ``-b-`` is no xl 4.0 row
    (its letters are r, p, d) but its one letter still says blocked."""
    row = "%-40s %5d %5d %5d        %s %8.1f" % ("g", 3, 128, 1, "-b-", 1.0)
    result = get_toolstack("xl").parse_list(f"{S.XL_HEADER}\n{S.XL_PAUSED_ROW}\n{row}\n")
    assert result.problems == ()
    assert [(d.name, d.flags, d.state) for d in result.domains][1] == ("g", "-b-", B)


@pytest.mark.parametrize(
    ("tool", "text"),
    [
        ("xm", S.XM_300_RENDER),
        ("xm", S.XM_4X_CAPTURE),
        ("xl", S.XL_49_CAPTURE),
        ("virsh", S.VIRSH_900_TWO + S.VIRSH_900_SHUTOFF_ROW + "\n"),
    ],
)
def test_crlf_and_trailing_blank_lines_read_like_the_plain_output(tool: str, text: str) -> None:
    # a pty (ssh -t, or a runner that asks for a terminal) turns every \n into \r\n
    plain = get_toolstack(tool).parse_list(text)
    crlf = get_toolstack(tool).parse_list(text.replace("\n", "\r\n") + "\r\n  \r\n\n\t\n")
    assert crlf.problems == () and crlf.layout == plain.layout
    assert crlf.domains == plain.domains and len(plain.domains) >= 1


def test_a_row_with_a_stray_carriage_return_is_reported_with_its_line() -> None:
    text = S.XL_49_CAPTURE + "guest-02            2  1024     2     -b----   6.0\rxl: warning\n"
    result = get_toolstack("xl").parse_list(text)
    assert [d.name for d in result.domains] == ["Domain-0", "guest-01"]
    assert result.problems[0].line_no == 4 and "unreadable character" in result.problems[0].reason
