"""A fix replaces a file whole: a reader or a cut connection sees the old text or the new one.

Through a real OpenSSH sshd and this machine's real files (GNU coreutils, then busybox's
applets first on the session's PATH), and through the lab's simulated shell.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from tests.need import missing
from tests.remote.sshd import RealSshd
from xentui.config import GuestConfig, LabConfig
from xentui.lab.machine.shell import Machine, Out, Stdin
from xentui.lab.machine.vfs import Meta
from xentui.setup.checklist import Checklist
from xentui.setup.results import FileEdit, FixPlan
from xentui.setup.writes import TEMP_MARK

XEND = "/etc/xen/xend-config.sxp"
BUSYBOX_TOOLS = ("mktemp", "stat", "chown", "chmod", "mv", "tee", "rm", "cat", "cp")


def _config(sshd: RealSshd) -> LabConfig:
    guest = GuestConfig("virt_server", "http://127.0.0.1:1/x.ogg")
    return LabConfig(path=Path("x.toml"), guest=guest, hosts=(sshd.host_config("dom0"),))


def _busybox_first(sshd: RealSshd) -> None:
    busybox = shutil.which("busybox")
    if busybox is None:
        missing("busybox not installed (Debian package busybox-static)")
    for tool in BUSYBOX_TOOLS:
        (sshd.bin_dir / tool).symlink_to(busybox)


def _owned(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chown(path, 1234, 4321)
    path.chmod(0o640)


@pytest.mark.parametrize("tools", ["coreutils", "busybox"])
async def test_a_real_file_keeps_owner_and_mode_and_no_reader_sees_it_half_written(
    sshd: RealSshd,
    tmp_path: Path,
    tools: str,
) -> None:
    if tools == "busybox":
        _busybox_first(sshd)
    conf = tmp_path / "etc" / "xend-config.sxp"
    old, new = "(xend-relocation-server no)\n" * 20_000, "(xend-relocation-server yes)\n" * 25_000
    _owned(conf, old)  # 560 KB, then 725 KB: a tee would write it in many pieces
    seen: set[str] = set()
    reads = 0
    done = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not done.is_set():
            text = conf.read_text()
            reads += 1
            if text not in (old, new):
                seen.add(f"{len(text)} bytes")

    cl = Checklist(_config(sshd), wall=lambda: 1_800_000_000.0)
    plan = FixPlan("relocation", edits=(FileEdit("dom0", str(conf), old, new),))
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        if tools == "busybox":  # the session's tools are busybox's, not GNU's
            assert "GNU" not in (await cl.ctx.run("dom0", ["stat", "--version"])).output
        outcome = await cl.apply_fix(plan)
    finally:
        done.set()
        thread.join()
        await cl.close()
    assert seen == set(), f"a reader saw the file neither old nor new: {sorted(seen)[:5]}"
    assert reads > 10 and conf.read_text() == new
    st = conf.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 4321, 0o640)
    backup = "xend-config.sxp.xentui-bak-20270115-080000"
    assert outcome.backups == (f"dom0:{conf.parent / backup}",), outcome
    assert sorted(p.name for p in conf.parent.iterdir()) == ["xend-config.sxp", backup]


async def test_a_connection_killed_mid_write_leaves_the_old_file_whole(
    sshd: RealSshd,
    tmp_path: Path,
) -> None:
    """Cut while tee has written its first 4 KiB and waits for more: the worst moment."""
    started = tmp_path / "tee-started"
    sshd.put_tool(
        "tee", f'{{ head -c 4096; echo $$ > {started}; sleep 20; cat; }} | /usr/bin/tee "$@"\n'
    )
    conf = tmp_path / "etc" / "xend-config.sxp"
    old = "(xend-relocation-server no)\n" * 1000
    _owned(conf, old)
    plan = FixPlan(
        "relocation", edits=(FileEdit("dom0", str(conf), old, old.replace("no", "yes")),)
    )
    cl = Checklist(_config(sshd), wall=lambda: 1_800_000_000.0)
    try:
        fixing = asyncio.create_task(cl.apply_fix(plan))
        async with asyncio.timeout(20):
            while not started.exists() or not started.read_text().strip():
                await asyncio.sleep(0.01)
        sshd.kill_all()  # the link drops: sshd and its sessions die at once
        outcome = await asyncio.wait_for(fixing, 20)
    finally:
        if started.exists() and started.read_text().strip():  # the orphaned tee and its sleep
            pgid = int(started.read_text())
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        await cl.close()
    assert not outcome.ok and "fix stopped" in outcome.message, outcome
    assert conf.read_text() == old
    st = conf.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 4321, 0o640)


async def test_the_lab_keeps_owner_and_mode_and_makes_a_new_file_0644(lab) -> None:
    vfs = lab.host("xen_host_1").vfs
    vfs.set_meta(XEND, Meta(0, 7, 0o640))
    old = vfs.read_text(XEND)
    edits = (
        FileEdit("xen_host_1", XEND, old, old + "(xend-relocation-port 8002)\n"),
        FileEdit("xen_host_1", "/etc/xen/xentui-new", "", "new\n", exists=False),
    )
    cl = Checklist(lab.config, wall=lambda: 1_800_000_000.0)
    try:
        outcome = await cl.apply_fix(FixPlan("relocation", edits=edits))
    finally:
        await cl.close()
    assert outcome.backups == (f"xen_host_1:{XEND}.xentui-bak-20270115-080000",), outcome
    assert vfs.read_text(XEND) == edits[0].new and vfs.stat(XEND) == Meta(0, 7, 0o640)
    assert vfs.stat(outcome.backups[0].split(":", 1)[1]) == Meta(0, 7, 0o640)
    assert vfs.read_text("/etc/xen/xentui-new") == "new\n"
    assert vfs.stat("/etc/xen/xentui-new") == Meta(0, 0, 0o644)
    assert not [n for n in vfs.listdir("/etc/xen") if TEMP_MARK in n]


async def test_a_host_without_mktemp_gets_a_private_temporary_file(lab) -> None:
    machine = lab.endpoints["xen_host_1"].machine
    del machine.commands["mktemp"]  # older than RHEL 5's mktemp package
    vfs = machine.vfs
    old = vfs.read_text(XEND)
    modes: list[int] = []
    real_tee = machine.commands["tee"]

    async def tee(m: Machine, argv: list[str], stdin: Stdin) -> Out:
        out = await real_tee(m, argv, stdin)
        modes.append(m.vfs.stat(argv[-1]).mode)
        return out

    machine.commands["tee"] = tee
    edit = FileEdit("xen_host_1", XEND, old, old + "(xend-relocation-port 8002)\n")
    cl = Checklist(lab.config, wall=lambda: 1_800_000_000.0)
    try:
        outcome = await cl.apply_fix(FixPlan("relocation", edits=(edit,)))
    finally:
        await cl.close()
    assert outcome.message.startswith("applied") or outcome.ok, outcome
    assert vfs.read_text(XEND) == edit.new and vfs.stat(XEND) == Meta(0, 0, 0o644)
    # emptied first, then made 0600, and only then given the text
    assert modes == [0o644, 0o600], modes
    assert not [n for n in vfs.listdir("/etc/xen") if TEMP_MARK in n]
