"""The VM lab's lab file: its hosts over the lab's SSH, their toolstack and migration target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xentui.lab.labfile import head, toml_string

if TYPE_CHECKING:
    from xentui.lab.vm.vmlab import VmLab

_q = toml_string


def render(lab: VmLab) -> str:
    """Absolute paths: the file is read from inside and outside the lab's folder alike."""
    opts = lab.options
    key, known = str(lab.client_key_path), str(lab.known_hosts_path)
    lines = head(
        [
            "Written by `xentui lab --vm`: real hosts and a real QEMU guest, reached inside",
            f"the network namespace {lab.netns} (ip netns exec {lab.netns} xentui ...).",
        ],
        opts.poll_interval_s,
        opts.buffer_s,
        opts.guest_name,
        lab.guest_url,
    )
    for name in lab.host_names:
        lines += [
            "",
            "[[host]]",
            f"name = {_q(name)}",
            f"toolstack = {_q(opts.toolstack)}",
            'address = "127.0.0.1"',
            f"port = {lab.ssh_port(name)}",
            'user = "root"',
            f"identity_file = {_q(key)}",
            f"known_hosts = {_q(known)}",
        ]
        # virsh migrates to the target's libvirt URI; xm and xl name the target host, which
        # the lab's xm/xl face resolves to that host's QEMU
        host = lab.hosts.get(name)
        lines.append(f"migrate_uri = {_q(host.uri)}" if host else f"migrate_address = {_q(name)}")
    return "\n".join(lines) + "\n"
