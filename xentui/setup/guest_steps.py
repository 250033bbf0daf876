"""Seed steps 8-9, inside the guest: gnump3d installed and running, the media in /home/mp3, and
the stream URL answering with Ogg or audio bytes (read from here, as a viewer would)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import httpx

from xentui.remote.base import HostUnreachable
from xentui.setup.context import GUEST, Context, NoGuestShell
from xentui.setup.results import Command, Finding, FixPlan, Status

MEDIA_ROOT = "/home/mp3"
INSTALL_PATHS = ("/usr/bin/gnump3d", "/usr/local/bin/gnump3d")
MEDIA_SOURCE = "http://www.redhat.com/v/ogg/"
"""Where the seed (2007) fetched its clip with ``wget -c``. Not verified to serve it today: the
fix says so, and a fetch that fails leaves no empty clip under the clip's name (only a hidden
``.NAME.part``, which the next attempt overwrites)."""
STREAM_TIMEOUT_S = 5.0
NO_MEDIA_ROOT = "no-media-root"
P, F, U = Status.PASSED, Status.FAILED, Status.UNKNOWN
NO_SHELL = (
    "the lab file gives no SSH destination for the guest ([guest] address), "
    "so it cannot be looked into"
)


def media_name(ctx: Context) -> str:
    return posixpath.basename(unquote(urlsplit(ctx.config.guest.stream_url).path)) or "?"


async def _in_guest(ctx: Context, argv: list[str]) -> tuple[int | None, str, str]:
    result = await ctx.run(GUEST, argv)
    return result.exit_status, result.stdout, result.output


async def _guest_reason(exc: Exception) -> Finding:
    if isinstance(exc, NoGuestShell):
        return Finding("guest", U, NO_SHELL)
    if isinstance(exc, HostUnreachable):
        return Finding("guest", U, f"cannot reach the guest over SSH: {exc.reason}")
    raise exc


async def _running(ctx: Context) -> Finding:
    status, stdout, output = await _in_guest(ctx, ["pgrep", "gnump3d"])
    if status == 0:
        return Finding("guest", P, f"gnump3d is running (pid {' '.join(stdout.split())})")
    if status == 1:
        return Finding("guest", F, "gnump3d is not running")
    return Finding("guest", U, "could not tell if gnump3d runs", output)


async def check_installed(ctx: Context) -> list[Finding]:
    # `gnump3d --version` would start the server on some builds: look for the program instead
    try:
        _, stdout, output = await _in_guest(ctx, ["ls", *INSTALL_PATHS])
    except (NoGuestShell, HostUnreachable) as exc:
        return [await _guest_reason(exc)]
    found = [ln for ln in stdout.split() if posixpath.basename(ln.rstrip(":")) == "gnump3d"]
    if found:
        return [Finding("guest", P, "gnump3d is installed")]
    where = " or ".join(INSTALL_PATHS)
    return [Finding("guest", F, f"gnump3d is not installed (no {where})", output)]


async def check_media(ctx: Context) -> Finding:
    name = media_name(ctx)
    status, stdout, output = await _in_guest(ctx, ["ls", MEDIA_ROOT])
    if status != 0:
        return Finding("guest", F, f"cannot list {MEDIA_ROOT}", output, kind=NO_MEDIA_ROOT)
    if name in stdout.split():
        return Finding("guest", P, f"{MEDIA_ROOT}/{name} is there")
    return Finding("guest", F, f"{name} is not in {MEDIA_ROOT}", stdout[:200])


async def check_url(url: str, timeout: float = STREAM_TIMEOUT_S) -> Finding:
    """GET the stream and read only its first bytes: status, type and an Ogg (or audio) start."""
    try:
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(timeout)) as client,
            client.stream("GET", url) as response,
        ):
            kind = response.headers.get("content-type", "")
            first = b""
            async for chunk in response.aiter_raw():
                first += chunk
                if len(first) >= 4:
                    break
    except httpx.TimeoutException as exc:
        return Finding(url, F, f"no answer within {timeout:g} s ({type(exc).__name__})")
    except httpx.HTTPError as exc:
        return Finding(url, F, f"no answer: {type(exc).__name__} {exc}".strip())
    shown = readable_bytes(first[:4])
    seen = f"HTTP {response.status_code}, Content-type {kind or 'none'}, first bytes {shown}"
    if response.status_code != 200:
        return Finding(url, F, f"answers {response.status_code}, not 200", seen)
    audio_type = "ogg" in kind or kind.startswith("audio/")
    audio_bytes = first.startswith((b"OggS", b"ID3")) or first[:2] in (b"\xff\xfb", b"\xff\xf3")
    if not audio_type or not audio_bytes:
        return Finding(url, F, "answers 200 but not with Ogg or audio", seen)
    return Finding(url, P, f"answers 200 {kind}, starts with {shown}")


def readable_bytes(data: bytes) -> str:
    """Bytes as a presenter reads them: printable ASCII as is, others as ``\\xff``."""
    text = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in data)
    return text or "(none)"


async def check_stream(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    try:
        findings += [await check_media(ctx), await _running(ctx)]
    except (NoGuestShell, HostUnreachable) as exc:
        findings.append(await _guest_reason(exc))
    findings.append(await check_url(ctx.config.guest.stream_url))
    return findings


async def plan_stream(ctx: Context) -> FixPlan:
    name = media_name(ctx)
    try:
        media, running = await check_media(ctx), await _running(ctx)
    except (NoGuestShell, HostUnreachable) as exc:
        return FixPlan("stream", instructions=(await _guest_reason(exc)).reason)
    commands: list[Command] = []
    notes: list[str] = []
    if media.status is not P:
        if media.kind == NO_MEDIA_ROOT:
            commands.append(Command(GUEST, ("mkdir", "-p", MEDIA_ROOT)))
        # fetched beside its final name, then moved: a failed download leaves no empty clip
        part = f"{MEDIA_ROOT}/.{name}.part"
        url = MEDIA_SOURCE + name
        commands.append(Command(GUEST, ("wget", "-O", part, url)))
        commands.append(Command(GUEST, ("mv", part, f"{MEDIA_ROOT}/{name}")))
        notes.append(
            f"{url} is where the original demo fetched it in 2007: xentui has not checked that "
            f"it still serves {name}. If the download fails, copy your own {name} into "
            f"{MEDIA_ROOT}/ and check again."
        )
    if running.status is P and not commands:
        url_found = await check_url(ctx.config.guest.stream_url)
        return FixPlan(
            "stream",
            instructions=f"gnump3d runs but {url_found.reason}: check its port and root in "
            "/etc/gnump3d/gnump3d.conf.",
        )
    if running.status is not P:
        commands.append(Command(GUEST, ("gnump3d", "--background")))
    return FixPlan("stream", commands=tuple(commands), notes=tuple(notes))


INSTALL_GNUMP3D = (
    "In the guest: unpack gnump3d-2.9.9.9.tar.bz2, then `make install` in its folder "
    "(a judgment call on a real guest: xentui does not install software)."
)
