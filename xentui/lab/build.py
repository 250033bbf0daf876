"""Builds a lab's machines: addresses, keys, hosts and guest with their sshd, the ready state.

Kept apart from ``lab.py`` (what a running lab does) because it runs once, at start.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from xentui.config import load_config
from xentui.lab.addresses import GUEST_OCTET, RELOCATION_PORT, STREAM_PORT
from xentui.lab.labfile import write_lab_file
from xentui.lab.labstate import LabState
from xentui.lab.machine import coreutils, known_hosts, sshkey_cli, sshkeys
from xentui.lab.machine.shell import Machine
from xentui.lab.machine.sshserver import SshEndpoint
from xentui.lab.streaming import guest_cli
from xentui.lab.streaming.guest import Guest
from xentui.lab.streaming.media import media_path
from xentui.lab.xen import services, xl_cli, xl_transport, xm_cli
from xentui.lab.xen.files import guest_config
from xentui.lab.xen.host import SHARED, Mount, SimHost

if TYPE_CHECKING:
    from xentui.lab.lab import Lab


async def build(lab: Lab) -> None:
    """Addresses, keys, hosts with their files and sshd, the guest, then the lab file."""
    opts = lab.options
    if lab.workdir is None:
        lab._tmp = tempfile.TemporaryDirectory(prefix="xentui-lab-")
        lab.workdir = Path(lab._tmp.name)
    lab.workdir.mkdir(parents=True, exist_ok=True)
    state = lab.state = LabState.load(lab.workdir, opts.keep_state)
    base = state.block()
    lab.base = base
    ips = [f"{base}.{i}" for i in range(1, opts.hosts + 1)]
    reloc_port = state.port("relocation", ips, RELOCATION_PORT, state.relocation_port)
    guest_ip = f"{base}.{GUEST_OCTET}"
    stream_port = state.port("the stream's", [guest_ip], STREAM_PORT, state.stream_port)

    client_key = state.key("client_key")
    lab.client_key = client_key
    lab.client_key_path = lab.workdir / "client_key"
    lab.client_key_path.write_bytes(client_key.export_private_key("openssh"))
    os.chmod(lab.client_key_path, 0o600)
    (lab.workdir / "client_key.pub").write_bytes(client_key.export_public_key("openssh"))

    lab.guest = Guest(
        opts.guest_name,
        guest_ip,
        stream_port,
        media_path(opts.media),
        mem_mib=opts.guest_mem_mib,
        clock=lab.clock,
    )
    for i, ip in enumerate(ips, start=1):
        name = f"xen_host_{i}"
        host = SimHost(
            name,
            i,
            ip,
            toolstack=opts.toolstack_of(i),
            xm_version=opts.xm_version,
            reloc_port=reloc_port,
            fresh=opts.fresh,
            clock=lab.clock,
        )
        host.vfs.write(
            f"/etc/xen/{opts.guest_name}",
            guest_config(opts.guest_name, opts.guest_mem_mib, ready=not opts.fresh),
        )
        lab.hosts[name] = host
        commands = {**coreutils.COMMANDS, **services.COMMANDS, **sshkey_cli.COMMANDS}
        commands[host.toolstack] = xm_cli.xm if host.toolstack == "xm" else xl_cli.xl
        machine = Machine(name, host.vfs, commands, lab)
        lab.endpoints[name] = SshEndpoint(
            machine,
            "127.0.0.1",
            state.key(f"host_key_{name}"),
            client_key,
            port=state.ssh_port(name, "127.0.0.1"),
            streams=xl_transport.streams_for(lab, host),
        )
    guest_machine = Machine(
        opts.guest_name, lab.guest.vfs, {**coreutils.COMMANDS, **guest_cli.COMMANDS}, lab
    )
    lab.guest_endpoint = SshEndpoint(
        guest_machine,
        guest_ip,
        state.key(f"host_key_{opts.guest_name}"),
        client_key,
        port=state.ssh_port(opts.guest_name, guest_ip),
        gate=lab._guest_gate,
    )
    if not opts.fresh:
        first = lab.hosts["xen_host_1"]
        dom = first.new_domain(opts.guest_name, opts.guest_mem_mib, paused=False)
        dom.cpu_s = 37.2
        lab.guest.place(first, dom)
        lab.guest.put_media()
        await lab.guest.start_gnump3d()
        sshkeys.trust_each_other({n: h.vfs for n, h in lab.hosts.items()})
        for host in lab.hosts.values():
            if not host.storage_server:
                host.mounts.append(Mount(f"xen_host_1:{SHARED}", SHARED, "xen_host_1"))
    known_hosts.install_global(lab)
    machines = {**lab.endpoints, opts.guest_name: lab.guest_endpoint}
    await asyncio.gather(*(_start(state, n, ep) for n, ep in machines.items()))
    for host in lab.hosts.values():
        await lab._apply_relocation(host)
    write_files(lab)
    state.save(base, reloc_port, stream_port, {n: ep.port for n, ep in machines.items()})


async def _start(state: LabState, name: str, endpoint: SshEndpoint) -> None:
    """Start a machine's SSH server on its last port; on any port if that one was just taken."""
    try:
        await endpoint.start()
    except OSError:
        if not endpoint.port:
            raise
        endpoint.port = 0  # taken between the check and the bind
        await endpoint.start()
    state.moved(name, endpoint.port)


def write_files(lab: Lab) -> None:
    """known_hosts for clients outside the lab, and the lab file (contract 3 in
    docs/ARCHITECTURE.md)."""
    assert lab.workdir is not None
    lab.known_hosts_path = lab.workdir / "known_hosts"
    lines = [ep.known_hosts_line() for ep in lab.endpoints.values()]
    lines.append(lab.guest_endpoint.known_hosts_line())
    lab.known_hosts_path.write_text("".join(lines))
    lab.config_path = lab.workdir / "xentui.toml"
    write_lab_file(lab)
    lab.config = load_config(lab.config_path)
