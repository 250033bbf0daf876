"""Reading a file the user named by path: a regular file only, and only up to a cap (issue 10.8).

A FIFO given as the lab file hung ``xentui list`` (a read blocks until a writer comes), and
``/dev/zero`` read "to the end" ran out of memory. Every file xentui reads by a path from the
command line, a lab file or ``~/.ssh/config`` goes through here: the kind is checked with
``stat`` before it is opened (opening some devices acts), opened non-blocking and checked again
on the descriptor (the name may have changed in between), then read up to its cap plus one byte,
so a file that grows while read is still refused. The reasons are one line each.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

LAB_FILE_MAX = 1 << 20
"""A lab file is a few hosts' worth of TOML: 1 MiB is far beyond any real one."""
KNOWN_HOSTS_MAX = 16 << 20
"""known_hosts holds a line per host key: 16 MiB is some 30,000 hosts."""
IDENTITY_MAX = 1 << 20
"""A private key (RSA 16384 bits, PEM) is under 20 kB."""

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(ValueError):
    """The path is not a regular file, or is larger than its cap: ``str()`` is the reason;
    ``kind`` is what it is instead ("a FIFO"), or "" when it is a regular file too large."""

    def __init__(self, reason: str, kind: str = "") -> None:
        super().__init__(reason)
        self.kind = kind


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n} bytes"


def _check(mode: int, size: int, cap: int, what: str) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise FileRefused(f"not a regular file ({kind})", kind)
    if size > cap:
        raise FileRefused(f"too large: {size} bytes, {what} is at most {_size(cap)}")


def check_regular(path: Path, cap: int, what: str) -> None:
    """Refuse ``path`` (symlinks followed) unless a regular file of at most ``cap`` bytes;
    for files another library reads (an identity file, which asyncssh opens)."""
    st = path.stat()
    _check(st.st_mode, st.st_size, cap, what)


def read_regular(path: Path, cap: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``cap`` bytes; else FileRefused.

    ``what`` names the file in the size reason ("a lab file"). OSError passes through
    (no such file, permission denied).
    """
    check_regular(path, cap, what)  # before open: a FIFO's open would block, a device's act
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)  # the file opened, which a rename may have swapped since the stat
        _check(st.st_mode, st.st_size, cap, what)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 16))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > cap:  # it grew while read
        raise FileRefused(f"too large: over {cap} bytes, {what} is at most {_size(cap)}")
    return data
