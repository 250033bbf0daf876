"""The SXP reader: xend's reading of comments, quoting, escapes and spacing, with lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentui.setup.sxp import Atom, SList, SxpError, parse, render_value, setting_value

SEED = """# -*- sh -*-
#(xend-unix-server yes)
(xend-relocation-server yes)
(xend-relocation-port 8002)
(xend-relocation-address '')
(xend-relocation-hosts-allow '')
#(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')
"""


def test_seed_block_reads_as_xend_does() -> None:
    nodes = parse(SEED)
    assert [n.head for n in nodes if isinstance(n, SList)] == [
        "xend-relocation-server",
        "xend-relocation-port",
        "xend-relocation-address",
        "xend-relocation-hosts-allow",
    ]
    port = setting_value(nodes, "xend-relocation-port")
    assert port is not None and (port.value, port.line, port.quote) == ("8002", 4, None)
    allow = setting_value(nodes, "xend-relocation-hosts-allow")
    assert allow is not None and (allow.value, allow.line, allow.quote) == ("", 6, "'")


def test_odd_spacing_comments_and_both_quotes() -> None:
    text = (
        "\n\n   (  xend-relocation-hosts-allow\t\n"
        '      "^xen_host_2$ ^localhost\\\\.localdomain$"   # who may migrate in\n'
        "   )(xend-relocation-port 8002)#trailing\n"
        "(xend-relocation-address 'a\\'b')\n"
    )
    nodes = parse(text)
    allow = setting_value(nodes, "xend-relocation-hosts-allow")
    assert allow is not None
    assert allow.value == "^xen_host_2$ ^localhost\\.localdomain$"
    assert (allow.line, allow.quote) == (4, '"')
    assert text[allow.start : allow.end].startswith('"^xen')
    port = setting_value(nodes, "xend-relocation-port")
    assert port is not None and port.line == 5
    addr = setting_value(nodes, "xend-relocation-address")
    assert addr is not None and addr.value == "a'b" and addr.line == 6


def test_hash_inside_string_is_not_a_comment() -> None:
    nodes = parse("(x '# not a comment')")
    assert setting_value(nodes, "x") == Atom("# not a comment", 1, 3, 20, "'")


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r"'\t\n'", "\t\n"),
        (r"'\101'", "A"),
        (r"'\0'", "\0"),
        (r"'\x41'", "A"),
        # xend's quirks, kept so the check sees what xend sees
        (r"'\.'", "\\"),
        (r"'\x4A'", "\x40"),
    ],
)
def test_escapes_as_xend_reads_them(source: str, value: str) -> None:
    [atom] = parse(source)
    assert isinstance(atom, Atom) and atom.value == value


def test_atoms_end_at_separators() -> None:
    [lst] = parse("(a;b c[d)")
    assert isinstance(lst, SList)
    assert [i.value for i in lst.items if isinstance(i, Atom)] == ["a", ";b", "c", "[d"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("(a b)\n(c d\n\n", 2, "never closed"),
        ("(a b)\n\n(c 'd)\n", 3, "never closed"),
        ("(a b))\n", 1, "closes no list"),
        ("(a)\n\n\n)", 4, "closes no list"),
        ("(a '\\x')", 1, "hex"),
    ],
)
def test_broken_file_names_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SxpError) as info:
        parse(text)
    assert info.value.line == line
    assert words in str(info.value)
    assert str(info.value).startswith(f"line {line}:")


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_render_value_reads_back(value: str) -> None:
    [node] = parse(f"(k {render_value(value)})")
    assert isinstance(node, SList)
    got = node.items[1]
    assert isinstance(got, Atom) and got.value == value


@given(st.text(max_size=60))
def test_never_crashes_on_any_text(text: str) -> None:
    try:
        parse(text)
    except SxpError as exc:
        assert exc.line >= 1
