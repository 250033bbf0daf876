"""The few coreutils the setup steps use, over a machine's virtual files, with GNU's messages."""

from __future__ import annotations

import asyncio
import posixpath
import re

from xentui.lab.machine import fileutils
from xentui.lab.machine.shell import Handler, Machine, Out, Stdin
from xentui.lab.machine.vfs import VfsError


async def cat(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    paths = [a for a in argv[1:] if a != "-"] if len(argv) > 1 else []
    if not paths:
        return Out(stdout=await stdin())
    out = Out()
    for path in paths:
        try:
            out.stdout += m.vfs.read_text(path)
        except VfsError as e:
            out.stderr += f"cat: {path}: {e.reason}\n"
            out.rc = 1
    return out


async def cp(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) < 2:
        if not args:
            return Out(
                stderr="cp: missing file operand\nTry `cp --help' for more information.\n", rc=1
            )
        return Out(
            stderr=f"cp: missing destination file operand after `{args[0]}'\n"
            "Try `cp --help' for more information.\n",
            rc=1,
        )
    src, dst = args[0], args[-1]
    try:
        data = m.vfs.read(src)
    except VfsError as e:
        if e.reason == "Is a directory":
            return Out(stderr=f"cp: omitting directory `{src}'\n", rc=1)
        return Out(stderr=f"cp: cannot stat `{src}': {e.reason}\n", rc=1)
    if m.vfs.is_dir(dst):
        dst = posixpath.join(dst, posixpath.basename(src))
    try:
        m.vfs.write(dst, data)
    except VfsError as e:
        return Out(stderr=f"cp: cannot create regular file `{dst}': {e.reason}\n", rc=1)
    short = "".join(a[1:] for a in argv[1:] if a.startswith("-") and not a.startswith("--"))
    if "p" in short or "a" in short or "--preserve" in argv[1:]:  # owner and mode go along
        m.vfs.set_meta(dst, m.vfs.stat(src))
    return Out()


async def tee(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    append = any(a in ("-a", "--append") for a in argv[1:])
    data = await stdin()
    out = Out(stdout=data)
    paths: list[str] = []
    for path in (a for a in argv[1:] if not a.startswith("-")):
        try:  # tee opens (and, without -a, empties) every file before it reads a byte
            m.vfs.write(path, "" if m.vfs.write_s and not append else data, append=append)
            paths.append(path)
        except VfsError as e:
            out.stderr += f"tee: {path}: {e.reason}\n"
            out.rc = 1
    if m.vfs.write_s and not append and paths:
        await asyncio.sleep(m.vfs.write_s)  # the lab's slow write: the files stay empty meanwhile
        for path in paths:
            m.vfs.write(path, data)
    return out


async def echo(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    return Out(stdout=" ".join(args) + ("\n" if newline else ""))


async def grep(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    flags = {a for a in argv[1:] if a.startswith("-") and len(a) > 1}
    rest = [a for a in argv[1:] if not (a.startswith("-") and len(a) > 1)]
    if not rest:
        return Out(
            stderr="Usage: grep [OPTION]... PATTERN [FILE]...\n"
            "Try `grep --help' for more information.\n",
            rc=2,
        )
    letters = "".join(f.lstrip("-") for f in flags if not f.startswith("--"))
    pattern, paths = rest[0], rest[1:]
    if "F" in letters:
        pattern = re.escape(pattern)
    elif "E" not in letters:
        pattern = bre_to_python(pattern)
    try:
        rx = re.compile(pattern, re.IGNORECASE if "i" in letters else 0)
    except re.error:
        return Out(stderr="grep: Invalid regular expression\n", rc=2)
    sources: list[tuple[str, str]] = []
    out = Out()
    if not paths:
        sources.append(("(standard input)", await stdin()))
    for path in paths:
        try:
            sources.append((path, m.vfs.read_text(path)))
        except VfsError as e:
            out.stderr += f"grep: {path}: {e.reason}\n"
    found = 0
    for path, text in sources:
        for line in text.splitlines():
            hit = bool(rx.search(line)) != ("v" in letters)
            if hit:
                found += 1
                if "q" not in letters and "c" not in letters:
                    out.stdout += (f"{path}:" if len(sources) > 1 else "") + line + "\n"
    if "c" in letters:
        out.stdout = f"{found}\n"
    if "q" in letters:
        out.stdout = ""
    out.rc = 0 if found else (2 if out.stderr else 1)
    return out


def bre_to_python(pattern: str) -> str:
    """POSIX basic regex: ( ) { } | + ? are literal unless backslashed (the reverse of Python)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "(){}|+?" else ch + nxt)
            i += 2
            continue
        out.append("\\" + ch if ch in "(){}|+?" else ch)
        i += 1
    return "".join(out)


async def ls(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    paths = [a for a in argv[1:] if not a.startswith("-")] or ["."]
    out = Out()
    for path in paths:
        target = "/root" if path == "." else path
        try:
            names = m.vfs.listdir(target)
        except VfsError as e:
            out.stderr += f"ls: {path}: {e.reason}\n"
            out.rc = 2
            continue
        if len(paths) > 1:
            out.stdout += f"{path}:\n"
        out.stdout += "".join(f"{n}\n" for n in names)
    return out


async def mkdir(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    parents = "-p" in argv[1:]
    out = Out()
    for path in (a for a in argv[1:] if not a.startswith("-")):
        if m.vfs.exists(path):
            if not parents:
                out.stderr += f"mkdir: cannot create directory `{path}': File exists\n"
                out.rc = 1
            continue
        try:
            m.vfs.mkdir(path, parents=parents)
        except VfsError as e:
            out.stderr += f"mkdir: cannot create directory `{path}': {e.reason}\n"
            out.rc = 1
    return out


async def hostname(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    return Out(stdout=m.hostname + "\n")


async def true(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    return Out()


async def false(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    return Out(rc=1)


COMMANDS: dict[str, Handler] = {
    "cat": cat,
    "cp": cp,
    "tee": tee,
    "echo": echo,
    "grep": grep,
    "ls": ls,
    "mkdir": mkdir,
    "hostname": hostname,
    "true": true,
    "false": false,
    **fileutils.COMMANDS,
}
