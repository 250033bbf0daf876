"""Any command line gets an answer (never an exception), as bash would give one."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from xentui.lab.machine import coreutils
from xentui.lab.machine.shell import Machine, Out, run_line
from xentui.lab.machine.vfs import Vfs

WORDS = st.sampled_from(
    [
        "cat",
        "echo",
        "grep",
        "-q",
        "-c",
        "cp",
        "tee",
        "ls",
        "mkdir",
        "-p",
        "mktemp",
        "stat",
        "%a",
        "chmod",
        "chown",
        "--reference=/etc/x",
        "0:0",
        "mv",
        "rm",
        "-f",
        "/etc/x.XXXXXX",
        "/etc",
        "/etc/x",
        "a b",
        "'",
        '"',
        ";",
        "&&",
        "||",
        "|",
        ">",
        ">>",
        "<",
        "2>",
        "&",
        "sudo",
        "xm",
        "(",
        ")",
        "#",
        "*",
    ]
)


def _machine() -> Machine:
    vfs = Vfs()
    vfs.mkdir("/etc")
    vfs.mkdir("/root")
    vfs.write("/etc/x", "line one\n(xend-relocation-server yes)\n")
    return Machine("h", vfs, dict(coreutils.COMMANDS))


async def _no_stdin() -> str:
    return "piped\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=10).map(" ".join) | st.text(max_size=40))
def test_run_line_always_answers(line: str) -> None:
    out = asyncio.run(run_line(_machine(), line, _no_stdin))
    assert isinstance(out, Out) and 0 <= out.rc <= 255
    if out.rc == 127 and "2>" not in line:
        assert "command not found" in out.stderr
