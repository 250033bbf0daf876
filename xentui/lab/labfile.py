"""Writes the lab file (contract 3) for a running lab: hosts' ports, the client key, known_hosts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xentui.lab.lab import Lab


def _q(value: str) -> str:
    """A TOML basic string; JSON's escaping is a subset TOML accepts."""
    return json.dumps(value)


def render_lab_file(lab: Lab, *, absolute: bool = False) -> str:
    """The lab file; key paths relative to the lab's own folder unless ``absolute``."""
    opts = lab.options
    key, known = lab.client_key_path.name, lab.known_hosts_path.name
    if absolute:
        key, known = str(lab.client_key_path), str(lab.known_hosts_path)
    lines = [
        "# Written by `xentui lab`: the embedded lab's hosts and guest, on loopback.",
        f"poll_interval_s = {opts.poll_interval_s}",
        "",
        "[probe]",
        f"buffer_s = {opts.buffer_s}",
        "",
        "[guest]",
        f"name = {_q(opts.guest_name)}",
        f"stream_url = {_q(lab.guest_url)}",
        f"address = {_q(lab.guest.ip)}",
        f"port = {lab.guest_ssh_port}",
        'user = "root"',
        f"identity_file = {_q(key)}",
        f"known_hosts = {_q(known)}",
    ]
    for name, host in lab.hosts.items():
        lines += [
            "",
            "[[host]]",
            f"name = {_q(name)}",
            f"toolstack = {_q(host.toolstack)}",
            'address = "127.0.0.1"',
            f"port = {lab.ssh_port(name)}",
            'user = "root"',
            f"identity_file = {_q(key)}",
            f"known_hosts = {_q(known)}",
            f"migrate_address = {_q(name)}",
        ]
    return "\n".join(lines) + "\n"


def write_lab_file(lab: Lab) -> None:
    lab.config_path.write_text(render_lab_file(lab))
