"""`xentui lab --vm`: the real VM lab in the foreground until Ctrl-C, SIGTERM or a part's crash.

Its output keeps `xentui lab`'s (contract 3 in docs/ARCHITECTURE.md: ``ready: <lab file>``
last, `xentui demo` waits for it) and adds ``progress: <stage> [NN%]`` lines while it builds and
boots, and ``netns: <name>``, the namespace a client must join to reach the hosts and the guest's
stream.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shlex
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.cli import emit
from xentui.cli.lab import READY_PREFIX

if TYPE_CHECKING:
    from xentui.lab.vm.vmlab import VmLab

PROGRESS_PREFIX = "progress: "
NETNS_PREFIX = "netns: "


def add_flags(p: argparse.ArgumentParser, title: str, vm_help: str) -> None:
    """``--vm``, ``--rebuild`` and ``--vm-mem``, the same on `xentui lab` and `xentui demo`."""
    vm = p.add_argument_group(title)
    vm.add_argument("--vm", action="store_true", help=vm_help)
    vm.add_argument("--rebuild", action="store_true", help="rebuild the cached guest image")
    vm.add_argument("--vm-mem", type=int, default=128, metavar="MIB", help="guest memory (128)")


def check(args: argparse.Namespace) -> str | None:
    """The flags' refusal in one line, before anything is started."""
    if args.toolstack not in ("virsh", "xm", "xl"):
        return f"--vm --toolstack {args.toolstack}: the real VM lab serves virsh, xm or xl"
    from xentui.lab.xen.files import version_tuple

    v = version_tuple(args.xm_version)
    if not v or v < (3, 0) or v > (4, 4):
        return f"--xm-version {args.xm_version}: expected a Xen version from 3.0.0 to 4.4"
    if not 64 <= args.vm_mem <= 4096:
        return f"--vm-mem {args.vm_mem}: expected 64 to 4096 MiB"
    if not (args.link_mbit >= 0 and math.isfinite(args.link_mbit)):
        return f"--link-mbit {args.link_mbit}: expected 0 (no cap) or more, finite"
    if args.fresh or args.speed != 1.0 or args.hosts != 2:
        return (
            "--vm runs two real hosts in real time: "
            "--fresh, --speed and --hosts are for the simulated lab"
        )
    return None


