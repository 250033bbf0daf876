"""A real OpenSSH sshd on a loopback port, for tests and benchmarks (importable by other parts).

Usage: ``with RealSshd.start(tmp_path) as sshd: sshd.host_config()``. Its sessions see
``sshd.bin_dir`` first on PATH, so a test puts a tool there (``sshd.forward_tool("xm", lab_host)``
makes ``xm`` over this sshd run ``xm`` on a lab host through OpenSSH's own client).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from xentui.config import HostConfig, SshTarget

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def sshd_missing() -> str | None:
    """Why a real sshd cannot run here, or None."""
    if not Path(SSHD).exists():
        return f"OpenSSH sshd not installed ({SSHD}); apt-get install openssh-server"
    if not shutil.which("ssh-keygen"):
        return "ssh-keygen not installed"
    return None


def keygen(path: Path, kind: str = "ed25519") -> Path:
    """A passphrase-less key pair at path (and path.pub); reused when it exists."""
    if not path.exists():
        bits = ["-b", "2048"] if kind == "rsa" else []
        subprocess.run(
            ["ssh-keygen", "-q", "-t", kind, *bits, "-N", "", "-C", "xentui-test", "-f", str(path)],
            check=True,
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RealSshd:
    workdir: Path
    port: int
    host_key: Path
    client_key: Path
    known_hosts: Path
    bin_dir: Path
    proc: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=Path)

    @classmethod
    def start(
        cls,
        workdir: Path,
        *,
        host_key_type: str = "ed25519",
        extra: str = "",
        client_key: Path | None = None,
    ) -> RealSshd:
        workdir.mkdir(parents=True, exist_ok=True)
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # privilege separation dir
        host_key = keygen(workdir / f"host_{host_key_type}", host_key_type)
        client_key = client_key or keygen(workdir / "client_ed25519")
        auth = workdir / "authorized_keys"
        auth.write_text(Path(f"{client_key}.pub").read_text())
        bin_dir = workdir / "bin"
        bin_dir.mkdir(exist_ok=True)
        port = free_port()
        known = workdir / "known_hosts"
        pub = Path(f"{host_key}.pub").read_text().split()
        known.write_text(f"[127.0.0.1]:{port} {pub[0]} {pub[1]}\n")
        conf = workdir / "sshd_config"
        conf.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"PidFile {workdir / 'sshd.pid'}\nAuthorizedKeysFile {auth}\n"
            "UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            # SHLVL=1: bash skips ~/.bashrc for sshd sessions only at top level; the runner's own
            # rc file (here pyenv's, ~0.1 s) would otherwise dominate every command's cost
            f"SetEnv PATH={bin_dir}:/usr/local/bin:/usr/bin:/bin SHLVL=1\n"
            "LogLevel ERROR\n" + extra
        )
        sshd = cls(workdir, port, host_key, client_key, known, bin_dir, log=workdir / "sshd.log")
        with sshd.log.open("wb") as log:
            sshd.proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(conf)], stdout=log, stderr=subprocess.STDOUT
            )
        sshd._wait_listening()
        return sshd

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"sshd did not listen on {self.port}: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def children(self) -> list[int]:
        """Per-connection sshd processes forked by this sshd (found by parent pid)."""
        assert self.proc is not None
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids

    def kill_all(self) -> None:
        """The machine went away: the listener and every open session die at once."""
        kids = self.children() if self.proc and self.proc.poll() is None else []
        self.stop()
        for pid in kids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def restart(self) -> None:
        """Back on the same port with the same keys."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(self.workdir / "sshd_config")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_listening()

    def __enter__(self) -> RealSshd:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def target(self, name: str = "sshd-under-test", **kw: object) -> SshTarget:
        base: dict[str, object] = {
            "address": "127.0.0.1",
            "port": self.port,
            "user": getpass.getuser(),
            "identity_file": self.client_key,
            "known_hosts": self.known_hosts,
        }
        base.update(kw)
        return SshTarget(name=name, **base)  # type: ignore[arg-type]

    def host_config(self, name: str = "sshd-under-test", *, toolstack: str = "xm", **kw: object):
        return HostConfig(ssh=self.target(name, **kw), toolstack=toolstack)

    def put_tool(self, name: str, script: str) -> Path:
        """A shell script on the sessions' PATH."""
        path = self.bin_dir / name
        path.write_text("#!/bin/bash\n" + script)
        path.chmod(0o755)
        return path

    def forward_tool(self, tool: str, to: HostConfig) -> Path:
        """``tool ARGS`` in a session here runs ``tool ARGS`` on another SSH host via OpenSSH."""
        s = to.ssh
        opts = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
        if s.port:
            opts += ["-p", str(s.port)]
        if s.identity_file:
            opts += ["-i", str(s.identity_file), "-o", "IdentitiesOnly=yes"]
        if s.known_hosts:
            opts += ["-o", f"UserKnownHostsFile={s.known_hosts}"]
        dest = f"{s.user}@{s.destination}" if s.user else s.destination
        ssh = " ".join(shlex.quote(a) for a in ["ssh", *opts, dest])
        # requote each argument: the far side reads one command string, as sshd does
        return self.put_tool(tool, f'exec {ssh} "{tool} $(printf \'%q \' "$@")"\n')


def env_has_ci() -> bool:
    return bool(os.environ.get("CI"))
