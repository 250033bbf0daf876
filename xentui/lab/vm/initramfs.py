"""The guest's initramfs: a static busybox, an ``/init`` script, the e1000 driver and the media.

Packed here in pure Python (the newc cpio format and gzip) so the build needs no ``cpio`` package
and no root: the ``/dev/console`` node the kernel opens for ``/init`` is written into the archive
rather than created with mknod. The whole guest lives in RAM, so a migration moves the media too.
"""

from __future__ import annotations

import gzip
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from xentui.lab.streaming.media import ChainedLoop, split_pages

APPEND = "console=ttyS0 quiet panic=-1 rdinit=/init"
"""The kernel command line: console on the serial file, our /init, quit QEMU on a panic."""
READY_MARKER = "XENTUI-GUEST-READY"
"""Printed on the serial console once the guest's HTTP server listens."""
GUEST_ADDRESS = "10.0.2.15"
GATEWAY = "10.0.2.1"
HTTP_PORT = 8888
MEDIA_MIN_SECONDS = 240.0
"""A whole demo (boot, probing, several migrations) must never reach the media's end."""

INIT_SCRIPT = f"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
insmod /lib/e1000.ko
ip link set lo up
ip addr add {GUEST_ADDRESS}/24 dev eth0
ip link set eth0 up
ip route add default via {GATEWAY}
n=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $n -lt 100 ]; do
    usleep 100000
    n=$((n + 1))
done
httpd -f -p {HTTP_PORT} -h /www &
echo {READY_MARKER}
while :; do sleep 3600; done
"""
"""PID 1 must never exit (the kernel would panic and QEMU, with -no-reboot, quit)."""

_NEWC = "070701" + "%08X" * 13


@dataclass(frozen=True, slots=True)
class Entry:
    """One file, directory or character device in the archive (name relative to the root)."""

    name: str
    mode: int
    data: bytes = b""
    rdev: tuple[int, int] = (0, 0)


def _pad(n: int) -> bytes:
    return b"\0" * (-n % 4)


def cpio_newc(entries: list[Entry]) -> bytes:
    """The entries as a newc ("070701") cpio archive, as the kernel's initramfs unpacker reads."""
    out = bytearray()
    for ino, entry in enumerate([*entries, Entry("TRAILER!!!", 0)], start=1):
        if not entry.name or entry.name.startswith("/") or "\0" in entry.name:
            raise ValueError(f"bad cpio member name {entry.name!r}: relative, non-empty, no NUL")
        name = entry.name.encode() + b"\0"
        nlink = 2 if stat.S_ISDIR(entry.mode) else 1
        fields = (ino, entry.mode, 0, 0, nlink, 0, len(entry.data), 0, 0, *entry.rdev)
        header = (_NEWC % (*fields, len(name), 0)).encode()
        out += header + name + _pad(len(header) + len(name))
        out += entry.data + _pad(len(entry.data))
    return bytes(out)


def clip_seconds(clip: bytes) -> float:
    """The clip's length from its Vorbis stream: last granule position / sample rate.

    The lab may not use the probe's Ogg clock (layering), and the image must state its media's
    length; every shipped clip carries Vorbis audio, whose granule counts samples.
    """
    rate, serial, last = 0, None, 0
    for off, _ in split_pages(clip):
        page_serial, granule = struct.unpack_from("<I", clip, off + 14)[0], 0
        nseg = clip[off + 26]
        body = clip[off + 27 + nseg : off + 27 + nseg + 30]
        if clip[off + 5] & 0x02 and body[:7] == b"\x01vorbis":
            serial, rate = page_serial, struct.unpack_from("<I", body, 12)[0]
        if page_serial == serial:
            granule = struct.unpack_from("<q", clip, off + 6)[0]
            last = max(last, granule)
    if not rate:
        raise ValueError("the clip has no Vorbis stream to take its length from")
    return last / rate


def looped_media(clip: bytes, min_seconds: float = MEDIA_MIN_SECONDS) -> tuple[bytes, float]:
    """The clip chained until it lasts ``min_seconds``: (bytes, seconds).

    Each copy is a new link with fresh serial numbers and recomputed CRCs (``ChainedLoop``):
    plain concatenation would repeat serials in one physical stream, which Ogg forbids.
    """
    one = clip_seconds(clip)
    copies = max(1, -int(-min_seconds // one))
    loop = ChainedLoop(clip)
    return b"".join(loop.link(n) for n in range(copies)), copies * one


def build_initramfs(busybox: bytes, e1000: bytes, media_name: str, media: bytes) -> bytes:
    """The gzipped initramfs (gzip level 1: the kernel unpacks it in TCG, where speed matters)."""
    directory = stat.S_IFDIR | 0o755
    entries = [
        *(Entry(d, directory) for d in ("bin", "dev", "lib", "proc", "sys", "tmp", "www")),
        Entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
        Entry("bin/busybox", stat.S_IFREG | 0o755, busybox),
        Entry("init", stat.S_IFREG | 0o755, INIT_SCRIPT.encode()),
        Entry("lib/e1000.ko", stat.S_IFREG | 0o644, e1000),
        Entry(f"www/{Path(media_name).name}", stat.S_IFREG | 0o644, media),
    ]
    return gzip.compress(cpio_newc(entries), compresslevel=1, mtime=0)
