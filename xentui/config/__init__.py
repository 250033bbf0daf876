"""The lab file (TOML) to typed frozen config, and what xentui remembers between runs.

The public face is what the rest of xentui imports: ``from xentui.config import load_config,
LabConfig, ...``. The parts, each small enough to read in one sitting:

- ``load``: finding and reading the lab file, one-line ``ConfigError``s naming file, line and key;
- ``build``: the parsed tables to typed records, each table and key checked in file order;
- ``fields``: one check per value (type and range), raising ``FieldError``;
- ``source``: where a key sits in the file's text, and how a value reads in a message;
- ``types``: the typed records (``LabConfig``, ``HostConfig``, ...);
- ``ui``: the ``[theme]`` and ``[keys]`` tables;
- ``read``: reading a file named by path (regular files only, under a size cap);
- ``settings``: the remembered theme (``settings.toml``, written atomically).
"""

from __future__ import annotations

from xentui.config.load import (
    ConfigError,
    config_dir,
    config_places,
    find_config,
    load_config,
    parse_config,
)
from xentui.config.types import (
    DEFAULT_BUFFER_S,
    DEFAULT_POLL_INTERVAL_S,
    GuestConfig,
    HostConfig,
    LabConfig,
    ProbeConfig,
    SshTarget,
)

__all__ = [
    "DEFAULT_BUFFER_S",
    "DEFAULT_POLL_INTERVAL_S",
    "ConfigError",
    "GuestConfig",
    "HostConfig",
    "LabConfig",
    "ProbeConfig",
    "SshTarget",
    "config_dir",
    "config_places",
    "find_config",
    "load_config",
    "parse_config",
]
