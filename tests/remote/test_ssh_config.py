"""What an SSH user expects honoured: ~/.ssh/config aliases, known_hosts, ProxyJump, the agent."""

from __future__ import annotations

import getpass
import os
import subprocess
import time

import pytest

from tests.remote.sshd import RealSshd
from xentui.config import HostConfig, SshTarget
from xentui.remote import HostKeyRejected, open_runner


def alias_config(sshd: RealSshd, alias: str, *, key: bool = True) -> str:
    lines = [
        f"Host {alias}",
        "  HostName 127.0.0.1",
        f"  Port {sshd.port}",
        f"  User {getpass.getuser()}",
    ]
    if key:
        lines.append(f"  IdentityFile {sshd.client_key}")
    return "\n".join(lines) + "\n"


def seed_known_hosts(sshd: RealSshd, home) -> None:
    (home / ".ssh" / "known_hosts").write_text(sshd.known_hosts.read_text())


async def run_on(target: SshTarget) -> str:
    runner = await open_runner(HostConfig(ssh=target))
    try:
        return (await runner.run(["echo", "via", "config"], timeout=5)).stdout
    finally:
        await runner.close()


async def test_alias_hostname_port_user_identityfile_and_default_known_hosts(sshd, home) -> None:
    (home / ".ssh" / "config").write_text(alias_config(sshd, "xen_host_1"))
    seed_known_hosts(sshd, home)
    assert await run_on(SshTarget(name="xen_host_1")) == "via config\n"


async def test_user_known_hosts_file_from_config(sshd, home) -> None:
    cfg = alias_config(sshd, "xen_host_1") + f"  UserKnownHostsFile {sshd.known_hosts}\n"
    (home / ".ssh" / "config").write_text(cfg)
    assert await run_on(SshTarget(name="xen_host_1")) == "via config\n"


async def test_trusting_a_new_key_goes_to_the_default_known_hosts(sshd, home) -> None:
    (home / ".ssh" / "config").write_text(alias_config(sshd, "xen_host_1"))
    with pytest.raises(HostKeyRejected):
        await run_on(SshTarget(name="xen_host_1"))
    runner = await open_runner(
        HostConfig(ssh=SshTarget(name="xen_host_1")), trust_new_host_keys=True
    )
    await runner.close()
    assert f"[127.0.0.1]:{sshd.port}" in (home / ".ssh" / "known_hosts").read_text()
    assert await run_on(SshTarget(name="xen_host_1")) == "via config\n"


async def test_proxyjump_through_a_config_alias(sshd, home) -> None:
    cfg = alias_config(sshd, "jump") + alias_config(sshd, "behind") + "  ProxyJump jump\n"
    (home / ".ssh" / "config").write_text(cfg)
    seed_known_hosts(sshd, home)
    assert await run_on(SshTarget(name="behind")) == "via config\n"


async def test_the_agent_supplies_the_key(sshd, home, tmp_path, monkeypatch) -> None:
    (home / ".ssh" / "config").write_text(alias_config(sshd, "xen_host_1", key=False))
    seed_known_hosts(sshd, home)
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(500):  # 10 s: ssh-agent starts late on a loaded machine
            if sock.exists():
                break
            time.sleep(0.02)
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", "-q", str(sshd.client_key)], env=env, check=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        assert await run_on(SshTarget(name="xen_host_1")) == "via config\n"
    finally:
        agent.terminate()
        agent.wait(5)
