"""The guest kernel, taken from Debian's own package without installing it.

The package name carries the kernel ABI (``linux-image-6.1.0-57-amd64``), which changes with
Debian updates while old ones leave the archive, so it is looked up at build time through the
``linux-image-amd64`` metapackage, never hard-coded. Only ``vmlinuz`` and the e1000 driver are
taken out of the ~70 MB package, streamed through ``dpkg-deb --fsys-tarfile``.
"""

from __future__ import annotations

import asyncio
import lzma
import re
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xentui.lab.vm.parts import VmLabUnavailable

Progress = Callable[[str, float | None], None]
METAPACKAGE = "linux-image-amd64"
_DEPENDS = re.compile(
    r"^Depends:.*?\b(linux-image-[0-9][^ ,]*-amd64)\s*(?:\(=\s*([^)\s]+)\))?", re.M
)
_APT_OPTS = ("-o", "APT::Sandbox::User=root")
"""apt-get download as root otherwise warns that user _apt cannot write to the temp dir."""


@dataclass(frozen=True, slots=True)
class KernelFiles:
    package: str
    version: str
    vmlinuz: bytes
    e1000: bytes


async def _run(*argv: str, timeout: float, cwd: Path | None = None) -> tuple[int, str]:
    """Run a command; (exit code, its stderr, else its stdout, stripped)."""
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=cwd
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, (err or out).decode(errors="replace").strip()


def _apt_words(text: str) -> str:
    """apt's own error line (``E: ...``), else its last line."""
    lines = [line for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E:")]
    return (errors or lines or ["no output"])[-1]


async def _show_depends() -> tuple[str, str] | None:
    proc = await asyncio.create_subprocess_exec(
        "apt-cache", "show", METAPACKAGE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    found = _DEPENDS.search(out.decode(errors="replace"))
    return (found.group(1), found.group(2) or "") if found else None


async def find_kernel_package(progress: Progress) -> tuple[str, str]:
    """(package, version) the metapackage depends on; ``apt-get update`` once if apt knows none."""
    found = await _show_depends()
    if found is None:
        progress(f"apt-cache knows no {METAPACKAGE}: running apt-get update", None)
        code, text = await _run("apt-get", "update", timeout=300)
        if code:
            raise VmLabUnavailable(
                f"cannot look up {METAPACKAGE}: {_apt_words(text)} (run: apt-get update)"
            )
        found = await _show_depends()
    if found is None:
        raise VmLabUnavailable(
            f"apt knows no {METAPACKAGE}: add Debian's main archive to its sources, apt-get update"
        )
    return found


async def download(package: str, into: Path) -> Path:
    """``apt-get download`` the package into ``into``; the .deb's path."""
    code, text = await _run("apt-get", *_APT_OPTS, "download", package, timeout=600, cwd=into)
    debs = sorted(into.glob(f"{package}_*.deb"))
    if code or not debs:
        raise VmLabUnavailable(f"cannot fetch {package}: {_apt_words(text)}")
    return debs[0]


def _unpack_module(name: str, data: bytes) -> bytes:
    """busybox insmod reads only plain .ko files: decompress .ko.xz and .ko.zst."""
    if name.endswith(".xz"):
        return lzma.decompress(data)
    if name.endswith(".zst"):
        done = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=False)
        if done.returncode:
            raise VmLabUnavailable(f"cannot decompress {name}: apt-get install zstd")
        return done.stdout
    return data


def extract(deb: Path) -> tuple[bytes, bytes]:
    """(vmlinuz, e1000.ko) from the package, streaming its data tar (blocking: run in a thread)."""
    proc = subprocess.Popen(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    vmlinuz = e1000 = None
    broken = ""
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name
                reader = tar.extractfile(member) if member.isfile() else None
                if reader is None:
                    continue
                if re.fullmatch(r"\./boot/vmlinuz-.*", name):
                    vmlinuz = reader.read()
                elif re.search(r"/e1000/e1000\.ko(\.xz|\.zst)?$", name):
                    e1000 = _unpack_module(name, reader.read())
    except tarfile.TarError as err:
        broken = str(err)
    finally:
        proc.stdout.close()
        _, err_bytes = proc.communicate()
    if proc.returncode:  # dpkg-deb's words say more than the empty tar stream it left us
        words = err_bytes.decode(errors="replace").strip().splitlines() or ["failed"]
        raise VmLabUnavailable(f"dpkg-deb cannot read {deb.name}: {words[-1]}")
    if broken:
        raise VmLabUnavailable(f"cannot read {deb.name}: {broken}")
    if vmlinuz is None or e1000 is None:
        missing = "boot/vmlinuz-*" if vmlinuz is None else "the e1000 driver"
        raise VmLabUnavailable(f"{deb.name} holds no {missing}: not a Debian amd64 kernel package")
    return vmlinuz, e1000


async def fetch_kernel(workdir: Path, progress: Progress) -> KernelFiles:
    """Look up, download and unpack the guest kernel in ``workdir`` (a temp dir of the build).

    Progress fractions are the stages' shares of a build measured here (~6 s with a near
    mirror): the unpacking of the 70 MB package is the longest part.
    """
    progress(f"looking up {METAPACKAGE}", 0.0)
    package, version = await find_kernel_package(progress)
    progress(f"downloading {package} {version}", 0.1)
    deb = await download(package, workdir)
    progress(f"unpacking {deb.name}", 0.4)
    vmlinuz, e1000 = await asyncio.to_thread(extract, deb)
    deb.unlink()
    return KernelFiles(package, version or deb.name.split("_")[1], vmlinuz, e1000)
