"""The lab file's typed records: what the rest of xentui reads once the file has been checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_POLL_INTERVAL_S = 1.0
DEFAULT_BUFFER_S = 5.0


@dataclass(frozen=True, slots=True)
class SshTarget:
    """How to reach a machine over SSH. None means: ask ``~/.ssh/config`` and the defaults."""

    name: str
    address: str | None = None
    port: int | None = None
    user: str | None = None
    identity_file: Path | None = None
    known_hosts: Path | None = None
    kex_algorithms: tuple[str, ...] = ()
    host_key_algorithms: tuple[str, ...] = ()

    @property
    def destination(self) -> str:
        """What to hand to SSH: the address if given, else the name (an ssh_config alias)."""
        return self.address or self.name


@dataclass(frozen=True, slots=True)
class HostConfig:
    """One Xen (or libvirt) host."""

    ssh: SshTarget
    toolstack: str = "xm"
    sudo: bool = False
    transport: str = "ssh"
    """``ssh``, or ``local`` to run the tool directly (the presenter sits on dom0)."""
    migrate_address: str | None = None
    """The name the *other* hosts use to reach this one when migrating to it."""
    migrate_uri: str | None = None
    """libvirt's destination URI when this host is a migration target (None: the default)."""

    @property
    def name(self) -> str:
        return self.ssh.name

    @property
    def migration_target(self) -> str:
        return self.migrate_address or self.ssh.name

    @property
    def migration_uri(self) -> str:
        """Where ``virsh migrate`` sends a guest to this host: ``migrate_uri``, else
        ``qemu+ssh://<migrate_address or name>/system`` as a libvirt user would write it."""
        if self.migrate_uri is not None:
            return self.migrate_uri
        host = self.migration_target
        if ":" in host:  # an IPv6 literal in a URI
            host = f"[{host}]"
        return f"qemu+ssh://{host}/system"


@dataclass(frozen=True, slots=True)
class GuestConfig:
    """The demo guest; ``ssh`` is set when the guest itself answers SSH (setup steps 8-9)."""

    name: str
    stream_url: str
    ssh: SshTarget | None = None


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    buffer_s: float = DEFAULT_BUFFER_S
    """The virtual player's prebuffer, in seconds of media."""


@dataclass(frozen=True, slots=True)
class LabConfig:
    """A whole lab file."""

    path: Path
    guest: GuestConfig
    hosts: tuple[HostConfig, ...]
    probe: ProbeConfig = ProbeConfig()
    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S
    theme: str | None = None
    """``theme``: one of ``ui.THEMES``; None leaves it to --theme or the remembered one."""
    keys: tuple[tuple[str, str], ...] = ()
    """``[keys]``: (action, key) as Textual names keys, for the app's keymap (binding ids)."""

    def host(self, name: str) -> HostConfig:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)
