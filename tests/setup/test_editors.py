"""The minimal editors: they set what the seed asks, keep every other line, and are idempotent."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentui.setup import exports, guest_config, xend_config
from xentui.setup.xend_config import HOSTS_ALLOW, PORT, SERVER

# the shape of RHEL 5's shipped file: server commented out, hosts-allow limited to localhost
SHIPPED = """# -*- sh -*-
#
# Xend configuration file.
#(xend-unix-server yes)
#(xend-relocation-server yes)
(xend-relocation-server no)
#(xend-relocation-port 8002)
#(xend-relocation-address '')
#(xend-relocation-hosts-allow '')
(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')
(dom0-min-mem 256)
"""


def apply_all(text: str) -> str:
    text = xend_config.set_setting(text, SERVER, "yes")
    text = xend_config.set_setting(text, PORT, "8002")
    text = xend_config.set_setting(text, xend_config.ADDRESS, "")
    return xend_config.set_setting(text, HOSTS_ALLOW, "^xen_host_2$ ^localhost$")


def test_xend_editor_sets_values_and_keeps_the_rest() -> None:
    new = apply_all(SHIPPED)
    settings = xend_config.read_settings(new)
    assert settings[SERVER].text == "yes"
    assert settings[PORT].text == "8002"
    assert settings[xend_config.ADDRESS].text == ""
    assert settings[HOSTS_ALLOW].text == "^xen_host_2$ ^localhost$"
    # only the changed values moved: every other line is still there, in order
    removed = [x[2:] for x in difflib.ndiff(SHIPPED.splitlines(), new.splitlines()) if x[0] == "-"]
    assert removed == [
        "(xend-relocation-server no)",
        "#(xend-relocation-port 8002)",
        "#(xend-relocation-address '')",
        "(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')",
    ]
    new_lines = new.splitlines()
    assert "(dom0-min-mem 256)" in new_lines
    assert "(xend-relocation-server yes)" in new_lines
    assert "(xend-relocation-address '')" in new_lines
    assert "(xend-relocation-hosts-allow '^xen_host_2$ ^localhost$')" in new_lines
    assert apply_all(new) == new


def test_xend_editor_uncomments_a_matching_line() -> None:
    text = "#(xend-relocation-port 8002)\n(other 1)\n"
    assert xend_config.set_setting(text, PORT, "8002") == "(xend-relocation-port 8002)\n(other 1)\n"


def test_xend_editor_replaces_only_the_value_characters() -> None:
    text = "(xend-relocation-port   9000 )  # mine\n"
    new = xend_config.set_setting(text, PORT, "8002")
    assert new == "(xend-relocation-port   8002 )  # mine\n"


def test_xend_editor_appends_when_absent() -> None:
    new = xend_config.set_setting("(a b)", SERVER, "yes")
    assert new == "(a b)\n(xend-relocation-server yes)\n"


@pytest.mark.parametrize(
    ("patterns", "peers", "ok"),
    [
        ("", ["xen_host_2"], True),
        ("^localhost$ ^localhost\\.localdomain$", ["xen_host_2", "127.0.0.2"], False),
        ("^xen_host_[12]$", ["xen_host_2"], True),
        ("^127\\.0\\.0\\.2$", ["xen_host_2", "127.0.0.2"], True),
        ("^localhost$  ^nope$", ["xen_host_2"], True),  # xend's split keeps an empty regex
        ("^(broken$", ["xen_host_2"], False),
    ],
)
def test_hosts_allow(patterns: str, peers: list[str], ok: bool) -> None:
    assert xend_config.hosts_allow_admits(patterns, peers)[0] is ok


def test_defaults_when_unset() -> None:
    settings = xend_config.read_settings("# nothing\n")
    assert settings[SERVER].text == "no" and settings[SERVER].line is None
    assert xend_config.as_bool("Yes") is True and xend_config.as_bool("maybe") is None


PEERS = ["xen_host_2", "127.0.0.2"]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("/xen *(rw,sync,no_root_squash)\n", True),
        ('"/xen" xen_host_2(rw,no_root_squash)  # sync is the default\n', False),
        ("/xen -rw,no_root_squash xen_host_*(sync)\n", True),
        ("/xen 127.0.0.0/8(rw,sync,no_root_squash)\n", True),
        ("/xen other(rw,sync,no_root_squash)\n", False),
        ("/xen *(rw,sync,no_root_squash,ro)\n", False),
        ("/xen \\\n   *(rw,sync,no_root_squash)\n", True),
        ("# /xen *(rw,sync,no_root_squash)\n", False),
        ("/srv *(rw)\n", False),
    ],
)
def test_exports_check(text: str, ok: bool) -> None:
    assert exports.check_export(text, "/xen", PEERS)[0] is ok


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# exports\n/srv *(ro)\n",
        "/xen xen_host_2(ro,async) # old\n/srv *(ro)",
        "/xen other(rw)\n",
        "/xen \\\n *(rw)\n",
    ],
)
def test_exports_fix_is_minimal_and_idempotent(text: str) -> None:
    new = exports.ensure_export(text, "/xen", PEERS)
    assert exports.check_export(new, "/xen", PEERS)[0]
    assert exports.ensure_export(new, "/xen", PEERS) == new
    for line in text.splitlines():
        if "/xen" not in line and line.strip() != "*(rw)":
            assert line in new.splitlines()


def test_exports_parse_error_has_line() -> None:
    with pytest.raises(exports.ExportsError) as info:
        exports.parse_exports("/a *(rw)\n(rw)\n")
    assert info.value.line == 2


GUEST = """# virt_server
name = "virt_server"
memory = 128
vnc=1
vncunused = 1   # pick a free port
vif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr0' ]
"""


def test_guest_config_fix() -> None:
    assert guest_config.problems(GUEST) == [
        "line 4: vnc=1 is active",
        "line 5: vncunused=1 is active",
        "no sdl=1 line",
    ]
    new = guest_config.fix_text(GUEST)
    assert guest_config.problems(new) == []
    assert "#vnc=1\n#vncunused = 1   # pick a free port\nsdl=1\n" in new
    assert guest_config.fix_text(new) == new
    assert new.replace("#vnc", "vnc").replace("sdl=1\n", "") == GUEST


def test_guest_config_sdl_zero_and_already_right() -> None:
    assert guest_config.problems("sdl = 0\n") == ["line 1: sdl=0"]
    assert guest_config.problems(guest_config.fix_text("sdl = 0\n")) == []
    right = "#vnc=1\nvnc = 0\nsdl = True\n"
    assert guest_config.problems(right) == [] and guest_config.fix_text(right) == right


def test_guest_config_syntax_error_has_line() -> None:
    with pytest.raises(guest_config.GuestConfigError) as info:
        guest_config.problems("name = 'x'\nvnc = (\n")
    assert info.value.line >= 2


def test_exports_unclosed_options_is_an_error() -> None:
    with pytest.raises(exports.ExportsError) as info:
        exports.parse_exports("# head\n/xen host(rw,sync\n")
    assert info.value.line == 2 and "not closed" in info.value.message


@given(st.text(max_size=80))
def test_exports_parser_never_crashes(text: str) -> None:
    try:
        exports.parse_exports(text)
    except exports.ExportsError as exc:
        assert exc.line >= 1
        return
    try:
        new = exports.ensure_export(text, "/xen", PEERS)
    except exports.ExportsError:
        return
    assert exports.check_export(new, "/xen", PEERS)[0], (text, new)
    assert exports.ensure_export(new, "/xen", PEERS) == new


@given(st.text(alphabet=st.sampled_from(list("vncsdl=01 #\n'\"()[],_u")), max_size=60))
def test_guest_config_fix_never_crashes(text: str) -> None:
    try:
        guest_config.problems(text)
    except guest_config.GuestConfigError as exc:
        assert exc.line >= 0
        return
    new = guest_config.fix_text(text)
    assert guest_config.problems(new) == []
    assert guest_config.fix_text(new) == new


_PIECES = [
    "/xen",
    "/srv",
    '"/xen"',
    "/xen/",
    " ",
    " ",
    "*",
    "xen_host_2",
    "other",
    "127.0.0.0/8",
    "(rw)",
    "(ro,async)",
    "(rw,sync,no_root_squash)",
    "(root_squash)",
    "-rw",
    "#c",
    "\\\n",
    "\n",
    "\t",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_exports_fix_on_export_like_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        new = exports.ensure_export(text, "/xen", PEERS)
    except exports.ExportsError as exc:
        assert exc.line >= 1
        return
    assert exports.check_export(new, "/xen", PEERS)[0], (text, new)
    assert exports.ensure_export(new, "/xen", PEERS) == new


_SXP_PIECES = [
    "(xend-relocation-server no)",
    "(xend-relocation-server yes)",
    "#(xend-relocation-server yes)",
    "(xend-relocation-port 8002)",
    "#(xend-relocation-port 9000)",
    "(xend-relocation-port)",
    "(xend-relocation-hosts-allow '^localhost$')",
    '(xend-relocation-hosts-allow "")',
    "#(xend-relocation-hosts-allow '')",
    "(dom0-min-mem 196)",
    "# a comment",
    "\n",
    "\n",
    " ",
    "\t",
    "(network-script 'network-bridge netdev=eth1')",
]


@given(
    st.lists(st.sampled_from(_SXP_PIECES), max_size=12),
    st.sampled_from([SERVER, PORT, HOSTS_ALLOW]),
    st.sampled_from(["yes", "8002", "", "^xen_host_2$ ^localhost$", "a'b\\c"]),
)
def test_set_setting_sets_keeps_and_is_idempotent(pieces: list[str], name: str, value: str) -> None:
    text = "".join(pieces)
    new = xend_config.set_setting(text, name, value)
    assert xend_config.read_settings(new)[name].text == value
    assert xend_config.set_setting(new, name, value) == new
    # every other setting reads the same as before
    old_settings, new_settings = xend_config.read_settings(text), xend_config.read_settings(new)
    for other in old_settings:
        if other != name:
            assert old_settings[other].text == new_settings[other].text


def test_a_continuation_to_the_end_of_the_file_is_replaced_whole() -> None:
    """Found by hypothesis: ``/xen \\`` then ``(rw) \\`` at the end of the file is one export on
    two lines; the fix replaced only its first line and left ``(rw)`` as a line of its own."""
    text = "/xen\\\n(rw)\\\n"
    new = exports.ensure_export(text, "/xen", PEERS)
    assert exports.check_export(new, "/xen", PEERS)[0], new
    assert "(rw)\\" not in new and exports.ensure_export(new, "/xen", PEERS) == new
