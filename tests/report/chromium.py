"""Headless Chromium for the page tests: Debian's ``chromium``, one throwaway profile a run."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from tests.need import missing

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        missing("chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
    return found


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="xentui-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def dump_dom(url: str, wait_ms: int = 0) -> str:
    extra = (f"--virtual-time-budget={wait_ms}",) if wait_ms else ()
    return run(*extra, "--dump-dom", url).stdout


def screenshot(url: str, png: Path, size: str = "1280,1600") -> None:
    run(f"--screenshot={png}", f"--window-size={size}", "--hide-scrollbars", url)


def png_colours(png: Path) -> int:
    """How many distinct byte values the image's pixels hold: 1 (or 2: the filter byte) is blank."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))
