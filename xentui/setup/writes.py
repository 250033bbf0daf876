"""Replacing a host's file whole: a reader, a cancel or a lost link sees the old text or the new.

``tee FILE`` empties FILE before the new text arrives, so a fix stopped in that moment (Esc,
Ctrl-C, a dropped connection) left it empty or cut short. Here the text goes to a temporary
file beside FILE (the same directory, so the rename is one ``rename(2)``), which takes FILE's
owner and mode before ``mv`` puts it in place. Each step is one argv with the text on stdin (no
shell string), so the same sequence runs under ``sudo -n``, on RHEL 5 (coreutils 5.97) and on
busybox, whose chown and chmod have no ``--reference``: ``stat -c`` reads the owner and mode.

    stat -c %u:%g:%a FILE           owner and mode; "No such file": a new file
    mktemp FILE.xentui-tmp.XXXXXX   created 0600 where FILE is
    tee TMP  < the new text         only the temporary file is ever half-written
    chown UID:GID TMP               before chmod: chown clears set-user-ID bits
    chmod MODE TMP                  a new file: 0644, owned by whoever runs it (root for a fix)
    mv -f TMP FILE

A host without mktemp (older than RHEL 5) gets a name chosen here, made empty and 0600 before
the text goes in. A failed step removes the temporary file; a lost connection may leave it.
"""

from __future__ import annotations

import contextlib
import re

from xentui.remote.base import HostUnreachable
from xentui.setup.context import Context

NEW_FILE_MODE = "644"
TEMP_MARK = ".xentui-tmp"
_STAT = re.compile(r"(\d+):(\d+):([0-7]{1,4})")


class WriteFailed(Exception):
    """A step of the replacement failed; the words say which and that the file is as it was."""


async def free_name(ctx: Context, host: str, path: str) -> str:
    """``path``, or ``path.N`` when a file already has that name (an earlier fix's backup)."""
    name, n = path, 1
    while await ctx.read_file(host, name) is not None:
        name, n = f"{path}.{n}", n + 1
    return name


async def replace_file(ctx: Context, host: str, path: str, text: str, *, stamp: str) -> None:
    """``path`` on ``host`` holds ``text`` afterwards, with its owner and mode; raises
    WriteFailed (nothing changed) or HostUnreachable (old or new text, whole, either way)."""
    text.encode()  # text no channel can carry fails here, before anything exists on the host
    owner_mode = await _owner_mode(ctx, host, path)
    tmp = await _temp(ctx, host, path, stamp)
    try:
        res = await ctx.run(host, ["tee", tmp], input=text)
        if not res.ok:
            raise WriteFailed(f"writing {tmp} on {host} failed: {res.output or res.exit_status}")
        if not res.truncated and res.stdout != text:  # tee echoes what it wrote
            raise WriteFailed(f"{tmp} on {host} did not receive the whole text")
        owner, mode = owner_mode or (None, NEW_FILE_MODE)
        steps = [["chown", owner, tmp]] if owner else []
        for argv in [*steps, ["chmod", mode, tmp], ["mv", "-f", tmp, path]]:
            res = await ctx.run(host, argv)
            if not res.ok:
                words = res.output or f"exit status {res.exit_status}"
                raise WriteFailed(f"`{' '.join(argv)}` failed on {host}: {words}")
    except HostUnreachable:
        raise
    except Exception:
        with contextlib.suppress(Exception):
            await ctx.run(host, ["rm", "-f", tmp])
        raise


async def _owner_mode(ctx: Context, host: str, path: str) -> tuple[str, str] | None:
    """``("UID:GID", "MODE")`` of the file, or None when it does not exist yet."""
    res = await ctx.run(host, ["stat", "-c", "%u:%g:%a", path])
    if res.ok and (m := _STAT.fullmatch(res.stdout.strip())):
        return f"{m[1]}:{m[2]}", m[3]
    if not res.ok and "No such file" in res.output:
        return None
    words = res.output or f"exit status {res.exit_status}"
    raise WriteFailed(f"cannot read the owner and mode of {path} on {host}: {words}")


async def _temp(ctx: Context, host: str, path: str, stamp: str) -> str:
    """A new empty file only its owner can read, beside ``path``."""
    res = await ctx.run(host, ["mktemp", f"{path}{TEMP_MARK}.XXXXXX"])
    name = res.stdout.strip()
    if res.ok and name.startswith(f"{path}{TEMP_MARK}.") and "\n" not in name:
        return name
    if res.exit_status != 127:
        words = res.output or f"exit status {res.exit_status}"
        raise WriteFailed(f"mktemp beside {path} on {host} failed: {words}")
    name = await free_name(ctx, host, f"{path}{TEMP_MARK}-{stamp}")  # no mktemp on this host
    for argv, given in ((["tee", name], ""), (["chmod", "600", name], None)):
        res = await ctx.run(host, argv, input=given)
        if not res.ok:
            with contextlib.suppress(Exception):
                await ctx.run(host, ["rm", "-f", name])
            words = res.output or f"exit status {res.exit_status}"
            raise WriteFailed(f"`{' '.join(argv)}` failed on {host}: {words}")
    return name
