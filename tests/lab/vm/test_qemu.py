"""QEMU guests: the measured command line, libvirt's XML, and one real boot under TCG.

The boot uses slirp with a loopback-only port forward: a test-only network (slirp cannot keep a
connection across a migration, so the lab itself uses a tap on a bridge in its namespace).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.lab.vm.conftest import need
from xentui.lab.streaming.media import ChainedLoop, media_path
from xentui.lab.vm.image import VmImage
from xentui.lab.vm.qemu import QemuError, QemuGuest, domain_xml, qemu_argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _group_members(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid`` (read from /proc: no psutil)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                found.append(int(stat.parent.name))
    return found


def _assert_gone(guest: QemuGuest, pid: int) -> None:
    assert guest.proc is not None and guest.proc.returncode is not None, "not reaped"
    assert not Path(f"/proc/{pid}").exists()
    assert _group_members(pid) == []
    assert not guest.qmp_path.exists()


def test_the_command_line_is_the_measured_recipe(vm_image: VmImage, tmp_path: Path) -> None:
    argv = qemu_argv(
        vm_image, name="virt_server", tap="tap0", mac="52:54:00:12:34:56", mem_mib=128,
        qmp_path=tmp_path / "a.qmp", serial_path=tmp_path / "a.serial",
    )  # fmt: skip
    assert argv == [
        "qemu-system-x86_64", "-name", "virt_server", "-accel", "tcg", "-display", "none",
        "-monitor", "none", "-serial", f"file:{tmp_path}/a.serial", "-m", "128", "-no-reboot",
        "-kernel", str(vm_image.kernel), "-initrd", str(vm_image.initrd),
        "-append", "console=ttyS0 quiet panic=-1 rdinit=/init",
        "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
        "-device", "e1000,netdev=n0,mac=52:54:00:12:34:56",
        "-qmp", f"unix:{tmp_path}/a.qmp,server=on,wait=off",
    ]  # fmt: skip
    incoming = qemu_argv(
        vm_image, name="virt_server", tap="tap1", mac="52:54:00:12:34:56", mem_mib=128,
        qmp_path=tmp_path / "b.qmp", serial_path=tmp_path / "b.serial",
        incoming="tcp:127.0.0.1:4444",
    )  # fmt: skip
    assert incoming[-2:] == ["-incoming", "tcp:127.0.0.1:4444"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"name": "a b"}, "bad guest name 'a b'"),
        ({"name": "-x"}, "bad guest name '-x'"),
        ({"tap": "tap0,script=/bin/evil"}, "bad tap name"),
        ({"tap": "a-very-long-tap-name"}, "bad tap name"),
        ({"mac": "53:54:00:12:34:56"}, "bad MAC address"),
        ({"mac": "52:54:00:12:34"}, "bad MAC address"),
        ({"mem_mib": 8}, "guest memory 8 MiB"),
        ({"qmp_path": Path("/tmp/a,server=off")}, "bad path '/tmp/a,server=off'"),
        ({"serial_path": Path("relative")}, "bad path 'relative'"),
        ({"tap": None}, "give exactly one of tap"),
        ({"netdev": "user,id=n0"}, "give exactly one of tap"),
    ],
)
def test_bad_names_are_refused_in_one_line(vm_image, tmp_path, change, words) -> None:
    args = {"name": "g", "tap": "tap0", "mac": "52:54:00:12:34:56", "mem_mib": 128,
            "qmp_path": tmp_path / "q", "serial_path": tmp_path / "s", **change}  # fmt: skip
    with pytest.raises(ValueError, match="^" + re.escape(words)) as caught:
        qemu_argv(vm_image, **args)
    assert "\n" not in str(caught.value)


def test_the_domain_xml_is_libvirts_shape_and_escapes(vm_image: VmImage, tmp_path: Path) -> None:
    serial = tmp_path / "odd & 'quoted' <dir>" / "virt_server.serial"
    text = domain_xml(
        vm_image, name="virt_server", uuid="6F1C6A2E-3C1B-4B0E-9A5D-2D7E8F9A0B1C", tap="tap0",
        mac="52:54:00:AB:CD:EF", mem_mib=128, serial_path=serial,
    )  # fmt: skip
    dom = ET.fromstring(text)
    assert dom.tag == "domain" and dom.get("type") == "qemu"
    assert dom.findtext("name") == "virt_server"
    assert dom.findtext("uuid") == "6f1c6a2e-3c1b-4b0e-9a5d-2d7e8f9a0b1c"
    assert dom.find("memory").get("unit") == "MiB" and dom.findtext("memory") == "128"
    assert dom.findtext("os/kernel") == str(vm_image.kernel)
    assert dom.findtext("os/initrd") == str(vm_image.initrd)
    assert dom.findtext("os/cmdline") == "console=ttyS0 quiet panic=-1 rdinit=/init"
    nic = dom.find("devices/interface")
    assert nic.get("type") == "ethernet"
    assert nic.find("target").attrib == {"dev": "tap0", "managed": "no"}
    assert nic.find("mac").get("address") == "52:54:00:ab:cd:ef"
    assert nic.find("model").get("type") == "e1000"
    assert dom.find("devices/serial").get("type") == "file"
    assert dom.find("devices/serial/source").get("path") == str(serial)
    assert dom.find("devices/video/model").get("type") == "none"
    assert dom.find("devices/memballoon").get("model") == "none"
    assert dom.find("devices/graphics") is None
    with pytest.raises(ValueError, match=r"^bad domain UUID 'nope'"):
        domain_xml(vm_image, name="g", uuid="nope", tap="t", mac="52:54:00:00:00:01",
                   mem_mib=128, serial_path=serial)  # fmt: skip
    need("libvirt")  # libvirt's own schema check, in virsh's built-in test driver (no daemon)
    path = tmp_path / "dom.xml"
    path.write_text(text)
    argv = ["virsh", "-c", "test:///default", "define", "--validate", str(path)]
    done = subprocess.run(argv, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
    path.write_text(text.replace("<memballoon", "<memballon").replace("memballoon>", "memballon>"))
    assert subprocess.run(argv, capture_output=True, timeout=30).returncode != 0  # it does check


async def test_a_real_guest_boots_serves_the_media_and_obeys_qmp(vm_image, tmp_path) -> None:
    need("qemu")
    port = _free_port()
    said: list[tuple[str, float | None]] = []
    guest = QemuGuest(vm_image, name="boot-test", workdir=tmp_path,
                      netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:8888")  # fmt: skip
    try:
        await guest.start(progress=lambda t, f: said.append((t, f)))
        assert guest.pid is not None
        fractions = [f for _, f in said if f is not None]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
        assert said[-1][0] == "boot-test: ready"
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /{vm_image.media_name} HTTP/1.0\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        body = await asyncio.wait_for(reader.readexactly(65536), 10)
        writer.close()
        assert head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n")[0]
        assert body == ChainedLoop(media_path().read_bytes()).link(0)[:65536]
        qmp = guest.qmp
        assert (await qmp.execute("query-status"))["status"] == "running"
        await qmp.execute("stop")
        await qmp.next_event("STOP")
        assert (await qmp.execute("query-status"))["status"] == "paused"
        await qmp.execute("cont")
        await qmp.next_event("RESUME")
        assert (await qmp.execute("query-status"))["status"] == "running"
    finally:
        pid = guest.pid
        await guest.close()
    assert pid is not None
    _assert_gone(guest, pid)
    await guest.close()  # twice is fine


async def test_a_qemu_that_fails_to_start_says_why_and_leaves_nothing(vm_image, tmp_path) -> None:
    need("qemu")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        guest = QemuGuest(vm_image, name="fail-test", workdir=tmp_path,
                          netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:8888")  # fmt: skip
        with pytest.raises(QemuError) as caught:
            await guest.start()
    words = str(caught.value)
    assert words.startswith("QEMU fail-test exited (code 1): qemu-system-x86_64: "), words
    assert "host forwarding rule" in words and "\n" not in words
    assert guest.pid is not None
    _assert_gone(guest, guest.pid)


async def test_a_cancelled_or_late_boot_leaves_no_qemu(vm_image, tmp_path) -> None:
    need("qemu")
    late = QemuGuest(vm_image, name="late", workdir=tmp_path, netdev="user,id=n0")
    with pytest.raises(QemuError, match=r"^late not ready after 0\.5 s: "):
        await late.start(ready_timeout=0.5)
    assert late.pid is not None
    _assert_gone(late, late.pid)

    cancelled = QemuGuest(vm_image, name="cancelled", workdir=tmp_path, netdev="user,id=n0")
    task = asyncio.create_task(cancelled.start())
    while cancelled.pid is None or not cancelled.serial_path.exists():
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    _assert_gone(cancelled, cancelled.pid)


async def test_a_destination_waits_for_its_incoming_migration(vm_image, tmp_path) -> None:
    need("qemu")
    port = _free_port()
    dest = QemuGuest(vm_image, name="dest", workdir=tmp_path, netdev="user,id=n0",
                     incoming=f"tcp:127.0.0.1:{port}")  # fmt: skip
    try:
        await dest.start(wait_ready=False)
        assert (await dest.qmp.execute("query-status"))["status"] == "inmigrate"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it listens where it was told, on loopback
    finally:
        await dest.close()
    assert dest.pid is not None
    _assert_gone(dest, dest.pid)
