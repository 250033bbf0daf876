"""Any text at all gives a ListResult or a ListParseError, never another exception."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.toolstack import samples as S
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import ListParseError, ListResult
from xentui.toolstack.scan import MAX_PROBLEMS

TOOLS = ["xm", "xl", "virsh"]
VALID = {"xm": S.XM_300_RENDER, "xl": S.XL_49_CAPTURE, "virsh": S.VIRSH_900_TWO}


def parse_any(tool: str, text: str) -> ListResult | ListParseError:
    try:
        result = get_toolstack(tool).parse_list(text)
    except ListParseError as exc:
        assert "\n" not in str(exc).strip()
        return exc
    assert isinstance(result, ListResult)
    for p in result.problems:
        assert len(p.line) <= 210 and p.reason
    return result


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TOOLS), st.text())
def test_arbitrary_text(tool: str, text: str) -> None:
    parse_any(tool, text)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TOOLS), st.binary(max_size=600))
def test_arbitrary_bytes_decoded_as_a_runner_would(tool: str, raw: bytes) -> None:
    parse_any(tool, raw.decode("utf-8", "replace"))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TOOLS), st.data())
def test_damaged_real_output(tool: str, data) -> None:
    text = VALID[tool]
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=20))
    at = data.draw(st.integers(0, cut))
    damaged = text[:at] + junk + text[at:cut]
    outcome = parse_any(tool, damaged)
    if isinstance(outcome, ListResult):
        names = {d.name for d in outcome.domains}
        assert all(n.strip() for n in names)


def test_truncated_last_row_is_a_problem_and_the_rest_survives() -> None:
    text = S.XL_49_CAPTURE[:-12]  # the last row cut mid-way, as a dropped channel leaves it
    result = get_toolstack("xl").parse_list(text)
    assert [d.name for d in result.domains] == ["Domain-0"]
    assert result.problems[0].line_no == 3


@pytest.mark.parametrize("tool", TOOLS)
def test_binary_garbage_inside_a_list_is_reported_with_its_line(tool: str) -> None:
    text = VALID[tool].rstrip("\n") + "\n\x00\x01\x02 binary \ufffd\n"
    result = get_toolstack(tool).parse_list(text)
    assert result.problems and "unreadable character" in result.problems[-1].reason
    assert result.domains


def _blobs() -> dict[str, str]:
    rng = random.Random(7)
    size = 10 * 1024 * 1024
    return {
        "random bytes": rng.randbytes(size).decode("utf-8", "replace"),
        "newlines": "\n" * size,
        "one long line": "x" * size,
        "short junk lines": "ab c\n" * (size // 5),
        "header then junk": S.XM_33_RENDER + "r----- 1.0\n" * (size // 11),
        "spaces": " " * size,
    }


@pytest.mark.parametrize("tool", TOOLS)
def test_ten_megabyte_blobs_are_refused_cleanly(tool: str) -> None:
    for what, blob in _blobs().items():
        outcome = parse_any(tool, blob)
        if isinstance(outcome, ListResult):
            assert len(outcome.problems) <= MAX_PROBLEMS + 1, what
            if len(outcome.problems) > MAX_PROBLEMS:
                assert "more lines not read" in outcome.problems[-1].reason


def test_header_then_junk_keeps_the_domains_and_counts_the_rest() -> None:
    text = S.XM_33_RENDER + "r----- 1.0\n" * 1000
    result = get_toolstack("xm").parse_list(text)
    assert len(result.domains) == 2
    assert len(result.problems) == MAX_PROBLEMS + 1
    assert result.problems[-1].reason.endswith("900 more lines not read")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(TOOLS),
    st.sampled_from(["pause", "unpause", "migrate", "list", "create"]),
    st.one_of(st.none(), st.integers(-1, 255)),
    st.text(max_size=300),
    st.text(max_size=300),
)
def test_error_classifier_takes_any_text(tool, verb, status, out, err) -> None:
    from xentui.model import CommandResult
    from xentui.toolstack.base import ToolError

    argv = (tool, verb, "virt_server", "xen_host_2")
    outcome = get_toolstack(tool).parse_error(CommandResult(argv, status, out, err, 0.0, 1.0))
    assert outcome is None or isinstance(outcome, ToolError)
    if status != 0:
        assert outcome is not None, "a failed or unfinished command is never a success"
    if outcome is not None:
        assert outcome.message
