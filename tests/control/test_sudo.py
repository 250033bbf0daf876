"""`sudo = true` for a non-root user, through a real sshd and Debian's real sudo, to a lab host.

The user, its sudoers rule and the sshd are made for the test and removed after it. Skipped
(with the reason) when not root, or when sudo or useradd is missing: CI needs Debian's `sudo`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.need import missing
from tests.remote.sshd import RealSshd, sshd_missing
from xentui.model import DomainState
from xentui.remote.ssh import SshRunner

SUDOERS_D = Path("/etc/sudoers.d")


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root to make a throwaway user and its sudoers rule"
    for tool in ("sudo", "useradd", "userdel", "visudo"):
        if not shutil.which(tool):
            return f"{tool} not installed (Debian package sudo / passwd)"
    if not SUDOERS_D.is_dir():
        return f"{SUDOERS_D} missing: sudo not installed"
    return sshd_missing()


@dataclasses.dataclass
class SudoHost:
    user: str
    sshd: RealSshd
    rule: Path

    def allow(self, *, password: bool, requiretty: bool = False) -> None:
        """The user may run `xm` as root, with or without a password; PATH is ours for xm."""
        tag = "PASSWD" if password else "NOPASSWD"
        xm = self.sshd.bin_dir / "xm"
        path = f"{self.sshd.bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin"
        tty = "" if requiretty else "!"
        text = (
            f'Defaults:{self.user} secure_path="{path}", {tty}requiretty\n'
            f"{self.user} ALL=(root) {tag}: {xm}\n"
        )
        tmp = self.rule.with_name(".tmp-" + self.rule.name)  # sudo skips names with a dot
        tmp.write_text(text)
        tmp.chmod(0o440)
        subprocess.run(["visudo", "-cq", "-f", str(tmp)], check=True)
        tmp.replace(self.rule)


@pytest.fixture
def sudo_host() -> Iterator[SudoHost]:
    why = _missing()
    if why is not None:
        missing(why)
    user = f"xt{os.getpid() % 100000}sudo"
    # sshd reads authorized_keys as the user: the work dir must be readable by it
    work = Path(tempfile.mkdtemp(prefix="xentui-sudo-"))
    work.chmod(0o755)
    rule = SUDOERS_D / f"xentui-test-{user}"
    subprocess.run(
        ["useradd", "-M", "-d", str(work), "-s", "/bin/bash", "-p", "*", user],
        check=True,
        capture_output=True,
    )
    sshd: RealSshd | None = None
    try:
        sshd = RealSshd.start(work / "sshd")
        for p in (work / "sshd", sshd.bin_dir):
            p.chmod(0o755)
        (work / "sshd" / "authorized_keys").chmod(0o644)
        yield SudoHost(user, sshd, rule)
    finally:
        if sshd is not None:
            sshd.kill_all()
        rule.unlink(missing_ok=True)
        subprocess.run(["userdel", "-f", user], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


async def test_sudo_for_a_non_root_user_through_openssh(lab, sudo_host, engine_factory) -> None:
    s = sudo_host
    s.sshd.forward_tool("xm", lab.config.host("xen_host_1"))
    xm = s.sshd.bin_dir / "xm"
    # like the real xm, refuse anyone but root: only sudo can make the commands below work
    script = xm.read_text().replace(
        "#!/bin/bash\n",
        '#!/bin/bash\n[ "$(id -u)" = 0 ] || { echo "xm: must be run as root" >&2; exit 1; }\n',
    )
    xm.write_text(script)
    host = dataclasses.replace(
        s.sshd.host_config("xen_host_1", user=s.user), sudo=True, migrate_address="xen_host_1"
    )
    hosts = tuple(host if h.name == "xen_host_1" else h for h in lab.config.hosts)
    cfg = dataclasses.replace(lab.config, hosts=hosts)

    # without sudo the user's own xm refuses: whatever works below, sudo made it work
    plain = SshRunner(dataclasses.replace(host, sudo=False))
    try:
        alone = await plain.run(["xm", "list"], timeout=10)
    finally:
        await plain.close()
    assert alone.exit_status == 1 and "must be run as root" in alone.stderr

    # a rule that wants a password: reachable, but the list fails with the fix in words
    s.allow(password=True)
    engine, rec = await engine_factory(cfg, interval=0.2)
    assert engine.reachable("xen_host_1"), engine.errors
    error = engine.errors["xen_host_1"] or ""
    assert "sudo: a password is required" in error, error
    assert "NOPASSWD" in error and "xen_host_1" not in engine.snapshots

    # RHEL's requiretty: no password needed, but no terminal either; the fix in words
    s.allow(password=False, requiretty=True)
    await rec.wait_until(lambda: "requiretty" in (engine.errors["xen_host_1"] or ""))
    error = engine.errors["xen_host_1"] or ""
    assert "sudo: sorry, you must have a tty" in error and "!requiretty" in error, error

    # NOPASSWD for xm: the same connection now lists, pauses and unpauses as root
    s.allow(password=False)
    await rec.wait_until(lambda: "xen_host_1" in engine.snapshots)
    assert engine.errors["xen_host_1"] is None
    assert engine.guest_host() == "xen_host_1"
    paused = await engine.pause()
    assert paused.ok, paused.message
    assert paused.result is not None and paused.result.argv == ("xm", "pause", "virt_server")
    assert lab.host("xen_host_1").find("virt_server").paused
    assert engine.snapshots["xen_host_1"].find("virt_server").state is DomainState.PAUSED
    resumed = await engine.unpause()
    assert resumed.ok, resumed.message
    assert not lab.host("xen_host_1").find("virt_server").paused
