"""The lab as `xentui demo` runs it: a child process (`xentui lab --config-out F`), which a test
may stop (SIGSTOP), continue or kill like a presenter's crashed or frozen lab."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

from xentui.cli import demo
from xentui.config import LabConfig, load_config

READY_S = 60.0


@contextlib.asynccontextmanager
async def lab_child(
    tmp_path: Path, *, link_mbit: float | None = None
) -> AsyncIterator[tuple[subprocess.Popen[bytes], LabConfig]]:
    """Start the child with demo's own command line; yields it and its lab file's config."""
    args = argparse.Namespace(fresh=False, speed=None, link_mbit=link_mbit, toolstack=None)
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            demo.lab_argv(args, tmp_path / "xentui.toml"),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        ready = await asyncio.to_thread(demo.wait_ready, child, log, READY_S)
        assert isinstance(ready, Path), ready
        yield child, load_config(ready)
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGCONT)  # a stopped child cannot act on its kill
            child.kill()
        await asyncio.to_thread(child.wait)
