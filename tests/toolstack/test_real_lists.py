"""Issue 11.5: list output as real hosts print it, each shape checked against the format strings
in Xen's own sources (docs/formats.md cites them per version).

- Blank State: xend 3.0.4 to 4.4 render ``%(state)10s`` of ``get_info('state', str, '')``
  (tools/python/xen/xm/main.py ``parse_doms_info``); 3.0.0-3.0.3 defaulted to ``'??'``.
- Fewer letters: Xen 2.0's xend built ``run + block + pause + shut + crash`` (five letters,
  tools/python/xen/xend/XendDomainInfo.py) and xl 4.0 printed ``%c%c%c`` (tools/libxl/xl.c).
- After Time(s): ``xm_label_list`` (3.0.3-4.4) appends ``%(seclabel)9s``/``%(seclabel)10s``;
  ``xl list -v`` (tools/libxl/xl_cmdimpl.c 4.1-4.9, tools/xl/xl_info.c since) appends
  `` LIBXL_UUID_FMT``, `` %8x``/`` %8s`` and, from 4.2, `` %16s`` of the security label.
- No header: ``xm list | grep -v ^Name``, ``xl list | tail -n +2``.
"""
# ruff: noqa: UP031  (rows are built with the tools' own % format strings)

from __future__ import annotations

import pytest

from tests.toolstack import samples as S
from xentui.model import DomainState
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import ListParseError
from xentui.toolstack.flagtable import NO_HEADER, Row, read_row
from xentui.toolstack.xl import _RULES as XL_RULES

R, B, SD = DomainState.RUNNING, DomainState.BLOCKED, DomainState.SHUTDOWN


def fields(tool: str, text: str) -> list[tuple[object, ...]]:
    result = get_toolstack(tool).parse_list(text)
    assert result.problems == (), result.problems
    return [(d.name, d.id, d.mem_mib, d.vcpus, d.state, d.flags, d.cpu_s) for d in result.domains]


def test_xm_blank_state_after_create_is_unknown_with_every_other_field_right() -> None:
    """xm 3.3-4.4 ``%(state)10s`` of ``''``: an ID and no letters is a domain in transition."""
    assert fields("xm", S.XM_33_JUST_CREATED) == [
        ("Domain-0", 0, 1024, 1, R, "r-----", 123.4),
        ("virt_server", 7, 128, 1, DomainState.UNKNOWN, "", 0.0),
    ]


def test_xm_3_0_4_blank_state_with_its_three_wide_id() -> None:
    """xm 3.0.4-3.1: ``%(domid)3s`` and the same ``get_info('state', str, '')``."""
    head = "%-40s %3s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
    row = "%-40s %3s %5d %5d %10s %8.1f" % ("virt_server", "12", 128, 1, "", 0.3)
    result = get_toolstack("xm").parse_list(f"{head}\n{row}\n")
    assert result.layout == "xm 3.0.4-3.1"
    ((name, domid, mem, vcpus, state, active),) = [
        (d.name, d.id, d.mem_mib, d.vcpus, d.state, d.active) for d in result.domains
    ]
    assert (name, domid, mem, vcpus, state, active) == ("virt_server", 12, 128, 1, "unknown", True)


@pytest.mark.parametrize(
    ("letters", "state"),
    [
        ("r----", R),  # Xen 2.0's five: run block pause shut crash
        ("-b---", B),
        ("---s-", SD),
        ("---sc", DomainState.CRASHED),
        ("--p", DomainState.PAUSED),
        ("b", B),
    ],
)
@pytest.mark.parametrize("tool", ["xm", "xl"])
def test_fewer_than_six_letters_are_mapped_not_refused(
    tool: str, letters: str, state: DomainState
) -> None:
    head = S.XM_33_HEADER if tool == "xm" else S.XL_HEADER
    row = "%-40s %5d %5d %5d %10s %8.1f" % ("old_guest", 4, 256, 1, letters, 9.5)
    assert fields(tool, f"{head}\n{row}\n") == [("old_guest", 4, 256, 1, state, letters, 9.5)]


