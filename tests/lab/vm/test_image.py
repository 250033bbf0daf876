"""The guest image: built for real from Debian's packages, cached, rebuilt when it must be."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import re
import stat
import subprocess
from pathlib import Path

import pytest

from tests.lab import oggwalk
from tests.lab.vm.conftest import need
from xentui.lab.streaming.media import media_path
from xentui.lab.vm.image import FORMAT, VmImage, cached_image, ensure_image
from xentui.lab.vm.initramfs import Entry, cpio_newc
from xentui.lab.vm.parts import BUSYBOX, is_static_elf
from xentui.probe.ogg import OggClock


def read_newc(data: bytes) -> dict[str, tuple[int, bytes, tuple[int, int]]]:
    """name -> (mode, data, rdev): a reader written from the format's description, not ours."""
    out, pos = {}, 0
    while True:
        assert data[pos : pos + 6] == b"070701", f"no newc header at {pos}"
        f = [int(data[pos + 6 + 8 * i : pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rdev, namesize = f[1], f[6], (f[9], f[10]), f[11]
        name = data[pos + 110 : pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos : pos + size]
        pos = (pos + size + 3) & ~3
        if name == "TRAILER!!!":
            assert not data[pos:].strip(b"\0"), "bytes after the trailer"
            return out
        out[name] = (mode, body, rdev)


@pytest.fixture(scope="module")
def initrd(vm_image: VmImage) -> dict[str, tuple[int, bytes, tuple[int, int]]]:
    return read_newc(gzip.decompress(vm_image.initrd.read_bytes()))


def test_the_built_image_says_what_it_was_built_from(vm_image: VmImage) -> None:
    manifest = json.loads((vm_image.kernel.parent / "image.json").read_text())
    assert manifest == vm_image.built_from
    assert manifest["format"] == FORMAT
    assert re.fullmatch(r"linux-image-\d[\w.+~-]*-amd64", vm_image.kernel_package)
    assert vm_image.kernel_version and vm_image.kernel_version[0].isdigit()
    assert manifest["busybox_version"].startswith("BusyBox v")
    clip = media_path("video").read_bytes()
    assert manifest["media_sha256"] == hashlib.sha256(clip).hexdigest()
    assert vm_image.media_name == "TruthHappens.ogg"
    kernel = vm_image.kernel.read_bytes()
    assert kernel[0x202:0x206] == b"HdrS", "not a bzImage (x86 boot protocol header missing)"


def test_the_initramfs_holds_a_static_busybox_init_driver_and_console(initrd, vm_image) -> None:
    mode, init, _ = initrd["init"]
    assert stat.S_ISREG(mode) and mode & 0o111
    assert "httpd -f -p 8888 -h /www &" in init.decode()
    assert "XENTUI-GUEST-READY" in init.decode()
    assert initrd["bin/busybox"][1] == BUSYBOX.read_bytes()
    mode, _, rdev = initrd["dev/console"]
    assert stat.S_ISCHR(mode) and rdev == (5, 1)
    module = initrd["lib/e1000.ko"][1]
    assert module[:4] == b"\x7fELF"
    abi = vm_image.kernel_package.removeprefix("linux-image-")
    assert f"vermagic={abi} ".encode() in module, "the driver is not for this kernel"
    for d in ("proc", "sys", "dev", "bin", "www", "tmp"):
        assert stat.S_ISDIR(initrd[d][0]), d


def test_the_media_in_the_image_is_a_proper_chain_of_at_least_240_s(initrd, vm_image) -> None:
    media = initrd[f"www/{vm_image.media_name}"][1]
    clock = OggClock()
    clock.feed(media)
    assert clock.end_of_stream() is None
    assert clock.problems == [] and clock.bad_pages == 0 and clock.skipped_bytes == 0
    assert clock.media_s >= 240.0
    assert clock.media_s == pytest.approx(vm_image.media_seconds, abs=0.1)
    links = oggwalk.links(oggwalk.walk(media))  # serials never reused, sequences whole, CRCs
    assert len(links) == clock.links > 1
    assert all(p.crc_ok for link in links for p in link)


def test_the_cpio_writer_round_trips_through_busybox(tmp_path: Path) -> None:
    need("busybox")
    entries = [
        Entry("d", stat.S_IFDIR | 0o755),
        Entry("d/empty", stat.S_IFREG | 0o644),
        *(Entry(f"d/f{n}", stat.S_IFREG | 0o640, bytes(range(n % 256)) * 3) for n in range(1, 9)),
        Entry("x y.ogg", stat.S_IFREG | 0o600, b"\0OggS" * 1001),
        Entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
    ]
    archive = cpio_newc(entries)
    assert read_newc(archive) == {e.name: (e.mode, e.data, e.rdev) for e in entries}
    listing = subprocess.run(
        [str(BUSYBOX), "cpio", "-t"], input=archive, capture_output=True, check=True
    )
    assert listing.stdout.decode().splitlines() == [e.name for e in entries]
    out = tmp_path / "out"
    out.mkdir()
    regular = cpio_newc([e for e in entries if not stat.S_ISCHR(e.mode)])
    subprocess.run([str(BUSYBOX), "cpio", "-i", "-d"], input=regular, cwd=out, check=True)
    for e in entries:
        if stat.S_ISREG(e.mode):
            assert (out / e.name).read_bytes() == e.data, e.name
            assert stat.S_IMODE((out / e.name).stat().st_mode) == stat.S_IMODE(e.mode)


@pytest.mark.parametrize("name", ["", "/init", "a\0b"])
def test_the_cpio_writer_refuses_a_bad_name(name: str) -> None:
    with pytest.raises(ValueError, match="bad cpio member name"):
        cpio_newc([Entry(name, stat.S_IFREG | 0o644)])


def test_the_host_busybox_is_told_apart_from_a_dynamic_binary(tmp_path: Path) -> None:
    need("busybox")
    assert is_static_elf(BUSYBOX)
    assert not is_static_elf(Path("/bin/sh").resolve())  # dash/bash: dynamically linked
    (tmp_path / "text").write_text("#!/bin/sh\n")
    assert not is_static_elf(tmp_path / "text")
    assert not is_static_elf(tmp_path / "absent")


async def test_a_valid_cache_is_used_as_it_is(image_copy: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in image_copy.iterdir()}
    said: list[str] = []
    image = await ensure_image(cache_dir=image_copy, progress=lambda t, _f: said.append(t))
    assert image.kernel == image_copy / "vmlinuz"
    assert {p.name: p.stat().st_mtime_ns for p in image_copy.iterdir() if p.name != ".lock"} == (
        before
    )
    assert len(said) == 1 and "from the cache" in said[0]


def _damage(cache: Path, how: str) -> None:
    manifest = cache / "image.json"
    if how == "no manifest":
        manifest.unlink()
    elif how == "garbage manifest":
        manifest.write_bytes(b"\x00{not json")
    elif how == "manifest not an object":
        manifest.write_text("[1, 2]")
    elif how == "older format":
        data = json.loads(manifest.read_text())
        manifest.write_text(json.dumps({**data, "format": FORMAT - 1}))
    elif how == "another clip":
        data = json.loads(manifest.read_text())
        manifest.write_text(json.dumps({**data, "media_sha256": "0" * 64}))
    elif how == "manifest without sizes":
        data = json.loads(manifest.read_text())
        del data["sizes"]
        manifest.write_text(json.dumps(data))
    elif how == "kernel missing":
        (cache / "vmlinuz").unlink()
    elif how == "initrd cut short":
        with (cache / "initrd.gz").open("r+b") as f:
            f.truncate(1000)


DAMAGE = [
    "no manifest",
    "garbage manifest",
    "manifest not an object",
    "older format",
    "another clip",
    "manifest without sizes",
    "kernel missing",
    "initrd cut short",
]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_or_stale_cache_is_not_taken(image_copy: Path, how: str) -> None:
    assert cached_image(image_copy) is not None
    _damage(image_copy, how)
    assert cached_image(image_copy) is None


async def test_a_garbage_manifest_is_rebuilt_and_a_killed_builds_leftovers_go(
    image_copy: Path,
) -> None:
    _damage(image_copy, "garbage manifest")
    stale = image_copy / ".build-killed"
    stale.mkdir()
    (stale / "half.deb").write_bytes(b"x" * 1000)
    said: list[str] = []
    fractions: list[float] = []

    def note(text: str, fraction: float | None) -> None:
        said.append(text)
        fractions.extend([fraction] if fraction is not None else [])

    # two at once (the app and a test run, say): the lock lets one build and the other reuse it
    image, other = await asyncio.gather(
        ensure_image(cache_dir=image_copy, progress=note),
        ensure_image(cache_dir=image_copy, progress=note),
    )
    assert len([t for t in said if t.startswith("downloading linux-image-")]) == 1, said
    assert len([t for t in said if "from the cache" in t]) == 1, said
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert cached_image(image_copy) == image == other
    assert not list(image_copy.glob(".build-*")) and not list(image_copy.glob(".*.tmp"))


async def test_rebuild_always_rebuilds(image_copy: Path) -> None:
    old = cached_image(image_copy)
    assert old is not None
    old_bytes, old_inode = old.initrd.read_bytes(), old.initrd.stat().st_ino
    said: list[str] = []
    image = await ensure_image(
        cache_dir=image_copy, rebuild=True, progress=lambda t, _f: said.append(t)
    )
    assert any(t.startswith("downloading linux-image-") for t in said), said
    assert image.initrd.stat().st_ino != old_inode, "replaced by rename, not rewritten in place"
    if (image.kernel_package, image.built_from["busybox_version"]) == (
        old.kernel_package,
        old.built_from["busybox_version"],
    ):  # the same inputs (Debian may have moved on since the cache was made)
        assert image.initrd.read_bytes() == old_bytes, "the build is not reproducible"
