"""Helpers for reading a finished command's text into the typed errors of ``base``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from xentui.model import CommandResult
from xentui.toolstack.base import ToolError

_MAX_MESSAGE = 2000


def lines(result: CommandResult) -> list[str]:
    """The non-blank lines a person would read (stderr first), stripped, CRs dropped."""
    return [ln.strip() for ln in result.output.replace("\r", "").split("\n") if ln.strip()]


def find(pattern: re.Pattern[str], text_lines: Sequence[str]) -> re.Match[str] | None:
    for line in text_lines:
        if (m := pattern.search(line)) is not None:
            return m
    return None


def verb(argv: Sequence[str], skip_options_with_value: frozenset[str] = frozenset()) -> str:
    """The subcommand (``pause``, ``migrate``...) after the program and its global options."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in skip_options_with_value:
            i += 2
            continue
        if not arg.startswith("-"):
            return arg
        i += 1
    return ""


def domain_of(argv: Sequence[str], verb_name: str) -> str | None:
    """The domain an adapter-built command acted on: last operand, or the one before the
    target for ``migrate``."""
    if len(argv) < 3:
        return None
    return argv[-2] if verb_name == "migrate" else argv[-1]


def unfinished(result: CommandResult, cls: type[ToolError], domain: str | None) -> ToolError:
    """The command did not finish (timeout, dropped channel): say so with what it printed.

    The runner's words lead (``xm migrate did not finish in 600 s``); its note, which also
    ends stderr, is not repeated among what the tool printed."""
    note = f"xentui: {result.unfinished}"
    said = " ".join(ln for ln in lines(result) if ln != note)[:_MAX_MESSAGE]
    what = result.unfinished or (" ".join(result.argv[:2]) or "command") + " did not finish"
    return cls(what + (f"; it printed: {said}" if said else ""), domain)


def fallback(result: CommandResult, cls: type[ToolError], domain: str | None) -> ToolError:
    """A failure no pattern knows: keep the tool's first lines verbatim, or the exit status."""
    text = lines(result)
    message = "\n".join(text[:5])[:_MAX_MESSAGE] if text else f"exit status {result.exit_status}"
    return cls(message, domain)