def test_xm_list_label_rows_are_read_under_their_own_header() -> None:
    """xm 3.3-4.4 ``xm_label_list``: the Label after Time(s), a halted domain (blank ID and
    State) among them."""
    result = get_toolstack("xm").parse_list(S.XM_33_LABEL)
    assert result.problems == () and result.layout == "xm 3.3-4.4 + Label"
    assert [(d.name, d.id, d.state, d.cpu_s, d.active) for d in result.domains] == [
        ("Domain-0", 0, R, 123.4, True),
        ("virt_server", 7, B, 37.2, True),
        ("spare", None, SD, 0.0, False),
    ]


def test_xm_3_0_3_list_label() -> None:
    """xm 3.0.3 ``xm_label_list``: 32-wide names, ``%(seclabel)9s`` (INACTIVE, DEFAULT...)."""
    assert fields("xm", S.XM_303_LABEL) == [
        ("Domain-0", 0, 491, 1, R, "r-----", 1204.3),
        ("virt_server", 3, 128, 1, B, "-b----", 37.2),
    ]


def test_label_rows_under_the_usual_header() -> None:
    """A wrapper that prints the plain header over labelled rows: the label is read past."""
    rows = S.XM_33_LABEL.split("\n", 1)[1]
    assert [
        d.name for d in get_toolstack("xm").parse_list(S.XM_33_HEADER + "\n" + rows).domains
    ] == [
        "Domain-0",
        "virt_server",
        "spare",
    ]


def test_xl_list_verbose_uuid_reason_and_label() -> None:
    """``xl list -v``: UUID, Reason-Code (``%8x`` or ``-``) and Security Label after Time(s);
    the fifth letter is still the shutdown reason (``r``: reboot), not a state."""
    result = get_toolstack("xl").parse_list(S.XL_VERBOSE)
    assert result.layout == "xl 4.1+ + UUID Reason-Code Security Label"
    assert fields("xl", S.XL_VERBOSE) == [
        ("Domain-0", 0, 13036, 8, R, "r-----", 398.7),
        ("guest-01", 1, 1024, 2, SD, "---sr-", 6.0),
    ]


def test_xl_verbose_rows_under_the_plain_header_keep_their_extra_fields() -> None:
    row = S.XL_VERBOSE.splitlines()[2]
    assert fields("xl", f"{S.XL_HEADER}\n{row}\n")[0][0] == "guest-01"
    read = read_row(row, XL_RULES)
    assert isinstance(read, Row)
    assert read.extra == ("5f0c7c5e-2a3b-4f0e-9a7d-3c1b2d4e5f60", "1", "-")


def test_xl_4_1_verbose_has_no_label() -> None:
    """xl 4.1 ``-v``: ``   UUID                            Reason-Code`` only."""
    head = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
    head += "   UUID                            Reason-Code"
    row = "%-40s %5d %5lu %5d     %s  %8.1f" % ("vm1", 3, 512, 1, "-b----", 2.5)
    row += " 5f0c7c5e-2a3b-4f0e-9a7d-3c1b2d4e5f60 %8s" % "-"
    assert fields("xl", f"{head}\n{row}\n") == [("vm1", 3, 512, 1, B, "-b----", 2.5)]


@pytest.mark.parametrize(
    ("tool", "text", "layout"),
    [
        ("xm", S.XM_33_RENDER, "xm (no header)"),
        ("xm", S.XM_300_RENDER, "xm (no header)"),
        ("xm", S.XM_33_JUST_CREATED, "xm (no header)"),
        ("xl", S.XL_49_CAPTURE, "xl (no header)"),
        ("xl", S.XL_VERBOSE, "xl (no header)"),
    ],
)
def test_rows_without_their_header_are_read_and_say_so(tool: str, text: str, layout: str) -> None:
    with_header = get_toolstack(tool).parse_list(text)
    rows = text.split("\n", 1)[1]
    bare = get_toolstack(tool).parse_list(rows)
    assert bare.layout == layout and bare.notes == (NO_HEADER,) and bare.problems == ()
    assert bare.domains == with_header.domains and len(bare.domains) >= 1
    assert with_header.notes == ()
    # only when every line is a row: a banner, a cut row or a tool's complaint among them is
    # no list (``missing header``, as before)
    for odd in ("Welcome to xen_host_1", "virt_server  3  128  1  -b----", "Error: Unable to"):
        with pytest.raises(ListParseError, match="missing header"):
            get_toolstack(tool).parse_list(rows + odd + "\n")
