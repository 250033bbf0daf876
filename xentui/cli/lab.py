"""`xentui lab`: run the embedded lab in the foreground until Ctrl-C or SIGTERM.

It prints the lab file's path, one ``ssh`` command per host, and then ``ready: <lab file>`` once
every host answers `xm list` over SSH; `xentui demo` waits for that line, so keep it stable.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import shlex
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.cli import emit

if TYPE_CHECKING:
    from xentui.lab import Lab

READY_PREFIX = "ready: "


def add_parser(sub: argparse._SubParsersAction) -> None:
    from xentui.cli import vmlab

    p = sub.add_parser(
        "lab",
        help="run the embedded lab (simulated Xen hosts over SSH, a streaming guest)",
        description="Run simulated Xen hosts and the streaming guest on loopback until Ctrl-C.",
    )
    p.add_argument("--hosts", type=int, default=2, metavar="N", help="number of hosts (2)")
    p.add_argument(
        "--toolstack",
        default=None,
        metavar="xm|xl|virsh",
        help="toolstack of every host, or one per host, comma-separated (xm; virsh with --vm)",
    )
    p.add_argument(
        "--xm-version",
        default="3.0.3",
        metavar="V",
        help="Xen version whose xm layout and texts to serve (3.0.3)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start where the setup checklist begins (nothing prepared)",
    )
    p.add_argument("--speed", type=float, default=1.0, help="time factor for migrations (1.0)")
    p.add_argument("--link-mbit", type=float, default=100.0, help="link speed in Mbit/s (100)")
    p.add_argument("--media", choices=("video", "audio"), default="video", help="clip to stream")
    p.add_argument(
        "--config-out",
        metavar="FILE",
        help="also write the lab file here (with absolute paths); the lab's ports, keys and"
        " addresses are kept in FILE.state/ for the next start with the same FILE",
    )
    p.add_argument(
        "--state-dir",
        metavar="DIR",
        help="keep the lab's ports, keys and addresses in DIR: a start there takes them again",
    )
    vmlab.add_flags(
        p,
        "the real VM lab (root; QEMU and libvirt from Debian)",
        "real libvirt hosts and a real QEMU guest in a network namespace of the lab's own",
    )
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    if not 1 <= args.hosts <= 250:
        return f"--hosts {args.hosts}: expected 1 to 250"
    tools = args.toolstack.split(",")
    if not all(t in ("xm", "xl") for t in tools):
        return f"--toolstack {args.toolstack}: expected xm or xl (or a comma-separated list)"
    for flag, value in (("--speed", args.speed), ("--link-mbit", args.link_mbit)):
        if not (value > 0 and math.isfinite(value)):  # nan compares false with everything
            return f"{flag} {value}: --speed and --link-mbit must be greater than 0 and finite"
    from xentui.lab.xen.files import version_tuple

    v = version_tuple(args.xm_version)
    if not v or v < (3, 0) or v > (4, 4):
        return f"--xm-version {args.xm_version}: expected a Xen version from 3.0.0 to 4.4"
    return None


def run(args: argparse.Namespace) -> int:
    if args.vm:
        from xentui.cli import vmlab

        args.toolstack = args.toolstack or "virsh"
        return vmlab.run(args)
    args.toolstack = args.toolstack or "xm"
    problem = _check(args)
    if problem:
        emit(f"xentui lab: {problem}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:
        return 0


async def _serve(args: argparse.Namespace) -> int:
    from xentui.lab import Lab, LabOptions
    from xentui.lab.labfile import render_lab_file

    opts = LabOptions(
        hosts=args.hosts,
        toolstack=tuple(args.toolstack.split(",")),
        xm_version=args.xm_version,
        fresh=args.fresh,
        speed=args.speed,
        link_mbit=args.link_mbit,
        media=args.media,
        keep_state=state_dir(args) is not None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    folder = state_dir(args)
    if args.config_out and not Path(args.config_out).expanduser().resolve().parent.is_dir():
        # said before the start: its FILE.state folder must not create the missing folder
        missing = Path(args.config_out).expanduser().resolve()
        emit(f"xentui lab: --config-out {missing}: No such file or directory", file=sys.stderr)
        return 2
    lab = Lab(opts, workdir=folder)
    try:
        try:
            await lab.start()  # a failed start closes what it opened
        except ValueError as exc:  # e.g. a folder name the lab file cannot hold
            emit(f"xentui lab: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # the state folder cannot be made or written
            emit(f"xentui lab: {folder}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        async with _closing(lab):
            _say_state(lab)
            path = lab.config_path
            if args.config_out:
                path = Path(args.config_out).expanduser().resolve()
                try:
                    path.write_text(render_lab_file(lab, absolute=True), encoding="utf-8")
                except (OSError, ValueError) as exc:
                    why = exc.strerror if isinstance(exc, OSError) else str(exc)
                    emit(f"xentui lab: --config-out {path}: {why}", file=sys.stderr)
                    return 2
            emit(f"lab file: {path}")
            for name in lab.host_names:
                emit(
                    f"  {name}: "
                    + shlex.join(
                        [
                            "ssh",
                            "-p",
                            str(lab.ssh_port(name)),
                            "-i",
                            str(lab.client_key_path),
                            "-o",
                            f"UserKnownHostsFile={lab.known_hosts_path}",
                            "root@127.0.0.1",
                            lab.host(name).toolstack,
                            "list",
                        ]
                    )
                )
            emit(f"  guest stream: {lab.guest_url}")
            await _all_answer(lab)
            emit(f"{READY_PREFIX}{path}", flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    emit("lab stopped", flush=True)
    return 0


def state_dir(args: argparse.Namespace) -> Path | None:
    """Where the lab keeps its state: --state-dir, else FILE.state beside --config-out FILE."""
    if args.state_dir:
        return Path(args.state_dir).expanduser().resolve()
    if args.config_out:
        out = Path(args.config_out).expanduser().resolve()
        return out.with_name(out.name + ".state")
    return None


def _say_state(lab: Lab) -> None:
    """One line on what this start kept of the last one, and one per thing it could not keep."""
    if not lab.options.keep_state:
        return
    state = lab.state
    if not state.resumed:
        emit(f"state: {state.folder} (kept for the next start)")
    elif not state.notes:
        emit(f"state: {state.folder} (the same addresses, ports and keys as the last start)")
    for note in state.notes:
        emit(f"state: {note}")


@contextlib.asynccontextmanager
async def _closing(lab: Lab) -> AsyncIterator[Lab]:
    try:
        yield lab
    finally:
        await lab.close()


async def _all_answer(lab: Lab) -> None:
    """Every host runs its list command over real SSH before the lab calls itself ready."""
    import asyncssh

    async def one(name: str) -> None:
        async with asyncssh.connect(
            "127.0.0.1",
            lab.ssh_port(name),
            username="root",
            client_keys=[str(lab.client_key_path)],
            known_hosts=str(lab.known_hosts_path),
        ) as conn:
            await conn.run(f"{lab.host(name).toolstack} list", check=True)

    await asyncio.gather(*(one(n) for n in lab.host_names))
