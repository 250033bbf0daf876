"""Issue 10.2: the one sanitizer of remote text, over the hostile corpus; the old names use it."""

from __future__ import annotations

import re

import pytest

from tests.hostile import ALL, CORPUS, MARKUP_LITERALS, assert_inert
from xentui.textsafe import printable

ESCAPE = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[nrt])")


@pytest.mark.parametrize("name", sorted(CORPUS))
@pytest.mark.parametrize("newlines", [False, True])
def test_every_hostile_string_prints_inert_and_stays_readable(name: str, newlines: bool) -> None:
    text = CORPUS[name]
    shown = assert_inert(printable(text, newlines=newlines), name)
    assert printable(shown, newlines=newlines) == shown  # applying it again changes nothing
    # every character a terminal would act on is spelt out, the rest is kept as it was
    kept = "".join(ch for ch in text if ch.isprintable() or (newlines and ch == "\n"))
    assert ESCAPE.sub("", shown) == kept
    assert len(ESCAPE.findall(shown)) == len(text) - len(kept)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b]52;c;cHduZWQ=\x07", "\\x1b]52;c;cHduZWQ=\\x07"),
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
        ("\x9b2J", "\\x9b2J"),
        ("ok\rno", "ok\\rno"),
        ("a\tb", "a\\tb"),
        ("ab\x08\x7f\x00", "ab\\x08\\x7f\\x00"),
        ("abc\u202egpj", "abc\\u202egpj"),
        ("\u2066x\u2069\u200e\u200f\u061c", "\\u2066x\\u2069\\u200e\\u200f\\u061c"),
        ("z\u200b\u200c\u200d\u2060\ufeff", "z\\u200b\\u200c\\u200d\\u2060\\ufeff"),
        ("line\u2028sep\xa0nbsp", "line\\u2028sep\\xa0nbsp"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone \udc9b surrogate", "lone \\udc9b surrogate"),
    ],
)
def test_escapes_are_spelt_as_python_writes_them(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_newlines_keep_lf_but_never_cr() -> None:
    assert printable("one\ntwo\r\nthree", newlines=True) == "one\ntwo\\r\nthree"
    assert printable("one\ntwo") == "one\\ntwo"


def test_plain_text_and_markup_pass_unchanged() -> None:
    for text in (
        "virt_server",
        "xen_host_1 → xen_host_2 · 12 ms",
        "naïve 日本語",
        *MARKUP_LITERALS,
    ):
        assert printable(text) is text


def test_the_old_names_are_this_one() -> None:
    from xentui.config import source as config_source
    from xentui.tui import format as tui_format

    assert tui_format.printable is printable and config_source.printable is printable
    text = tui_format.plain(ALL, "bold")
    assert text.plain == printable(ALL) and text.style == "bold" and not text.spans
    assert tui_format.plain("a\nb\x1b", newlines=True).plain == "a\nb\\x1b"
