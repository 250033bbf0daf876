"""A "RHEL 5 era" sshd: SHA-1 key exchanges, ssh-rsa/ssh-dss host keys; the words on failure."""

from __future__ import annotations

import dataclasses

import pytest

from xentui.remote import NegotiationFailed, open_runner

# RHEL 5's finite-field Diffie-Hellman is the point of these tests, not a mistake to be warned of
pytestmark = pytest.mark.filterwarnings(
    "ignore:Diffie-Hellman over finite fields:cryptography.utils.CryptographyDeprecationWarning"
)

RHEL5 = "HostKeyAlgorithms ssh-rsa\nKexAlgorithms diffie-hellman-group14-sha1\n"


def limited(sshd, **ssh):
    host = sshd.host_config("xen_host_1")
    return dataclasses.replace(host, ssh=dataclasses.replace(host.ssh, **ssh))


async def echo(host) -> str:
    runner = await open_runner(host)
    try:
        return (await runner.run(["echo", "ok"], timeout=5)).stdout
    finally:
        await runner.close()


async def test_group14_sha1_and_ssh_rsa_work_by_default(sshd_factory) -> None:
    sshd = sshd_factory(host_key_type="rsa", extra=RHEL5)
    assert await echo(limited(sshd)) == "ok\n"


async def test_a_client_limited_to_algorithms_the_server_lacks_is_told_the_fix(
    sshd_factory,
) -> None:
    sshd = sshd_factory(host_key_type="rsa", extra=RHEL5)
    with pytest.raises(NegotiationFailed) as err:
        await echo(limited(sshd, kex_algorithms=("curve25519-sha256",)))
    reason = err.value.reason
    assert "no common key exchange algorithm with xen_host_1" in reason
    assert 'kex_algorithms = ["diffie-hellman-group14-sha1"]' in reason
    assert "KexAlgorithms +diffie-hellman-group14-sha1" in reason


@pytest.mark.parametrize(
    "kex", ["diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1"]
)
async def test_older_kex_is_refused_by_default_and_allowed_by_the_setting(
    sshd_factory, kex
) -> None:
    sshd = sshd_factory(
        host_key_type="rsa", extra=f"HostKeyAlgorithms ssh-rsa\nKexAlgorithms {kex}\n"
    )
    with pytest.raises(NegotiationFailed) as err:
        await echo(limited(sshd))
    assert f'kex_algorithms = ["{kex}"]' in err.value.reason
    assert await echo(limited(sshd, kex_algorithms=(kex,))) == "ok\n"


async def test_ssh_dss_host_key_follows_known_hosts_else_the_setting(
    sshd_factory, tmp_path
) -> None:
    sshd = sshd_factory(
        host_key_type="dsa",
        extra="HostKeyAlgorithms ssh-dss\nKexAlgorithms diffie-hellman-group14-sha1\n",
    )
    # asyncssh offers the algorithm of a key already in known_hosts: a known DSA host works
    assert await echo(limited(sshd)) == "ok\n"
    # an unknown one fails on negotiation, before any key could be shown for trust
    empty = tmp_path / "empty_known_hosts"
    with pytest.raises(NegotiationFailed) as err:
        await echo(limited(sshd, known_hosts=empty))
    assert 'host_key_algorithms = ["ssh-dss"]' in err.value.reason
    assert "HostKeyAlgorithms +ssh-dss" in err.value.reason
