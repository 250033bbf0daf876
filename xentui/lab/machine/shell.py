"""A command line as bash would take it: shlex words, ``;``/``&&``/``||``/``|``, ``>``, ``sudo``.

Only what the setup checklist types is supported; anything else answers the way bash does
(``bash: foo: command not found``, exit 127), so a typo reads the same as on a real host.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from xentui.lab.machine.vfs import Vfs, VfsError


@dataclass
class Out:
    stdout: str = ""
    stderr: str = ""
    rc: int = 0

    def add(self, other: Out) -> Out:
        return Out(self.stdout + other.stdout, self.stderr + other.stderr, other.rc)


Stdin = Callable[[], Awaitable[str]]
Handler = Callable[["Machine", list[str], Stdin], Awaitable[Out]]


@dataclass
class Machine:
    """What a command sees: the machine's name, files and command table."""

    hostname: str
    vfs: Vfs
    commands: dict[str, Handler] = field(default_factory=dict)
    state: Any = None
    """The SimHost or Guest behind it, for commands that need more than files."""


def _tokens(line: str) -> list[str]:
    lex = shlex.shlex(line, posix=True, punctuation_chars="();<>|&")
    lex.whitespace_split = True
    lex.commenters = "#"
    return list(lex)


async def run_line(machine: Machine, line: str, stdin: Stdin) -> Out:
    try:
        tokens = _tokens(line)
    except ValueError:
        return Out(
            stderr="bash: -c: line 0: unexpected EOF while looking for matching quote\n"
            "bash: -c: line 1: syntax error: unexpected end of file\n",
            rc=2,
        )
    total, run_next = Out(), True
    pipeline: list[list[str]] = []
    segments: list[tuple[list[list[str]], str | None]] = []
    current: list[str] = []
    for tok in [*tokens, ";"]:
        if tok in (";", "&&", "||", "&"):
            pipeline.append(current)
            segments.append((pipeline, tok))
            pipeline, current = [], []
        elif tok == "|":
            pipeline.append(current)
            current = []
        else:
            current.append(tok)
    for pipeline, connector in segments:
        if all(not words for words in pipeline):
            continue
        if run_next:
            out = await _run_pipeline(machine, pipeline, stdin)
            total = total.add(out)
        if connector == "&&":
            run_next = total.rc == 0
        elif connector == "||":
            run_next = total.rc != 0
        else:
            run_next = True
    return total


async def _run_pipeline(machine: Machine, pipeline: list[list[str]], stdin: Stdin) -> Out:
    out = Out()
    feed = stdin
    for i, words in enumerate(pipeline):
        if not words:
            return Out(stderr="bash: syntax error near unexpected token `|'\n", rc=2)
        res = await _run_simple(machine, words, feed)
        piped = res.stdout
        last = i == len(pipeline) - 1

        async def _piped(text: str = piped) -> str:
            return text

        feed = _piped
        out = Out(out.stdout, out.stderr + res.stderr, res.rc)
        if last:
            out.stdout += res.stdout
    return out


async def _run_simple(machine: Machine, words: list[str], stdin: Stdin) -> Out:
    argv: list[str] = []
    redirect: tuple[str, str] | None = None
    err_redirect: str | None = None
    merge = False
    i = 0
    while i < len(words):
        w = words[i]
        if w in (">", ">>", "<", ">&", "&>"):
            if i + 1 >= len(words):
                return Out(stderr="bash: syntax error near unexpected token `newline'\n", rc=2)
            target = words[i + 1]
            if w == ">&" and target == "1":
                merge = True
            elif argv and argv[-1] == "2" and w in (">", ">>"):
                argv.pop()
                err_redirect = target
            elif w == "<":
                source = target

                async def _from_file(path: str = source) -> str:
                    return machine.vfs.read_text(path)

                try:
                    machine.vfs.read(source)
                except VfsError as e:
                    return Out(stderr=f"bash: {source}: {e.reason}\n", rc=1)
                stdin = _from_file
            else:
                redirect = (w, target)
            i += 2
            continue
        argv.append(w)
        i += 1
    if argv and argv[0] == "env":  # env NAME=VALUE... COMMAND: the lab has no locales to set
        argv = argv[1:]
        while argv and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", argv[0], re.DOTALL):
            argv = argv[1:]
        if not argv:
            return Out()
    if argv and argv[0] == "sudo":
        argv = argv[1:]
        while argv and argv[0].startswith("-"):
            argv = argv[1:]
    if not argv:
        return Out()
    name = posixpath.basename(argv[0])
    if not re.fullmatch(r"[A-Za-z0-9_.+-]+", name) or name not in machine.commands:
        res = Out(stderr=f"bash: {argv[0]}: command not found\n", rc=127)
    else:
        res = await machine.commands[name](machine, [name, *argv[1:]], stdin)
    if merge:
        res = Out(res.stdout + res.stderr, "", res.rc)
    if err_redirect is not None and err_redirect != "/dev/null":
        try:
            machine.vfs.write(err_redirect, res.stderr)
        except VfsError as e:
            return Out(res.stdout, f"bash: {err_redirect}: {e.reason}\n", 1)
    if err_redirect is not None:
        res = Out(res.stdout, "", res.rc)
    if redirect is not None:
        op, path = redirect
        if path != "/dev/null":
            try:
                machine.vfs.write(path, res.stdout, append=op == ">>")
            except VfsError as e:
                return Out("", res.stderr + f"bash: {path}: {e.reason}\n", 1)
        res = Out("", res.stderr, res.rc)
    return res
