"""libvirt's domain XML for the lab's guest, and the checks on the names that go into it.

Names reach QEMU's comma-separated options and libvirt's XML, so they are checked against
strict patterns (a bad one is one readable line) and the XML is built with ElementTree, which
escapes. The shape is the one the reference measured with libvirt 9.0: type 'qemu' (TCG),
direct kernel boot, an unmanaged tap made by root, no graphics (``<graphics type='none'/>``
is rejected: ``<video><model type='none'/>`` says "no display" instead).
"""

from __future__ import annotations

import re
import uuid as uuidlib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.lab.vm.initramfs import APPEND

if TYPE_CHECKING:
    from xentui.lab.vm.image import VmImage

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TAP = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,14}")
"""Linux interface names are at most 15 bytes (IFNAMSIZ - 1)."""
_MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"bad guest name {name!r}: letters, digits, '_', '.', '-' (max 64)")
    return name


def check_tap(tap: str) -> str:
    if not _TAP.fullmatch(tap):
        raise ValueError(f"bad tap name {tap!r}: letters, digits, '_', '.', '-' (max 15)")
    return tap


def check_mac(mac: str) -> str:
    if not _MAC.fullmatch(mac) or int(mac[:2], 16) & 1:
        raise ValueError(f"bad MAC address {mac!r}: expected a unicast aa:bb:cc:dd:ee:ff")
    return mac.lower()


def check_path(path: Path) -> Path:
    """An absolute path QEMU can take inside a comma-separated option."""
    text = str(path)
    if not path.is_absolute() or "," in text or any(ord(c) < 32 for c in text):
        raise ValueError(f"bad path {text!r}: must be absolute, without commas or control bytes")
    return path


def domain_xml(
    image: VmImage,
    *,
    name: str,
    uuid: str,
    tap: str,
    mac: str,
    mem_mib: int,
    serial_path: Path,
) -> str:
    """The guest as a libvirt domain: the same machine as ``qemu_argv`` builds."""
    try:
        uuid = str(uuidlib.UUID(uuid))
    except ValueError:
        raise ValueError(f"bad domain UUID {uuid!r}") from None
    if not 16 <= mem_mib <= 65536:
        raise ValueError(f"guest memory {mem_mib} MiB: expected 16 to 65536")
    for path in (image.kernel, image.initrd, serial_path):
        check_path(path)
    domain = ET.Element("domain", type="qemu")
    ET.SubElement(domain, "name").text = check_name(name)
    ET.SubElement(domain, "uuid").text = uuid
    ET.SubElement(domain, "memory", unit="MiB").text = str(mem_mib)
    ET.SubElement(domain, "vcpu").text = "1"
    os_ = ET.SubElement(domain, "os")
    ET.SubElement(os_, "type", arch="x86_64", machine="pc").text = "hvm"
    ET.SubElement(os_, "kernel").text = str(image.kernel)
    ET.SubElement(os_, "initrd").text = str(image.initrd)
    ET.SubElement(os_, "cmdline").text = APPEND
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        ET.SubElement(domain, event).text = "destroy"  # as -no-reboot: a dead guest stays dead
    devices = ET.SubElement(domain, "devices")
    interface = ET.SubElement(devices, "interface", type="ethernet")
    ET.SubElement(interface, "mac", address=check_mac(mac))
    ET.SubElement(interface, "target", dev=check_tap(tap), managed="no")
    ET.SubElement(interface, "model", type="e1000")
    serial = ET.SubElement(devices, "serial", type="file")
    ET.SubElement(serial, "source", path=str(serial_path))
    ET.SubElement(serial, "target", port="0")
    video = ET.SubElement(devices, "video")
    ET.SubElement(video, "model", type="none")
    ET.SubElement(devices, "memballoon", model="none")
    ET.indent(domain)
    return ET.tostring(domain, encoding="unicode") + "\n"
