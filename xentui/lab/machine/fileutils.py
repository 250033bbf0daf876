"""The coreutils a fix uses to replace a file whole: mktemp, stat, chown, chmod, mv, rm.

A fix writes the new text to a temporary file beside the old one, gives it the old one's owner
and mode, and renames it into place (see `xentui.setup.writes`); these answer as GNU coreutils
5.97 (RHEL 5) does, with its `quotes', over the virtual files and their owners and modes.
"""

from __future__ import annotations

import posixpath
import re
import secrets
import string

from xentui.lab.machine.shell import Handler, Machine, Out, Stdin
from xentui.lab.machine.vfs import Meta, VfsError

_USERS = {"root": 0}
_ALPHABET = string.ascii_letters + string.digits


def _usage(tool: str, what: str = "missing operand") -> Out:
    return Out(stderr=f"{tool}: {what}\nTry `{tool} --help' for more information.\n", rc=1)


def _split(argv: list[str]) -> tuple[list[str], list[str]]:
    """Options and operands; ``--`` ends the options."""
    opts: list[str] = []
    args: list[str] = []
    rest = iter(argv[1:])
    for a in rest:
        if a == "--":
            args.extend(rest)
        elif a.startswith("-") and len(a) > 1:
            opts.append(a)
        else:
            args.append(a)
    return opts, args


