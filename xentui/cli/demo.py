"""`xentui demo`: the embedded lab in a child process and the app on it, in one command.

The lab runs as another process, as if it were other machines: the app reaches it only over SSH
and HTTP, and the lab's migration traffic never competes with the UI's event loop.
"""

from __future__ import annotations

import argparse
import math
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from xentui.cli import emit
from xentui.cli.app import add_theme_flag
from xentui.cli.recording import add_flags as add_record_flags

READY = "ready: "
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0


def add_parser(sub: argparse._SubParsersAction) -> None:
    from xentui.cli import vmlab

    p = sub.add_parser(
        "demo",
        help="start the embedded lab and the app on it (no set-up needed)",
        description="Start the embedded lab (simulated Xen hosts over real SSH, a streaming "
        "guest) in a child process, open the app on it, and stop the lab on exit.",
    )
    p.add_argument("--fresh", action="store_true", help="start from un-configured hosts")
    p.add_argument("--speed", type=positive, help="lab time speed-up (migrations run faster)")
    p.add_argument("--link-mbit", type=positive, help="the simulated link between the hosts")
    p.add_argument(
        "--toolstack",
        choices=("xm", "xl", "virsh"),
        help="the hosts' toolstack (xm; virsh with --vm, where xm and xl drive QEMU directly)",
    )
    vmlab.add_flags(
        p,
        "a real guest (root; QEMU and libvirt from Debian's packages)",
        "real libvirt hosts and a real Linux guest under QEMU, live-migrated for real",
    )
    add_record_flags(p)
    add_theme_flag(p)
    p.set_defaults(func=run)


def positive(text: str) -> float:
    """A flag's number, refused here in one line before a lab starts (nan and inf included)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number greater than 0, got {text!r}")
    return value


def lab_argv(args: argparse.Namespace, config_out: Path) -> list[str]:
    """The child's command line: `python -m xentui lab --config-out F` + the pass-through flags."""
    argv = [sys.executable, "-m", "xentui", "lab", "--config-out", str(config_out)]
    if args.fresh:
        argv.append("--fresh")
    for flag, value in (
        ("--speed", args.speed),
        ("--link-mbit", args.link_mbit),
        ("--toolstack", args.toolstack),
    ):
        if value is not None:
            argv += [flag, str(value)]
    return argv


def wait_ready(child: subprocess.Popen[bytes], log: Path, timeout: float) -> Path | str:
    """The lab file the child announces with ``ready: <file>``, or why it never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        for line in text.splitlines():
            if line.startswith(READY):
                return Path(line[len(READY) :].strip())
        if child.poll() is not None:
            tail = " / ".join(text.strip().splitlines()[-3:]) or "no output"
            return f"the lab stopped (exit {child.returncode}) before it was ready: {tail}"
        time.sleep(0.1)
    return f"the lab was not ready within {timeout:g} s (its output: {log})"


def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def spawn_lab(
    argv_for: Callable[[Path], list[str]], prefix: str
) -> tuple[Path, Path, subprocess.Popen[bytes]]:
    """The lab as a child whose output goes to a file (the terminal belongs to the app), in a
    fresh folder; from here on a closed terminal (SIGHUP) or a kill (SIGTERM) raises SystemExit,
    so the caller's ``finally`` still stops the lab and removes its files."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    log = workdir / "lab.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            argv_for(workdir / "xentui.toml"),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return workdir, log, child


def run(args: argparse.Namespace) -> int:
    if args.vm:
        from xentui.cli import vmlab

        if args.fresh or args.speed is not None:
            emit(
                "xentui demo: --vm runs a real guest in real time: "
                "--fresh and --speed are for the simulated lab",
                file=sys.stderr,
            )
            return 2
        return vmlab.demo(args)
    from xentui.cli.app import start
    from xentui.config import ConfigError, load_config

    workdir, log, child = spawn_lab(lambda out: lab_argv(args, out), "xentui-demo-")
    try:
        ready = wait_ready(child, log, READY_TIMEOUT_S)
        if isinstance(ready, str):
            emit(f"xentui demo: {ready}", file=sys.stderr)
            if child.poll() is not None:  # its last lines were shown: nothing left to read
                shutil.rmtree(workdir, ignore_errors=True)
            return 1
        try:
            config = load_config(ready)
        except ConfigError as exc:
            emit(f"xentui demo: the lab wrote a bad lab file: {exc}", file=sys.stderr)
            return 1
        code = start(config, args=args)
    except KeyboardInterrupt:
        code = 130
    except SystemExit as exc:
        code = int(exc.code or 1)
    finally:
        stop(child)
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when the lab never became ready
    return code
