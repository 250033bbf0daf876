"""A lab file's parsed TOML tables to typed config: each table and key checked, in file order.

Raises FieldError (where and what); ``load.parse_config`` adds the file name and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xentui.config import fields as check
from xentui.config import ui as config_ui
from xentui.config.fields import FieldError
from xentui.config.source import Section, quote, show
from xentui.config.types import (
    DEFAULT_POLL_INTERVAL_S,
    GuestConfig,
    HostConfig,
    LabConfig,
    ProbeConfig,
    SshTarget,
)
from xentui.toolstack import TOOLSTACKS

MAX_POLL_INTERVAL_S = 60.0
"""A slower poll would show a migration that finished a minute ago as still running."""
MAX_BUFFER_S = 600.0
TRANSPORTS = ("ssh", "local")

_SSH_KEYS = (
    "address",
    "port",
    "user",
    "identity_file",
    "known_hosts",
    "kex_algorithms",
    "host_key_algorithms",
)
_ROOT_KEYS = ("poll_interval_s", "theme", "probe", "guest", "host", "keys")
_PROBE_KEYS = ("buffer_s",)
_GUEST_KEYS = ("name", "stream_url", *_SSH_KEYS)
_HOST_KEYS = (
    "name",
    "toolstack",
    "transport",
    "sudo",
    "migrate_address",
    "migrate_uri",
    *_SSH_KEYS,
)


def build(tables: dict[str, Any], path: Path) -> LabConfig:
    base = path.expanduser().absolute().parent
    check.known_keys((), tables, _ROOT_KEYS)
    poll = DEFAULT_POLL_INTERVAL_S
    if "poll_interval_s" in tables:
        poll = check.seconds((), "poll_interval_s", tables["poll_interval_s"], MAX_POLL_INTERVAL_S)
    probe = ProbeConfig()
    if "probe" in tables:
        probe_table = check.table((), "probe", tables["probe"], "[probe]")
        check.known_keys(("probe",), probe_table, _PROBE_KEYS)
        if "buffer_s" in probe_table:
            buffer_s = check.seconds(("probe",), "buffer_s", probe_table["buffer_s"], MAX_BUFFER_S)
            probe = ProbeConfig(buffer_s=buffer_s)
    theme = config_ui.theme((), "theme", tables["theme"]) if "theme" in tables else None
    keys = config_ui.keys(tables["keys"]) if "keys" in tables else ()
    guest = _guest(tables, base)
    hosts = _hosts(tables, base)
    seen: dict[str, int] = {}
    for index, host in enumerate(hosts):
        # host names are DNS names: XEN_HOST_1 and xen_host_1 reach the same machine
        if host.name.casefold() in seen:
            other = seen[host.name.casefold()]
            raise FieldError(
                ("host", index),
                "name",
                f"duplicate host name {quote(host.name)}: host[{other}] has it too",
            )
        seen[host.name.casefold()] = index
    if guest.name.casefold() in seen:
        other = seen[guest.name.casefold()]
        raise FieldError(
            ("guest",),
            "name",
            f"the guest has the name of host[{other}] ({quote(guest.name)}): names must differ",
        )
    return LabConfig(
        path=path.expanduser().absolute(),
        guest=guest,
        hosts=hosts,
        probe=probe,
        poll_interval_s=poll,
        theme=theme,
        keys=keys,
    )


def _guest(tables: dict[str, Any], base: Path) -> GuestConfig:
    if "guest" not in tables:
        raise FieldError((), "guest", "missing table: expected [guest] with name and stream_url")
    if isinstance(tables["guest"], list):
        raise FieldError((), "guest", "expected one [guest] table, got an array [[guest]]")
    section = ("guest",)
    table = check.table((), "guest", tables["guest"], "[guest]")
    check.known_keys(section, table, _GUEST_KEYS)
    raw_name = check.required(section, table, "name", 'the guest\'s name, e.g. "virt_server"')
    name = check.domain_name(section, "name", raw_name)
    raw_url = check.required(section, table, "stream_url", "the URL of the guest's stream")
    url = check.stream_url(section, "stream_url", raw_url)
    has_ssh = any(key in table for key in _SSH_KEYS)
    ssh = _ssh_target(section, table, name, base) if has_ssh else None
    return GuestConfig(name=name, stream_url=url, ssh=ssh)


def _hosts(tables: dict[str, Any], base: Path) -> tuple[HostConfig, ...]:
    raw = tables.get("host")
    if isinstance(raw, dict):
        raise FieldError(
            (), "host", "expected [[host]] tables (double brackets), got a single table [host]"
        )
    if raw is not None and not isinstance(raw, list):
        raise FieldError((), "host", f"expected [[host]] tables, got {show(raw)}")
    if not raw:
        raise FieldError((), "host", "no hosts: expected at least one [[host]] table with a name")
    return tuple(_host(index, item, base) for index, item in enumerate(raw))


def _host(index: int, item: object, base: Path) -> HostConfig:
    section = ("host", index)
    table = check.table(("host",), index, item, "[[host]]")
    check.known_keys(section, table, _HOST_KEYS)
    raw_name = check.required(section, table, "name", 'the host\'s name, e.g. "xen_host_1"')
    name = check.host_name(section, "name", raw_name)
    toolstack = check.choice(section, "toolstack", table.get("toolstack", "xm"), TOOLSTACKS)
    transport = check.choice(section, "transport", table.get("transport", "ssh"), TRANSPORTS)
    sudo = check.boolean(section, "sudo", table["sudo"]) if "sudo" in table else False
    migrate_address = None
    if "migrate_address" in table:
        migrate_address = check.host_name(section, "migrate_address", table["migrate_address"])
    migrate_uri = None
    if "migrate_uri" in table:
        migrate_uri = check.libvirt_uri(section, "migrate_uri", table["migrate_uri"])
    if transport == "local":
        for key in _SSH_KEYS:
            if key in table:
                raise FieldError(
                    section,
                    key,
                    'has no effect with transport = "local" (commands run here): '
                    'remove it or use transport = "ssh"',
                )
    return HostConfig(
        ssh=_ssh_target(section, table, name, base),
        toolstack=toolstack,
        sudo=sudo,
        transport=transport,
        migrate_address=migrate_address,
        migrate_uri=migrate_uri,
    )


def _ssh_target(section: Section, table: dict[str, Any], name: str, base: Path) -> SshTarget:
    def get(key: str, parse: Any) -> Any:
        return parse(section, key, table[key]) if key in table else None

    identity = None
    if "identity_file" in table:
        identity = check.file_path(
            section, "identity_file", table["identity_file"], base, must_exist=True
        )
    known_hosts = None
    if "known_hosts" in table:
        # may not exist yet: trusting a host key on first contact creates it
        known_hosts = check.file_path(
            section, "known_hosts", table["known_hosts"], base, must_exist=False
        )
    user = None
    if "user" in table:
        user = check.word(section, "user", table["user"], "a user name")
    kex = check.words(section, "kex_algorithms", table.get("kex_algorithms", []), "algorithm name")
    host_keys = check.words(
        section, "host_key_algorithms", table.get("host_key_algorithms", []), "algorithm name"
    )
    return SshTarget(
        name=name,
        address=get("address", check.host_name),
        port=get("port", check.port),
        user=user,
        identity_file=identity,
        known_hosts=known_hosts,
        kex_algorithms=kex,
        host_key_algorithms=host_keys,
    )
