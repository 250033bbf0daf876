"""Running commands on lab machines over real SSH, and the lab's one invariant."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import asyncssh

from xentui.lab import Lab


def root_conn(lab: Lab, host: str) -> AbstractAsyncContextManager[asyncssh.SSHClientConnection]:
    """``async with root_conn(lab, host) as conn``: root over real SSH with the lab's own key."""
    address = lab.guest.ip if host == lab.options.guest_name else "127.0.0.1"
    return asyncssh.connect(
        address,
        lab.ssh_port(host),
        username="root",
        client_keys=[str(lab.client_key_path)],
        known_hosts=str(lab.known_hosts_path),
    )


async def ssh(
    lab: Lab, host: str, command: str, input: str | None = None
) -> asyncssh.SSHCompletedProcess:
    async with root_conn(lab, host) as conn:
        return await conn.run(command, input=input)


def assert_one_guest(lab: Lab) -> None:
    """One guest domain in the whole lab, plainly named, on the host the lab says it is on."""
    found = lab.guest_domains()
    where = lab.where_is_guest()
    if where is None:
        assert found == []
        return
    assert [(h, d.name) for h, d in found] == [(where, lab.options.guest_name)]
