"""A domain's state is said once: xm/xl's flags beside the word, virsh's word alone."""

from __future__ import annotations

from xentui.toolstack import get_toolstack
from xentui.tui.format import state_text

VIRSH = """\
 Id   Name          State
-----------------------------
 1    virt_server   running
 2    other         paused
"""

XM = """\
Name                                      ID Mem(MiB) VCPUs State   Time(s)
Domain-0                                   0      512     2 r-----    120.3
virt_server                                1      128     1 -b----     37.2
"""


def test_virsh_state_words_are_not_repeated() -> None:
    listed = get_toolstack("virsh").parse_list(VIRSH)
    assert [state_text(d).plain for d in listed.domains] == ["running", "paused"]


def test_xm_flags_stay_beside_the_word() -> None:
    listed = get_toolstack("xm").parse_list(XM)
    assert [state_text(d).plain for d in listed.domains][-1] == "blocked -b----"
