"""The guest image (kernel + initramfs), built from Debian's packages at first use and cached.

A build downloads ~70 MB and takes ~25 s, so it is done once per machine and kept in the user's
cache dir with a manifest (``image.json``) saying what it was built from. A cache whose manifest
is missing, unreadable, of an older format, or whose files are missing or cut short, is rebuilt:
the manifest is removed before files are replaced and written last, so a killed build never
leaves a cache that looks whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xentui.lab.streaming.media import media_path
from xentui.lab.vm.initramfs import build_initramfs, looped_media
from xentui.lab.vm.kernel import fetch_kernel
from xentui.lab.vm.parts import (
    BUSYBOX,
    VmLabUnavailable,
    check_disk_space,
    missing_parts,
    require,
)

__all__ = [
    "VmImage",
    "VmLabUnavailable",
    "cached_image",
    "default_cache_dir",
    "ensure_image",
    "missing_parts",
]

FORMAT = 1
"""Bump when the image's content changes (init script, layout): older caches are rebuilt."""
MANIFEST = "image.json"
KERNEL = "vmlinuz"
INITRD = "initrd.gz"

Progress = Callable[[str, float | None], None]


@dataclass(frozen=True, slots=True)
class VmImage:
    """A built guest: boot ``kernel`` with ``initrd``; it serves ``/<media_name>`` over HTTP."""

    kernel: Path
    initrd: Path
    kernel_package: str
    kernel_version: str
    media_name: str
    media_seconds: float
    built_from: dict[str, Any] = field(default_factory=dict)
    """The manifest as written: what a user or a bug report needs to know about this image."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/xentui/vm``, else ``~/.cache/xentui/vm``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xentui" / "vm"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def busybox_version() -> str:
    """The first line of busybox's own banner (``BusyBox v1.35.0 (Debian ...)``)."""
    done = subprocess.run([str(BUSYBOX)], capture_output=True, check=False, timeout=10)
    first = (done.stdout or done.stderr).decode(errors="replace").splitlines()
    return first[0].removesuffix(" multi-call binary.") if first else "unknown"


def _load(cache: Path, media_sha256: str) -> VmImage | None:
    """The cached image if its manifest is current and its files are whole, else None."""
    try:
        manifest = json.loads((cache / MANIFEST).read_text())
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            return None
        if manifest.get("media_sha256") != media_sha256:
            return None  # the lab's clip changed: the guest must serve the new one
        for name in (KERNEL, INITRD):
            if (cache / name).stat().st_size != manifest["sizes"][name]:
                return None
        return VmImage(
            kernel=cache / KERNEL,
            initrd=cache / INITRD,
            kernel_package=str(manifest["kernel_package"]),
            kernel_version=str(manifest["kernel_version"]),
            media_name=str(manifest["media_name"]),
            media_seconds=float(manifest["media_seconds"]),
            built_from=manifest,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cached_image(cache_dir: Path | None = None) -> VmImage | None:
    """The image in the cache if it is whole and current, without building (None otherwise)."""
    clip = media_path("video").read_bytes()
    return _load(cache_dir or default_cache_dir(), _sha256(clip))


@contextlib.asynccontextmanager
async def _locked(cache: Path) -> AsyncIterator[None]:
    """One build per cache dir at a time (the app and a test run may start together).

    Polled rather than blocking in a thread, so a cancelled wait leaves nothing behind; the
    lock goes with the file when a killed process's descriptors close.
    """
    with (cache / ".lock").open("a") as f:
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


async def _build(cache: Path, clip: bytes, media_name: str, progress: Progress) -> VmImage:
    require(["busybox", "apt"])
    check_disk_space(cache)
    for stale in cache.glob(".build-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=cache) as tmp:
        kernel = await fetch_kernel(Path(tmp), progress)
        progress("building the initramfs (busybox, e1000, media)", 0.7)
        media, seconds = looped_media(clip)
        initrd = await asyncio.to_thread(
            build_initramfs, BUSYBOX.read_bytes(), kernel.e1000, media_name, media
        )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "kernel_package": kernel.package,
        "kernel_version": kernel.version,
        "busybox_version": await asyncio.to_thread(busybox_version),
        "media_name": media_name,
        "media_sha256": _sha256(clip),
        "media_seconds": seconds,
        "sizes": {KERNEL: len(kernel.vmlinuz), INITRD: len(initrd)},
    }
    (cache / MANIFEST).unlink(missing_ok=True)  # from here on the cache is incomplete until...
    _write_atomic(cache / KERNEL, kernel.vmlinuz)
    _write_atomic(cache / INITRD, initrd)
    _write_atomic(cache / MANIFEST, json.dumps(manifest, indent=2).encode())  # ...this rename
    image = _load(cache, manifest["media_sha256"])
    assert image is not None, "the image just written does not load"
    progress(f"guest image ready ({kernel.package} {kernel.version})", 1.0)
    return image


async def ensure_image(
    *,
    cache_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> VmImage:
    """The cached guest image, built first if it is missing, stale or ``rebuild`` is asked.

    Raises ``VmLabUnavailable`` (one line: what is missing, how to get it) when it cannot build.
    """
    say: Progress = progress or (lambda _text, _fraction: None)
    cache = cache_dir or default_cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        why = f"cannot create the VM image cache {cache}: {err.strerror}"
        raise VmLabUnavailable(why) from None
    clip_path = media_path("video")
    clip = clip_path.read_bytes()
    async with _locked(cache):
        image = None if rebuild else _load(cache, _sha256(clip))
        if image is not None:
            say(f"guest image from the cache ({image.kernel_package})", 1.0)
            return image
        return await _build(cache, clip, clip_path.name, say)
