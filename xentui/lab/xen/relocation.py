"""Each host's relocation listener, (re)started from what xend last read in xend-config.sxp.

An xl host has no listener (no xend): its receiver object only serves `xl migrate-receive`.

xend binds ``xend-relocation-address`` (``''`` = every interface, ``localhost`` = none a peer can
reach) on ``xend-relocation-port``, and drops peers that no ``hosts-allow`` regex matches.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING

from xentui.lab.xen.host import hosts_allow_admits

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.xen.host import SimHost

from xentui.lab.xen import migration

LOCAL_ONLY = {"localhost", "127.0.0.1", "localhost.localdomain"}


def admit(lab: Lab, host: SimHost, peer_ip: str) -> str | None:
    """None to accept the peer, else why xend refuses it (also the lab's storage check)."""
    if host.toolstack == "xm" and not hosts_allow_admits(
        host.relocation.hosts_allow, lab.name_of(peer_ip), peer_ip
    ):
        return "hosts-allow"
    if not host.shared_storage_ok():
        return "storage"
    return None


async def apply_relocation(lab: Lab, host: SimHost) -> None:
    old = lab.relocation.pop(host.name, None)
    if old is not None:
        with contextlib.suppress(Exception):
            await old.close()
    reloc = host.relocation
    if host.toolstack == "xm":
        if not reloc.server or reloc.address in LOCAL_ONLY:
            return
        if reloc.address not in ("", "0.0.0.0", host.name, host.ip):
            return  # an address this host does not have: xend's bind fails, nothing listens
        port = reloc.port
    else:
        port = 0  # xl has no listener: `xl migrate-receive` serves it over the host's sshd
    from xentui.lab.xen.migrate_cmd import on_incoming

    server = migration.RelocationServer(
        host.ip,
        port,
        admit=functools.partial(admit, lab, host),
        on_incoming=functools.partial(on_incoming, lab, host),
        clock=lab.clock,
    )
    if host.toolstack == "xm":
        try:
            await server.start()
        except OSError:
            return  # port taken: xend logs it and runs without relocation
    lab.relocation[host.name] = server
