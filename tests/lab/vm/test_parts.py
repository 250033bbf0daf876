"""Refusals: each missing part is one line naming it and the command that supplies it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.lab.vm.conftest import need
from xentui.lab.vm.image import VmLabUnavailable, ensure_image
from xentui.lab.vm.kernel import download, extract
from xentui.lab.vm.parts import PARTS, check_disk_space, missing_parts


def _path_without(tmp_path: Path, *tools: str) -> str:
    """A PATH of links to the usual tools, minus ``tools``: the machine as if they were absent."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("apt-get", "apt-cache", "dpkg-deb", "qemu-system-x86_64", "virsh"):
        found = shutil.which(name)
        if found and name not in tools:
            (bindir / name).symlink_to(found)
    return str(bindir)


@pytest.mark.parametrize(
    ("part", "gone", "line"),
    [
        ("qemu", "qemu-system-x86_64",
         "qemu-system-x86_64 not found: apt-get install qemu-system-x86"),
        ("libvirt", "virsh", "virsh not found: apt-get install libvirt-clients"),
        ("apt", "apt-get", "apt-get not found: the guest is built from Debian packages"),
    ],
)  # fmt: skip
def test_a_missing_tool_is_named_with_its_fix(monkeypatch, tmp_path, part, gone, line) -> None:
    monkeypatch.setenv("PATH", _path_without(tmp_path, gone))
    found = missing_parts([part])
    assert len(found) == 1 and found[0].startswith(line)
    assert "\n" not in found[0]


def test_this_machine_has_every_part_or_says_which_not() -> None:
    need(*PARTS)  # in CI all must be here; elsewhere the skip names the first missing one
    assert missing_parts() == []


def test_an_unknown_part_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown VM lab parts"):
        missing_parts(["qemu", "kvm"])


def test_too_little_disk_says_where_and_how_much(tmp_path: Path) -> None:
    with pytest.raises(VmLabUnavailable) as caught:
        check_disk_space(tmp_path / "not" / "yet", need=1 << 60)
    words = str(caught.value)
    assert words.startswith(f"not enough disk space in {tmp_path}/not/yet: ")
    assert "MB free" in words and "\n" not in words
    check_disk_space(tmp_path, need=1)  # and enough is enough


async def test_a_build_without_apt_refuses_in_one_line(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", _path_without(tmp_path, "dpkg-deb"))
    with pytest.raises(VmLabUnavailable, match=r"^dpkg-deb not found: "):
        await ensure_image(cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "image.json").exists()


async def test_a_package_apt_cannot_fetch_is_named_in_apts_words(tmp_path: Path) -> None:
    need("apt")
    with pytest.raises(VmLabUnavailable) as caught:
        await download("linux-image-0.0.0-0-xentui-amd64", tmp_path)
    words = str(caught.value)
    assert words.startswith("cannot fetch linux-image-0.0.0-0-xentui-amd64: E: ")
    assert "\n" not in words


def test_a_file_that_is_not_a_kernel_package_is_refused(tmp_path: Path) -> None:
    need("apt")
    fake = tmp_path / "linux-image-fake_1_amd64.deb"
    fake.write_bytes(b"!<arch>\nnot really\n")
    with pytest.raises(VmLabUnavailable, match=r"^dpkg-deb cannot read linux-image-fake_1_"):
        extract(fake)
