"""`xentui lab --vm` as a child process, for the callers that watch it from outside: the tests and
the benchmark (`xentui demo --vm` has its own loop, which also shows the stages)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_S = 240.0


@dataclass(frozen=True)
class VmLabChild:
    proc: subprocess.Popen[bytes]
    config_path: Path
    netns: str
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")


class VmLabFailed(Exception):
    """The lab stopped or never became ready: its own output says why."""


@contextlib.contextmanager
def vm_lab_child(
    workdir: Path, *flags: str, ready_timeout: float = READY_TIMEOUT_S
) -> Iterator[VmLabChild]:
    """Start the lab, wait for ``ready:``, and stop it (SIGTERM, then SIGKILL) on the way out."""
    log, config = workdir / "lab.log", workdir / "xentui.toml"
    argv = [sys.executable, "-m", "xentui", "lab", "--vm", "--config-out", str(config), *flags]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + ready_timeout
        while "ready: " not in (text := log.read_text(errors="replace")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise VmLabFailed(f"xentui lab --vm did not start: {text.strip()[-2000:]}")
            time.sleep(0.2)
        name = next(ln.split()[1] for ln in text.splitlines() if ln.startswith("netns: "))
        yield VmLabChild(proc, config, name, log)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