async def mktemp(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    opts, args = _split(argv)
    template = args[0] if args else "/tmp/tmp.XXXXXXXXXX"
    xs = len(template) - len(template.rstrip("X"))
    if xs < 3:
        return Out(stderr=f"mktemp: too few X's in template `{template}'\n", rc=1)
    for _ in range(100):
        name = template[:-xs] + "".join(secrets.choice(_ALPHABET) for _ in range(xs))
        if m.vfs.exists(name):
            continue
        try:
            if "-d" in opts:
                m.vfs.mkdir(name, parents=False)
            else:
                m.vfs.write(name, "")
                m.vfs.set_meta(name, Meta(mode=0o600))  # mkstemp: only its owner may read it
        except VfsError as e:
            why = f"failed to create {'directory' if '-d' in opts else 'file'} via template"
            return Out(stderr=f"mktemp: {why} `{template}': {e.reason}\n", rc=1)
        return Out(stdout=name + "\n")
    return Out(stderr=f"mktemp: cannot create a unique name from `{template}'\n", rc=1)


def _format(fmt: str, path: str, meta: Meta, size: int, is_dir: bool) -> str:
    names = {v: k for k, v in _USERS.items()}
    fields = {
        "a": f"{meta.mode:o}",
        "u": str(meta.uid),
        "g": str(meta.gid),
        "U": names.get(meta.uid, "UNKNOWN"),
        "G": names.get(meta.gid, "UNKNOWN"),
        "n": path,
        "s": str(size),
        "F": "directory" if is_dir else "regular file",
        "%": "%",
    }
    return re.sub(r"%(.)", lambda mt: fields.get(mt.group(1), "?"), fmt)


async def stat(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    fmt = "  File: `%n'\n  Size: %s\nAccess: (%a)  Uid: (%u/%U)  Gid: (%g/%G)"
    words = argv[1:]
    args: list[str] = []
    while words:
        w = words.pop(0)
        if w == "-c" and words:
            fmt = words.pop(0)
        elif w.startswith("--format="):
            fmt = w.split("=", 1)[1]
        elif w.startswith("-") and len(w) > 1:
            return _usage("stat", f"invalid option -- {w.lstrip('-')[:1]}")
        else:
            args.append(w)
    if not args:
        return _usage("stat")
    out = Out()
    for path in args:
        try:
            meta, is_dir = m.vfs.stat(path), m.vfs.is_dir(path)
            size = 0 if is_dir else m.vfs.size(path)
        except VfsError as e:
            out.stderr += f"stat: cannot stat `{path}': {e.reason}\n"
            out.rc = 1
            continue
        out.stdout += _format(fmt, path, meta, size, is_dir) + "\n"
    return out


def _reference(tool: str, opts: list[str], m: Machine) -> Meta | Out | None:
    """The ``--reference=FILE`` file's owner and mode; None without one; an Out on an error."""
    for o in opts:
        if o.startswith("--reference="):
            ref = o.split("=", 1)[1]
            try:
                return m.vfs.stat(ref)
            except VfsError as e:
                return Out(
                    stderr=f"{tool}: failed to get attributes of `{ref}': {e.reason}\n", rc=1
                )
    return None


def _id(word: str) -> int | None:
    return int(word) if word.isdigit() else _USERS.get(word)


async def _change(tool: str, m: Machine, argv: list[str]) -> Out:
    opts, args = _split(argv)
    ref = _reference(tool, opts, m)
    if isinstance(ref, Out):
        return ref
    if len(args) < (1 if ref is not None else 2):
        return _usage(tool) if not args else _usage(tool, f"missing operand after `{args[-1]}'")
    spec, files = ("", args) if ref is not None else (args[0], args[1:])
    out = Out()
    for path in files:
        try:
            old = m.vfs.stat(path)
        except VfsError as e:
            out.stderr += f"{tool}: cannot access `{path}': {e.reason}\n"
            out.rc = 1
            continue
        new = _changed(tool, old, ref, spec)
        if isinstance(new, str):
            return Out(stderr=new, rc=1)
        m.vfs.set_meta(path, new)
    return out


def _changed(tool: str, old: Meta, ref: Meta | None, spec: str) -> Meta | str:
    """The new owner or mode, or the error line for a spec GNU would refuse."""
    if tool == "chmod":
        if ref is not None:
            return Meta(old.uid, old.gid, ref.mode)
        if not re.fullmatch(r"[0-7]{1,4}", spec):
            return f"chmod: invalid mode: `{spec}'\n"
        return Meta(old.uid, old.gid, int(spec, 8))
    if ref is not None:
        return Meta(ref.uid, ref.gid, old.mode & 0o1777)  # chown clears set-user/group-ID
    user, _, group = spec.partition(":") if ":" in spec else spec.partition(".")
    uid = old.uid if user == "" else _id(user)
    gid = old.gid if group == "" else _id(group)
    if uid is None:
        return f"chown: invalid user: `{spec}'\n"
    if gid is None:
        return f"chown: invalid group: `{spec}'\n"
    return Meta(uid, gid, old.mode & 0o1777)


async def chmod(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    return await _change("chmod", m, argv)


async def chown(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    return await _change("chown", m, argv)


async def mv(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    """rename(2): the file keeps its owner and mode, and a reader sees the old or the new."""
    _, args = _split(argv)
    if len(args) < 2:
        if not args:
            return _usage("mv", "missing file operand")
        return _usage("mv", f"missing destination file operand after `{args[0]}'")
    dst = args[-1]
    out = Out()
    for src in args[:-1]:
        target = posixpath.join(dst, posixpath.basename(src)) if m.vfs.is_dir(dst) else dst
        try:
            m.vfs.stat(src)
        except VfsError as e:
            out.stderr += f"mv: cannot stat `{src}': {e.reason}\n"
            out.rc = 1
            continue
        try:
            m.vfs.rename(src, target)
        except VfsError as e:
            out.stderr += f"mv: cannot move `{src}' to `{target}': {e.reason}\n"
            out.rc = 1
    return out


async def rm(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    opts, args = _split(argv)
    force = any(o == "--force" or (not o.startswith("--") and "f" in o) for o in opts)
    if not args and not force:
        return _usage("rm")
    out = Out()
    for path in args:
        try:
            m.vfs.remove(path)
        except VfsError as e:
            if force and e.reason != "Is a directory":
                continue
            out.stderr += f"rm: cannot remove `{path}': {e.reason}\n"
            out.rc = 1
    return out


COMMANDS: dict[str, Handler] = {
    "mktemp": mktemp,
    "stat": stat,
    "chmod": chmod,
    "chown": chown,
    "mv": mv,
    "rm": rm,
}
