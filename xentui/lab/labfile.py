"""Writes the lab file for a running lab: hosts' ports, the client key, known_hosts.

The lab file is contract 3 in docs/ARCHITECTURE.md: xentui reads it as any other lab file.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xentui.lab.lab import Lab


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """A TOML basic string that tomllib reads back as exactly ``value``.

    TOML forbids raw control characters (U+0000-U+001F, U+007F) in basic strings and has no
    escape for a lone surrogate (a path decoded with surrogateescape): that is refused.
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(
                f"{value!r}: a lone surrogate (U+{code:04X}) cannot be written in TOML"
            )
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_float(value: float) -> str:
    """A TOML float: Python's repr is one, except for the spellings of infinity and NaN."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


_q = toml_string


def head(
    comment: list[str], poll_interval_s: float, buffer_s: float, guest: str, stream_url: str
) -> list[str]:
    """A lab file's first lines, the same for every lab: what wrote it, the poll interval, the
    probe's buffer, and the ``[guest]`` table's name and stream (the caller adds the rest)."""
    return [
        *(f"# {line}" for line in comment),
        f"poll_interval_s = {toml_float(poll_interval_s)}",
        "",
        "[probe]",
        f"buffer_s = {toml_float(buffer_s)}",
        "",
        "[guest]",
        f"name = {_q(guest)}",
        f"stream_url = {_q(stream_url)}",
    ]


def render_lab_file(lab: Lab, *, absolute: bool = False) -> str:
    """The lab file; key paths relative to the lab's own folder unless ``absolute``."""
    opts = lab.options
    key, known = lab.client_key_path.name, lab.known_hosts_path.name
    if absolute:
        key, known = str(lab.client_key_path), str(lab.known_hosts_path)
    lines = [
        *head(
            ["Written by `xentui lab`: the embedded lab's hosts and guest, on loopback."],
            opts.poll_interval_s,
            opts.buffer_s,
            opts.guest_name,
            lab.guest_url,
        ),
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
    lab.config_path.write_text(render_lab_file(lab), encoding="utf-8")
