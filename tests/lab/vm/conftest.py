"""Fixtures for the VM lab: one guest image per test session, shared with the lead's VM tests.

The image is built for real (apt-get from Debian's archive, ~6-25 s) once per session into
pytest's tmp, unless the user's cache already holds a valid one. Tests that need a part this
machine lacks skip naming it, outside CI only: with ``CI`` set they fail instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.need import missing
from xentui.lab.vm import netns
from xentui.lab.vm.child import VmLabChild, VmLabFailed, vm_lab_child
from xentui.lab.vm.image import VmImage, cached_image, ensure_image
from xentui.lab.vm.parts import missing_parts


def need(*parts: str) -> None:
    """Skip (outside CI) or fail (in CI) naming the first missing part among ``parts``."""
    absent = missing_parts(parts)
    if absent:
        missing(absent[0])


@pytest.fixture(scope="session")
def vm_image(tmp_path_factory: pytest.TempPathFactory) -> VmImage:
    """A whole guest image: the user's cached one if valid, else one built for this session."""
    need("busybox", "apt")
    found = cached_image()
    if found is not None:
        return found
    cache = tmp_path_factory.mktemp("vm-image")
    return asyncio.run(ensure_image(cache_dir=cache))


@pytest.fixture
def image_copy(vm_image: VmImage, tmp_path: Path) -> Path:
    """A cache dir holding a copy (not links: tests damage it) of the session's image."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for src in (vm_image.kernel, vm_image.initrd, vm_image.kernel.parent / "image.json"):
        shutil.copyfile(src, cache / src.name)
    return cache


LAB_FLAGS = {
    "virsh": (),
    "xm": ("--toolstack", "xm", "--link-mbit", "100"),
    "xl": ("--toolstack", "xl", "--link-mbit", "0"),
}
"""The `xentui lab --vm` children of test_real_migration.py (virsh) and test_real_xm.py."""


@dataclass(frozen=True)
class Labs:
    children: dict[str, VmLabChild]
    tun_before: tuple[int, int]
    """/dev/net/tun's owner and mode before any of them started (the virsh lab lends it)."""


@pytest.fixture(scope="package")
def vm_labs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Labs]:
    """The three real-VM labs, started side by side: a boot is a TCG QEMU holding one core for
    ~10 s, so one after the other kept the second core idle. All are ready before any test runs
    and an idle guest costs its QEMU ~0.4 % of a core (measured), so a test on one lab meets no
    boot of another; each module joins only its own lab's namespace. Each lab is asserted gone
    at the end, as each module asserted its own before."""
    need("qemu", "busybox", "apt", "libvirt", "tun", "netadmin")
    tun = os.stat("/dev/net/tun")
    with contextlib.ExitStack() as stack:
        with ThreadPoolExecutor(max_workers=len(LAB_FLAGS)) as pool:
            starting = {
                name: pool.submit(
                    stack.enter_context,
                    vm_lab_child(tmp_path_factory.mktemp(f"vmlab-{name}"), *flags),
                )
                for name, flags in LAB_FLAGS.items()
            }
        try:
            children = {name: future.result() for name, future in starting.items()}
        except VmLabFailed as exc:
            pytest.fail(str(exc))
        yield Labs(children, (tun.st_uid, tun.st_mode))
    for child in children.values():  # each removed everything it made
        assert child.netns not in netns.ours()
        assert "lab stopped" in child.text()
