"""Commands inside the guest for setup steps 8-9: gnump3d, wget of the media, pgrep/pkill."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from xentui.lab.machine.shell import Handler, Machine, Out, Stdin
from xentui.lab.machine.vfs import VfsError
from xentui.lab.streaming.guest import MEDIA_DIR, MEDIA_NAME

if TYPE_CHECKING:
    from xentui.lab.lab import Lab

GNUMP3D_PID = 2817


async def gnump3d(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab: Lab = m.state
    guest = lab.guest
    if guest.gnump3d_running:
        return Out(stderr="Cannot bind to port 8888: Address already in use\n", rc=1)
    if not guest.vfs.is_dir(MEDIA_DIR):
        return Out(
            stderr=f"The root directory you've specified, '{MEDIA_DIR}', does not exist.\n", rc=1
        )
    if not guest.media_present:
        return Out(
            stderr=f"No audio files found beneath '{MEDIA_DIR}': put {MEDIA_NAME} there first.\n",
            rc=1,
        )
    try:
        await guest.start_gnump3d()
    except (OSError, ValueError) as e:
        return Out(stderr=f"gnump3d: cannot serve {MEDIA_DIR}/{MEDIA_NAME}: {e}\n", rc=1)
    return Out(
        stdout="\nGNUMP3d v2.9.9.9 - by Steve Kemp\n\n"
        f"Serving files beneath {MEDIA_DIR} on port 8888\n"
    )


async def pgrep(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab: Lab = m.state
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        return Out(stderr="pgrep: no matching criteria specified\n", rc=2)
    if names[0] in "gnump3d" and lab.guest.gnump3d_running:
        return Out(stdout=f"{GNUMP3D_PID}\n")
    return Out(rc=1)


async def pkill(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab: Lab = m.state
    names = [a for a in argv[1:] if not a.startswith("-")]
    if names and names[0] in "gnump3d" and lab.guest.gnump3d_running:
        stream = lab.guest.stream
        assert stream is not None
        lab.guest.old_halts.extend(stream.halts)
        lab.guest.stream = None
        await stream.close()
        return Out()
    return Out(rc=1)


async def wget(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    """Served from the lab's own copy of the media: the guest has no real network."""
    lab: Lab = m.state
    args, out_path = argv[1:], None
    urls = []
    i = 0
    while i < len(args):
        if args[i] == "-O" and i + 1 < len(args):
            out_path, i = args[i + 1], i + 2
            continue
        if args[i].startswith("-O") and len(args[i]) > 2:
            out_path = args[i][2:]
        elif not args[i].startswith("-"):
            urls.append(args[i])
        i += 1
    if not urls:
        return Out(
            stderr="wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\n"
            "Try `wget --help' for more options.\n",
            rc=1,
        )
    url = urls[0]
    parts = urlsplit(url)
    stamp = time.strftime("%H:%M:%S")
    if parts.scheme not in ("http", "https", "ftp") or not parts.hostname:
        return Out(stderr=f"{url}: Unsupported scheme.\n", rc=1)
    name = parts.path.rsplit("/", 1)[-1] or "index.html"
    target = out_path or name
    head = f"--{stamp}--  {url}\n           => `{target}'\n"
    head += f"Resolving {parts.hostname}... 10.0.0.1\n"
    head += f"Connecting to {parts.hostname}|10.0.0.1|:{parts.port or 80}... connected.\n"
    head += "HTTP request sent, awaiting response... "
    if not name.endswith(".ogg"):
        return Out(stderr=head + f"404 Not Found\n{stamp} ERROR 404: Not Found.\n\n", rc=1)
    data = lab.guest.media.read_bytes()
    try:
        m.vfs.write(target, data)
    except VfsError as e:
        return Out(stderr=head + f"200 OK\n{target}: {e.reason}\n", rc=1)
    n = len(data)
    body = (
        f"200 OK\nLength: {n:,} ({n // 1024}K) [application/ogg]\n\n"
        f"100%[=======================================>] {n:,}  --.--K/s\n\n"
        f"{stamp} (9.54 MB/s) - `{target}' saved [{n}/{n}]\n\n"
    )
    return Out(stderr=head + body)


COMMANDS: dict[str, Handler] = {"gnump3d": gnump3d, "pgrep": pgrep, "pkill": pkill, "wget": wget}
