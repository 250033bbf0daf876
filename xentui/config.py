"""The lab file: a TOML description of the demo's hosts, guest and probe, as typed frozen objects.

Every error is a single line naming the file, the line where TOML gives one, the key and what was
expected, because the presenter reads it on stage and must fix it in one edit.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xentui import config_fields as check
from xentui.config_fields import FieldError
from xentui.config_source import Locator, Section, dotted, printable, quote, show
from xentui.toolstack import TOOLSTACKS

DEFAULT_POLL_INTERVAL_S = 1.0
DEFAULT_BUFFER_S = 5.0
MAX_POLL_INTERVAL_S = 60.0
"""A slower poll would show a migration that finished a minute ago as still running."""
MAX_BUFFER_S = 600.0
TRANSPORTS = ("ssh", "local")


class ConfigError(Exception):
    """One readable line: file, line (if known), key, and what was expected."""

    def __init__(
        self, path: Path | str, message: str, *, key: str = "", line: int | None = None
    ) -> None:
        self.path, self.key, self.line, self.message = Path(path), key, line, message
        # a file name or key may hold a newline: escape it, the message stays one line
        where = printable(str(self.path)) + (f":{line}" if line else "")
        what = f" [{printable(key)}]" if key else ""
        super().__init__(f"{where}:{what} {printable(message)}")


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

    @property
    def name(self) -> str:
        return self.ssh.name

    @property
    def migration_target(self) -> str:
        return self.migrate_address or self.ssh.name


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

    def host(self, name: str) -> HostConfig:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)


_SSH_KEYS = (
    "address",
    "port",
    "user",
    "identity_file",
    "known_hosts",
    "kex_algorithms",
    "host_key_algorithms",
)
_ROOT_KEYS = ("poll_interval_s", "probe", "guest", "host")
_PROBE_KEYS = ("buffer_s",)
_GUEST_KEYS = ("name", "stream_url", *_SSH_KEYS)
_HOST_KEYS = ("name", "toolstack", "transport", "sudo", "migrate_address", *_SSH_KEYS)
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def config_places(
    cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Path, ...]:
    """Where a lab file is looked for, in order: ./xentui.toml, then the XDG config dir."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME", "")
    # the XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    config_home = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".config"
    return ((cwd or Path.cwd()) / "xentui.toml", config_home / "xentui" / "xentui.toml")


def find_config(
    explicit: str | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The lab file to load: ``--config`` if given, else the first of :func:`config_places`."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not _exists(path):
            raise ConfigError(path, "no such file (given with --config)")
        return path
    places = config_places(cwd, environ)
    for place in places:
        if _exists(place):
            return place
    looked = " and ".join(str(p) for p in places)
    raise ConfigError(
        places[0],
        f"no lab file: looked for {looked}; pass --config FILE or start from xentui.example.toml",
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def load_config(path: Path | str) -> LabConfig:
    """Read and check a lab file; every problem raises ConfigError with one line."""
    path = Path(path)
    try:
        data = path.expanduser().read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "no such file") from None
    except IsADirectoryError:
        raise ConfigError(path, "is a directory, expected a TOML lab file") from None
    except PermissionError:
        raise ConfigError(path, "cannot read: permission denied") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            path,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
            "(save the file as UTF-8)",
            line=line,
        ) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | str) -> LabConfig:
    """Check a lab file's text; ``path`` names it in errors and anchors its relative paths."""
    path = Path(path)
    text = text.removeprefix("\ufeff")  # a BOM some editors write; nothing else is lost
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        line, column = None, None
        if where:
            message = message[: where.start()]
            line = int(where[1]) if where[1] else len(text.rstrip("\n").split("\n"))
            column = where[2]
        if message == "Illegal character '\\n'":  # what tomllib says of a string left open
            message = "unterminated string: the closing quote is missing on this line"
        message = message[:1].lower() + message[1:] + (f" (column {column})" if column else "")
        raise ConfigError(path, f"TOML syntax: {message}", line=line) from None
    except RecursionError:
        line = _line_of(text, r"[\[{](?:\s*[\[{]){99}")
        raise ConfigError(path, "TOML syntax: arrays nested too deep", line=line) from None
    except ValueError as exc:  # tomllib lets int() refuse a number of over 4300 digits
        line = _line_of(text, r"[0-9_]{4300}")
        what = "an integer of over 4300 digits" if "digits" in str(exc) else f"{exc}"
        raise ConfigError(path, f"TOML syntax: {what}", line=line) from None
    try:
        return _build(tables, path)
    except FieldError as exc:
        locator = Locator(text)
        if isinstance(exc.key, str):
            line = locator.line(exc.section, exc.key)
        else:
            line = locator.line(exc.section)
        key = dotted(exc.section, exc.key)
        raise ConfigError(path, exc.message, key=key, line=line) from None


def _line_of(text: str, pattern: str) -> int | None:
    found = re.search(pattern, text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _build(tables: dict[str, Any], path: Path) -> LabConfig:
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
