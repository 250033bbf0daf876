"""What a lab keeps between starts in its folder: its block, ports, host keys and client key.

Issue 10.5: `xentui lab --config-out F` started again drew new ports, keys and a new guest
address, so an app left running on F never got back in (the ports were gone, and where one
matched, the host key had changed). With ``LabOptions.keep_state`` the lab's folder holds
``lab-state.json`` and the keys; the next start takes the same again where it can, and for
each thing it cannot keep (a port another program holds now, a block taken, a key file that will
not read) it says so in one line: those lines are ``notes``, which `xentui lab` prints.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from xentui.config.read import read_regular
from xentui.lab.addresses import GUEST_OCTET, free_block, pick_port, port_free

STATE_FILE = "lab-state.json"
STATE_MAX = 1 << 20


@dataclass
class LabState:
    """Where the lab was (read at start, when kept), and what it cannot keep this time."""

    folder: Path
    keep: bool
    base: str = ""
    relocation_port: int = 0
    stream_port: int = 0
    ssh_ports: dict[str, int] = field(default_factory=dict)
    """The port each machine's SSH server had, by machine name (hosts and the guest)."""
    notes: list[str] = field(default_factory=list)
    """One line per thing not kept: printed by `xentui lab`."""
    resumed: bool = False
    """A state file was read: this start continues the last one."""

    @classmethod
    def load(cls, folder: Path, keep: bool) -> LabState:
        """The folder's last state; a fresh one when not kept, absent or unreadable (noted)."""
        state = cls(folder, keep)
        path = folder / STATE_FILE
        if not keep or not path.exists():
            return state
        try:
            data = json.loads(read_regular(path, STATE_MAX, "a lab state file"))
            state.base = str(data["base"])
            state.relocation_port = int(data["relocation_port"])
            state.stream_port = int(data["stream_port"])
            state.ssh_ports = {str(k): int(v) for k, v in dict(data["ssh_ports"]).items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
            state.notes.append(f"{path} unreadable ({why}): new addresses, ports and keys")
            return cls(folder, keep, notes=state.notes)
        state.resumed = True
        return state

    def block(self) -> str:
        """The last start's 127.A.B block when its guest address is free, else a new one."""
        if self.base:
            if port_free(f"{self.base}.{GUEST_OCTET}", self.stream_port or 1):
                return self.base
            self.notes.append(
                f"addresses {self.base}.0/24 are taken now: the lab moves to a new block"
                " (an app on the old lab file must restart)"
            )
            self.relocation_port = self.stream_port = 0
        return free_block()

    def port(self, what: str, ips: list[str], wanted: int, last: int) -> int:
        """``last`` again when free on every address, else ``wanted`` or any free port (noted)."""
        if last and all(port_free(ip, last) for ip in ips):
            return last
        port = pick_port(ips, wanted)
        if last:
            self.notes.append(f"{what} port {last} is taken by another program: now {port}")
        return port

    def ssh_port(self, name: str, bind: str) -> int:
        """The machine's last SSH port when free, else 0: the server takes any (``moved``)."""
        last = self.ssh_ports.get(name, 0)
        return last if last and port_free(bind, last) else 0

    def moved(self, name: str, port: int) -> None:
        """Say where a machine's SSH server listens when that is not its last port."""
        last = self.ssh_ports.get(name, 0)
        if last and last != port:
            self.notes.append(f"{name}'s SSH port {last} is taken by another program: now {port}")

    def key(self, name: str) -> asyncssh.SSHKey:
        """The key kept as ``name`` in the folder; a new one (written there) when none reads."""
        path = self.folder / name
        if self.keep and path.exists():
            try:
                return asyncssh.import_private_key(read_regular(path, STATE_MAX, "a key file"))
            except (OSError, ValueError, asyncssh.KeyImportError) as exc:
                why = exc.strerror if isinstance(exc, OSError) else str(exc)
                self.notes.append(f"{path} unreadable ({why}): a new key")
        key = asyncssh.generate_private_key("ssh-ed25519", comment=f"xentui-lab {name}")
        if self.keep:
            path.write_bytes(key.export_private_key("openssh"))
            os.chmod(path, 0o600)
        return key

    def save(self, base: str, relocation_port: int, stream_port: int, ssh: dict[str, int]) -> None:
        """Write where the lab is now, for the next start (when kept)."""
        if not self.keep:
            return
        data = {
            "base": base,
            "relocation_port": relocation_port,
            "stream_port": stream_port,
            "ssh_ports": ssh,
        }
        tmp = self.folder / f".{STATE_FILE}.tmp"
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        tmp.replace(self.folder / STATE_FILE)
