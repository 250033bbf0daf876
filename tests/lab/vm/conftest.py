"""Fixtures for the VM lab: one guest image per test session, shared with the lead's VM tests.

The image is built for real (apt-get from Debian's archive, ~6-25 s) once per session into
pytest's tmp, unless the user's cache already holds a valid one. Tests that need a part this
machine lacks skip naming it, outside CI only: with ``CI`` set they fail instead.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.need import missing
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
