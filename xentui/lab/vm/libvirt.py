"""One lab host's real libvirt: a ``libvirtd`` in session mode, as the lab's user, in its own dirs.

Two such daemons on one machine are two libvirt hosts to each other, provided their host UUIDs
differ (libvirt refuses to migrate a domain to the host it runs on). Session mode needs no
systemd and no system-wide state: everything lives under the host's folder and goes with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

START_TIMEOUT_S = 15.0
VIRSH_TIMEOUT_S = 120.0


class LibvirtError(Exception):
    """The daemon did not start, in its own last words."""


@dataclass
class LibvirtHost:
    """``libvirtd`` for one host; ``virsh`` runs against it as the same user."""

    name: str
    root: Path
    host_uuid: str
    user: str = "nobody"
    proc: asyncio.subprocess.Process | None = field(default=None, repr=False)

    @property
    def socket(self) -> Path:
        return self.root / "run" / "libvirt" / "libvirt-sock"

    @property
    def uri(self) -> str:
        """libvirt's URI for this daemon, as a migration's destination names it."""
        return f"qemu+unix:///session?socket={quote(str(self.socket), safe='/')}"

    def env(self) -> dict[str, str]:
        r = self.root
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": str(r),
            "XDG_RUNTIME_DIR": str(r / "run"),
            "XDG_CONFIG_HOME": str(r / "config"),
            "XDG_CACHE_HOME": str(r / "cache"),
            "XDG_DATA_HOME": str(r / "data"),
            "LC_ALL": "C",
        }

    def _ids(self) -> tuple[int, int]:
        pw = pwd.getpwnam(self.user)
        return pw.pw_uid, pw.pw_gid

    def prepare(self) -> None:
        """The host's folders, owned by its user, with a libvirtd.conf naming its UUID."""
        uid, gid = self._ids()
        for sub in ("run", "config/libvirt", "cache", "data", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        conf = self.root / "config" / "libvirt" / "libvirtd.conf"
        conf.write_text(f'host_uuid = "{self.host_uuid}"\n')
        for path in [self.root, *self.root.rglob("*")]:
            os.chown(path, uid, gid)
        (self.root / "run").chmod(0o700)

    async def start(self) -> None:
        if shutil.which("libvirtd", path="/usr/sbin:/usr/bin:/sbin") is None:
            raise LibvirtError("libvirtd not found: apt-get install libvirt-daemon")
        self.prepare()
        uid, gid = self._ids()
        log = (self.root / "log" / "libvirtd.log").open("wb")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                "libvirtd",
                env=self.env(),
                user=uid,
                group=gid,
                extra_groups=[],
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT_S
        while not self.socket.exists():
            if self.proc.returncode is not None or loop.time() > deadline:
                tail = self._log_tail()
                await self.stop()
                raise LibvirtError(f"libvirtd for {self.name} did not start: {tail}")
            await asyncio.sleep(0.05)
        rc, _out, err = await self.virsh("version")
        if rc != 0:
            await self.stop()
            raise LibvirtError(f"libvirtd for {self.name} does not answer: {err.strip()}")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            lines = (self.root / "log" / "libvirtd.log").read_text(errors="replace").splitlines()
            fatal = [ln for ln in lines if "error" in ln.lower()]
            return (fatal or lines or ["no output"])[-1]
        return "no output"

    async def virsh(
        self, *args: str, timeout: float = VIRSH_TIMEOUT_S, stdin: bytes | None = None
    ) -> tuple[int, str, str]:
        """Real ``virsh -c <this daemon>``; (exit status, stdout, stderr)."""
        uid, gid = self._ids()
        proc = await asyncio.create_subprocess_exec(
            "virsh",
            "-c",
            self.uri,
            *args,
            env=self.env(),
            user=uid,
            group=gid,
            extra_groups=[],
            cwd=str(self.root),
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            async with asyncio.timeout(timeout):
                out, err = await proc.communicate(stdin)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
            raise
        rc = proc.returncode if proc.returncode is not None else -1
        return rc, out.decode(errors="replace"), err.decode(errors="replace")

    async def stop(self) -> None:
        """The daemon's process group goes (SIGTERM, then SIGKILL). The QEMUs it started are
        daemonized into sessions of their own: the lab's namespace sweep (netns.kill_all)
        removes them, not this."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                async with asyncio.timeout(3.0):
                    await proc.wait()
                return
            except TimeoutError:
                continue
