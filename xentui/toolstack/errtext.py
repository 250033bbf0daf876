"""Helpers for reading a finished command's text into the typed errors of ``base``.

A failed command's output starts with progress and ends with the cause (``xl migrate``:
"migration target: Ready to receive domain." ... "Segmentation fault"; xm: a traceback, then
``Error: ...``). A message leads with the *decisive* lines: those the tool marks as errors or a
shell's report of a signal, else the last line that is not progress; the whole output stays in
the CommandResult (the event log opens it, ``xentui list --json`` has it as ``error_output``).
The marks are the tools' own words: tools/xl/xl_migrate.c, libxl's ``libxl: error:`` log
prefix (tools/libs/light/libxl_internal.c), libxc's ``xc: error:``, xm's ``err()``
(``Error: %s``, tools/python/xen/xm/main.py), libvirt's ``error: `` (tools/vsh.c).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xentui.model import CommandResult
from xentui.toolstack.base import ToolError

_MAX_MESSAGE = 2000
MAX_DECISIVE = 6
"""Decisive lines kept in a message: the first half and the last half of more."""

_MARKED = re.compile(
    r"^(?:error|Error|ERROR|fatal|FATAL)\b"  # virsh "error: ", xm "Error: ", xend "ERROR"
    r"|^(?:libxl|libxc|xc|xl|xm|xend|virsh|libvirt|qemu[\w-]*)(?: \([^)]*\))?: "
    r"(?:error|fatal|critical|crit)\b"  # xtl's "libxl: error: ", "xc: error: "
    r"|^\*\* .*failed|^Migration failed|^Domain state is now undefined"  # xl_migrate.c
    r"|^migration (?:sender|target)(?: \([^)]*\))?: .*(?:fail|Fail|error|Error|refus|cannot)"
    r"|contained unexpected data instead of|^No config file stored"
    r"|exited with error status|died due to fatal signal"  # libxl_exec.c's child report
    r"|^sudo: |^ssh: |Permission denied|Host key verification failed"
    r"|: command not found$|: No such file or directory$|: not found$"
    r"|^[A-Za-z_][\w.]*(?:Error|Exception|Fault|error)(?::|$)"  # a traceback's last line
    r"|^Unexpected error:"  # xm's catch-all (main.py _run_cmd) before it re-raises
    r"|^xentui: (?!output cut)"  # the runner's own note (a timeout, sudo's advice)
)
_SIGNAL = re.compile(
    r"^(?:\S+: (?:line )?\d+: +(?:\d+ +)?)?"  # bash "bash: line 1: 4242 ", dash "sh: 1: "
    r"(?:Segmentation fault|Killed|Aborted|Bus error|Illegal instruction|Terminated|Hangup"
    r"|Floating point exception|Trace/breakpoint trap|Quit|Alarm clock|Broken pipe"
    r"|User defined signal [12]|CPU time limit exceeded|File size limit exceeded)\b"
)
_PROGRESS = re.compile(
    r"^migration (?:target|sender): (?:Ready to receive|Transfer complete|Target has ack"
    r"|Giving target|Got permission|Domain started|Target reports successful|Trying to resume"
    r"|Resumed OK|Cleanup OK)"
    r"|^Saving to migration stream|^Loading new save file|^Savefile contains|^Parsing config"
    r"|^xc: (?!error|fatal)|^libxl: (?:info|debug|verbose|detail|notice|progress)\b"
    r"|^Migration: \[|^Frames iteration|\d+%\s*\]?$|^Migration successful"
    r"|^Using config file|^Started domain"
)


def screen_line(line: str) -> str:
    """A line as a terminal left it: each CR returns to the line's start and the text after
    it overwrites (``xc: Saving memory ... 10%\\r... 100%``, virsh's ``Migration: [ 40 %]``)."""
    shown = ""
    for part in line.split("\r"):
        shown = part + shown[len(part) :]
    return shown


def screen_text(text: str) -> str:
    """Every line of ``text`` as a terminal left it (see ``screen_line``)."""
    return "\n".join(screen_line(ln) for ln in text.split("\n"))


_GLUED = re.compile(r"^([A-Z][\w ]*: \[ *\d+ ?%\])(\S.*)$")
"""virsh's progress (``"\\r%s: [%3d %%]"``, no newline) with the next message written right
after it on the same line (vshError's ``"error: "``)."""


def lines(result: CommandResult) -> list[str]:
    """The non-blank lines a person would read (stderr first), stripped, as the terminal
    showed them after carriage returns; a message glued to a progress bar is a line of its own."""
    out: list[str] = []
    for raw in result.output.split("\n"):
        line = screen_line(raw).strip()
        if (m := _GLUED.match(line)) is not None:
            out += [m.group(1), m.group(2)]
        elif line:
            out.append(line)
    return out


def decisive(text_lines: Sequence[str]) -> list[str]:
    """The lines that say why: those the tool marks as errors and a shell's signal report, in
    their order (at most MAX_DECISIVE: the first and last halves); else the last line that is
    not progress; else the last line."""
    marked = [ln for ln in text_lines if _MARKED.search(ln) or _SIGNAL.match(ln)]
    if len(marked) > MAX_DECISIVE:
        half = MAX_DECISIVE // 2
        left = len(marked) - 2 * half
        marked = [*marked[:half], f"... {left} more error lines ...", *marked[-half:]]
    if marked:
        return marked
    said = [ln for ln in text_lines if not _PROGRESS.search(ln)]
    return said[-1:] or list(text_lines[-1:])


def message(result: CommandResult, *matched: str) -> str:
    """The decisive lines of the output, with any line a pattern ``matched`` among them (in
    the output's order), capped: what a failure shows first everywhere."""
    text = lines(result)
    keep = decisive(text)
    extra = [m for m in matched if m not in keep]
    if extra:
        order = {ln: i for i, ln in reversed(list(enumerate(text)))}
        keep = sorted([*extra, *keep], key=lambda ln: order.get(ln, len(text)))
    return "\n".join(dict.fromkeys(keep))[:_MAX_MESSAGE]


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
    said = "\n".join(decisive([ln for ln in lines(result) if ln != note]))[:_MAX_MESSAGE]
    what = result.unfinished or (" ".join(result.argv[:2]) or "command") + " did not finish"
    return cls(what + (f"; it printed: {said}" if said else ""), domain)


def fallback(result: CommandResult, cls: type[ToolError], domain: str | None) -> ToolError:
    """A failure no pattern knows: its decisive lines verbatim, or the exit status."""
    return cls(message(result) or f"exit status {result.exit_status}", domain)