def run(args: argparse.Namespace) -> int:
    from xentui.lab.vm.parts import missing_parts

    problem = check(args)
    if problem:
        emit(f"xentui lab: {problem}", file=sys.stderr)
        return 2
    missing = missing_parts()
    if missing:
        for line in missing:
            emit(f"xentui lab --vm: {line}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:
        return 0


_last: list[tuple[str, int]] = []


def _progress(stage: str, fraction: float | None) -> None:
    """One line per stage and per tenth of its way, so a log shows motion without a flood."""
    step = -1 if fraction is None else int(fraction * 10)
    if _last and _last[-1] == (stage, step):
        return
    _last[:] = [(stage, step)]
    pct = f" [{fraction * 100:3.0f}%]" if fraction is not None else ""
    emit(f"{PROGRESS_PREFIX}{stage}{pct}", flush=True)


async def _serve(args: argparse.Namespace) -> int:
    from xentui.lab.vm.image import VmLabUnavailable
    from xentui.lab.vm.libvirt import LibvirtError
    from xentui.lab.vm.netns import NetnsError
    from xentui.lab.vm.vmlab import VmLab, VmLabOptions

    link = args.link_mbit if args.link_mbit > 0 else None
    opts = VmLabOptions(
        mem_mib=args.vm_mem,
        link_mbit=link,
        rebuild=args.rebuild,
        toolstack=args.toolstack,
        xm_version=args.xm_version,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    lab = VmLab(opts)
    code = 0
    try:
        starting = asyncio.ensure_future(lab.start(_progress))
        waiter = asyncio.ensure_future(stop.wait())
        await asyncio.wait({starting, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # Ctrl-C while building or booting: stop, clean up, say so
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            emit("lab stopped before it was ready", flush=True)
            return 130
        waiter.cancel()
        try:
            starting.result()
        except (VmLabUnavailable, NetnsError, LibvirtError, RuntimeError, OSError) as exc:
            emit(f"xentui lab --vm: {exc}", file=sys.stderr)
            return 2
        try:
            _announce(lab, args)
        except OSError as exc:
            emit(f"xentui lab: --config-out: {exc.strerror}", file=sys.stderr)
            return 2
        code = await _until_stopped(lab, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await lab.close()
    emit("lab stopped", flush=True)
    return code


def _announce(lab: VmLab, args: argparse.Namespace) -> None:
    from xentui.lab.vm.labfile import render

    path = lab.config_path
    if args.config_out:
        path = Path(args.config_out).expanduser().resolve()
        path.write_text(render(lab), encoding="utf-8")
    join = ["ip", "netns", "exec", lab.netns]
    emit(f"lab file: {path}")
    emit(f"{NETNS_PREFIX}{lab.netns}")
    emit(f"  the app: {shlex.join([*join, 'xentui', '--config', str(path)])}")
    for name in lab.host_names:
        ssh = ["ssh", "-p", str(lab.ssh_port(name)), "-i", str(lab.client_key_path)]
        ssh += ["-o", f"UserKnownHostsFile={lab.known_hosts_path}", "root@127.0.0.1"]
        listing = ["virsh", "list", "--all"] if lab.pair is None else [args.toolstack, "list"]
        emit(f"  {name}: {shlex.join([*join, *ssh, *listing])}")
    emit(f"  guest stream: {lab.guest_url}")
    emit(f"{READY_PREFIX}{path}", flush=True)


async def _until_stopped(lab: VmLab, stop: asyncio.Event) -> int:
    """Until Ctrl-C or SIGTERM, or until one of its daemons dies (then the lab is not whole)."""
    watch = [asyncio.ensure_future(h.proc.wait()) for h in lab.hosts.values() if h.proc]
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({stopper, *watch}, return_when=asyncio.FIRST_COMPLETED)
    for fut in (stopper, *watch):
        fut.cancel()
    if stopper in done:
        return 0
    dead = [h.name for h in lab.hosts.values() if h.proc and h.proc.returncode is not None]
    emit(f"xentui lab --vm: libvirtd of {', '.join(dead)} exited: stopping the lab", flush=True)
    return 1


VM_READY_TIMEOUT_S = 600.0
"""A first run downloads and builds the image (~25 s on a good link) and boots (~10 s)."""


def demo_argv(args: argparse.Namespace, config_out: Path) -> list[str]:
    """`xentui lab --vm` with the demo's pass-through flags."""
    argv = [sys.executable, "-m", "xentui", "lab", "--vm", "--config-out", str(config_out)]
    if args.rebuild:
        argv.append("--rebuild")
    argv += ["--vm-mem", str(args.vm_mem)]
    if args.toolstack is not None:
        argv += ["--toolstack", args.toolstack]
    if args.link_mbit is not None:
        argv += ["--link-mbit", str(args.link_mbit)]
    return argv


def show_progress(log: Path, shown: int) -> int:
    """The lab's new progress lines as a bar on the terminal; returns how many were shown."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return shown
    stages = [ln[len(PROGRESS_PREFIX) :] for ln in lines if ln.startswith(PROGRESS_PREFIX)]
    for stage in stages[shown:]:
        text, pct = stage, None
        if stage.endswith("%]") and " [" in stage:
            text, _, tail = stage.rpartition(" [")
            pct = float(tail.rstrip("%]"))
        bar = "" if pct is None else "[" + "#" * int(pct / 5) + " " * (20 - int(pct / 5)) + "] "
        emit(f"xentui demo --vm: {bar}{text}", file=sys.stderr, flush=True)
    return len(stages)


def netns_of(log: Path) -> str | None:
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith(NETNS_PREFIX):
            return line[len(NETNS_PREFIX) :].strip()
    return None


def demo(args: argparse.Namespace) -> int:
    """The real VM lab in a child process, and the app inside its namespace."""
    import shutil
    import time

    from xentui.cli.app import start
    from xentui.cli.demo import spawn_lab, wait_ready
    from xentui.cli.demo import stop as stop_child
    from xentui.config import ConfigError, load_config
    from xentui.lab.vm import netns, tunperm
    from xentui.lab.vm.parts import missing_parts

    missing = missing_parts()
    if missing:
        for line in missing:
            emit(f"xentui demo --vm: {line}", file=sys.stderr)
        return 2
    workdir, log, child = spawn_lab(lambda out: demo_argv(args, out), "xentui-demo-vm-")
    code = 1
    try:
        shown, deadline = 0, time.monotonic() + VM_READY_TIMEOUT_S
        ready: Path | str = "not ready"
        while time.monotonic() < deadline:
            shown = show_progress(log, shown)
            ready = wait_ready(child, log, 0.5)
            if isinstance(ready, Path) or child.poll() is not None:
                break
        show_progress(log, shown)
        if not isinstance(ready, Path):
            emit(f"xentui demo --vm: {ready}", file=sys.stderr)
            return 1
        name = netns_of(log)
        if name is None:
            emit("xentui demo --vm: the lab named no network namespace", file=sys.stderr)
            return 1
        try:
            config = load_config(ready)
        except ConfigError as exc:
            emit(f"xentui demo --vm: the lab wrote a bad lab file: {exc}", file=sys.stderr)
            return 1
        netns.join(name)  # the probe reads the guest's own TCP connection: no relay between
        code = start(config, args=args)  # --record FILE / --no-record, as `xentui demo`
    except KeyboardInterrupt:
        code = 130
    except SystemExit as exc:  # SIGTERM or SIGHUP (spawn_lab): the lab still goes, below
        code = int(exc.code or 1)
    finally:
        stop_child(child)
        # a lab that crashed left its namespace and daemons: they go now, not at the next start
        netns.sweep_stale()
        tunperm.sweep()
    shutil.rmtree(workdir, ignore_errors=True)
    return code
