"""Host keys on a real sshd: unknown and changed refused, trusted accepted, trust-new appends."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from tests.remote.sshd import RealSshd, keygen
from xentui.remote import HostKeyRejected, open_runner


def fingerprint(pub: str) -> str:
    out = subprocess.run(["ssh-keygen", "-lf", pub], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def with_known_hosts(sshd: RealSshd, path):
    host = sshd.host_config("keyhost")
    return dataclasses.replace(host, ssh=dataclasses.replace(host.ssh, known_hosts=path))


async def test_trusted_key_is_accepted(sshd: RealSshd) -> None:
    runner = await open_runner(sshd.host_config())
    try:
        assert (await runner.run(["true"], timeout=5)).ok
    finally:
        await runner.close()


async def test_unknown_key_is_refused_naming_host_and_fingerprint(sshd: RealSshd, tmp_path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(HostKeyRejected) as err:
        await open_runner(with_known_hosts(sshd, empty))
    fp = fingerprint(f"{sshd.host_key}.pub")
    assert err.value.fingerprint == fp and not err.value.changed
    assert err.value.host == "keyhost"
    assert f"[127.0.0.1]:{sshd.port}" in err.value.reason and fp in err.value.reason
    assert "unknown" in err.value.reason
    assert empty.read_text() == ""  # nothing trusted behind the user's back


async def test_changed_key_is_refused_even_when_trusting_new_keys(sshd: RealSshd, tmp_path) -> None:
    other = keygen(tmp_path / "impostor_host_key")
    kind, blob = (tmp_path / "impostor_host_key.pub").read_text().split()[:2]
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {kind} {blob}\n")
    with pytest.raises(HostKeyRejected) as err:
        await open_runner(with_known_hosts(sshd, known), trust_new_host_keys=True)
    assert err.value.changed and "CHANGED" in err.value.reason
    assert fingerprint(f"{sshd.host_key}.pub") in err.value.reason
    assert known.read_text().count("\n") == 1
    assert other.exists()


async def test_trust_new_host_keys_appends_and_the_next_connection_needs_no_trust(
    sshd: RealSshd, tmp_path
) -> None:
    known = tmp_path / "fresh" / "known_hosts"
    host = with_known_hosts(sshd, known)
    runner = await open_runner(host, trust_new_host_keys=True)
    await runner.close()
    line = known.read_text()
    assert line.startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
    runner = await open_runner(host)
    try:
        assert (await runner.run(["true"], timeout=5)).ok
    finally:
        await runner.close()
