"""Which known_hosts files a connection trusts, worked out as OpenSSH does, never left to asyncssh.

asyncssh reads ``UserKnownHostsFile none`` as ``known_hosts=None``, which to it means "don't check
host keys at all"; OpenSSH reads it as "no user file": every key is unknown. So xentui works out
the files itself (the lab file's ``known_hosts``, else UserKnownHostsFile or its default, plus
GlobalKnownHostsFile or its default) and always hands asyncssh the keys they hold, an empty set
if there are none: every key they lack reaches CheckingClient, which refuses or asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncssh
from asyncssh.config import SSHClientConfig, SSHConfig

from xentui.config.read import KNOWN_HOSTS_MAX, read_regular

USER_FILES = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
GLOBAL_FILES = ("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
CONFIG = "~/.ssh/config"
"""The only ssh config asyncssh reads by default (named in messages)."""
LENIENT = frozenset({"no", "off", "false", "accept-new"})
"""StrictHostKeyChecking values with which OpenSSH would connect to an unknown host."""

# asyncssh skips config keywords it has no handler for: give StrictHostKeyChecking one (a plain
# string, first value wins, Host/Match aware) so we can see it; asyncssh itself never reads it
SSHClientConfig._handlers.setdefault(
    "stricthostkeychecking", ("StrictHostKeyChecking", SSHConfig._set_string)
)


def _paths(values: Sequence[str]) -> tuple[Path, ...]:
    return tuple(Path(v).expanduser() for v in values)


@dataclass(frozen=True, slots=True)
class TrustSources:
    """The files whose keys are trusted; the first user file is where a newly trusted key goes."""

    user: tuple[Path, ...]
    global_: tuple[Path, ...]
    origin: str
    """Where the user files were named, in words (for a refusal that has nowhere to write)."""
    ignored: str = ""
    """``StrictHostKeyChecking no`` (or off, accept-new) from the config: said, then ignored."""

    @property
    def files(self) -> tuple[Path, ...]:
        return self.user + self.global_

    @property
    def write_to(self) -> Path | None:
        """The file a trusted key is appended to; None when there is none or it is /dev/null."""
        if not self.user:
            return None
        path = self.user[0]
        # /dev/null (or a directory) would swallow the key and trust it on this connection only
        return None if path.exists() and not path.is_file() else path

    def load(self) -> asyncssh.SSHKnownHosts:
        """Every key in the files there are (a missing file trusts nothing, as in OpenSSH).

        Always an SSHKnownHosts object, even empty: never None ("don't check" to asyncssh) and
        never empty bytes or a list (which asyncssh replaces with ~/.ssh/known_hosts).
        Raises ValueError naming the file with a line asyncssh cannot read.
        """
        known = asyncssh.SSHKnownHosts()
        for path in self.files:
            if not path.is_file():
                continue
            try:
                data = read_regular(path, KNOWN_HOSTS_MAX, "a known_hosts file")
                known.load(data.decode("utf-8", errors="replace"))
            except (OSError, ValueError) as exc:
                raise ValueError(f"known_hosts {path}: {exc}") from None
        return known


def trust_sources(lab_known_hosts: Path | None, config: SSHConfig) -> TrustSources:
    """The files for one connection: the lab file's ``known_hosts`` wins over the config's.

    ``config`` is asyncssh's parsed ssh config for the host (``options.config``); a list value
    that is empty means the keyword said ``none``.
    """
    user_cfg = config.get("UserKnownHostsFile")
    global_cfg = config.get("GlobalKnownHostsFile")
    strict = config.get("StrictHostKeyChecking")
    user: tuple[Path, ...]
    if lab_known_hosts is not None:
        user = (lab_known_hosts.expanduser(),)
        origin = f"the lab file's known_hosts is {lab_known_hosts}"
    elif isinstance(user_cfg, list):
        user = _paths(user_cfg)
        origin = f"UserKnownHostsFile {' '.join(user_cfg) or 'none'} in {CONFIG}"
    else:
        user = _paths(USER_FILES)
        origin = f"the default {USER_FILES[0]}"
    glob = _paths(global_cfg) if isinstance(global_cfg, list) else _paths(GLOBAL_FILES)
    lenient = isinstance(strict, str) and strict.lower() in LENIENT
    return TrustSources(user, glob, origin, f"StrictHostKeyChecking {strict}" if lenient else "")
