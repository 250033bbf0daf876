"""The xm adapter (xend toolstack, Xen 3.0 to 4.4): argv, every ``xm list`` layout, errors.

Layouts (``tools/python/xen/xm/main.py``, ``xm_brief_list``), told apart by the header:
3.0.0-3.0.2 (``%-32s %3d %8d %5d %5s %7.1f`` plus an optional ACM `` s:%04x/p:%04x``),
3.0.3 (``%-40s %3d %8d %5d %5s %8.1f``), 3.0.4-3.1 (``%-40s %3s %5d %5d %10s %8.1f``, blank
ID for inactive managed domains, whose State xend 3.1+ leaves blank too) and 3.3-4.4 (as 3.0.4
with a ``%5s`` ID). A header with the right words but other spacing is read with the loosest
rules rather than refused. ``xm list --label`` (``xm_label_list``, 3.0.3-4.4) adds a Label
column after Time(s); rows without any header are read with the loosest rules when every line
is a row. docs/formats.md lists each format string with its version.
"""

from __future__ import annotations

import re

from xentui.model import CommandResult, MigrationRole
from xentui.toolstack.base import (
    DomainNotRunning,
    ListResult,
    MigrationFailed,
    RelocationRefused,
    ToolError,
    Toolstack,
    UnknownDomain,
)
from xentui.toolstack.errtext import (
    domain_of,
    fallback,
    find,
    lines,
    message,
    unfinished,
    verb,
)
from xentui.toolstack.flagtable import RowRules, parse_table, trailing_titles
from xentui.toolstack.names import check_domain_name, check_host_name
from xentui.toolstack.scan import FLAG_ORDER, state_from_flags

_TITLES = ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
_TITLES_MIB = ("Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)")
_XM_POSITIONS = tuple(f"{letter}-?" for letter in FLAG_ORDER)

LAYOUTS: dict[str, tuple[str, RowRules]] = {
    "Name                              ID Mem(MiB) VCPUs State  Time(s)": (
        "xm 3.0.0-3.0.2",
        RowRules(_XM_POSITIONS, id_optional=False, ssid_ok=True),
    ),
    "%-40s %3s %8s %5s %5s %9s" % _TITLES_MIB: (  # noqa: UP031
        "xm 3.0.3",
        RowRules(_XM_POSITIONS, id_optional=False),
    ),
    "%-40s %3s %5s %5s %10s %9s" % _TITLES: (  # noqa: UP031
        "xm 3.0.4-3.1",
        RowRules(_XM_POSITIONS, id_optional=True, blank_state=True),
    ),
    "%-40s %5s %5s %5s %10s %9s" % _TITLES: (  # noqa: UP031
        "xm 3.3-4.4",
        RowRules(_XM_POSITIONS, id_optional=True, blank_state=True),
    ),
}
_LOOSEST = RowRules(_XM_POSITIONS, id_optional=True, ssid_ok=True, blank_state=True)
_LOOSE = ("xm (unrecognised spacing)", _LOOSEST)
_BARE = ("xm (no header)", _LOOSEST)
_HEADER = re.compile(
    r"Name\s+ID\s+Mem(?:\(MiB\))?\s+VCPUs\s+State\s+Time\(s\)(?:[ \t]+\S[^\n]*)?\s*\Z"
)

_UNKNOWN = (
    re.compile(r"Error: Domain '(?P<d>.*)' not found when running"),  # 3.0.0, HTTP API
    re.compile(r"Error: Domain '(?P<d>.*)' not found\.$"),  # 3.1+ in Xen-API server mode
    re.compile(r"Error: (?:the domain|Domain) '(?P<d>.*)' does not exist", re.I),  # 3.0.2+
    re.compile(r"Error: <Fault 3: '(?P<d>.*)'>"),  # 3.0.2 pause/unpause
)
_CANT_CONNECT = re.compile(r"Error: can't connect:")
_NOT_RUNNING = re.compile(r"Error: Domain is not running")
_ERROR = re.compile(r"^Error: ")

MIGRATING = "migrating-"
ZOMBIE = "Zombie-"


def _layout(header: str) -> tuple[str, RowRules] | None:
    if not _HEADER.match(header):
        return None
    base, more = trailing_titles(header)
    name, rules = LAYOUTS.get(base, _LOOSE)
    return (f"{name} + {more}" if more else name), rules


class Xm(Toolstack):
    """``xm`` commands; names are checked before any argv is built."""

    name = "xm"

    def list_argv(self) -> list[str]:
        return ["xm", "list"]

    def pause_argv(self, domain: str) -> list[str]:
        return ["xm", "pause", check_domain_name(domain)]

    def unpause_argv(self, domain: str) -> list[str]:
        return ["xm", "unpause", check_domain_name(domain)]

    def migrate_argv(self, domain: str, target: str, *, live: bool = True) -> list[str]:
        # xm's getopt stops at the first operand, so -l must come before the domain.
        live_flag = ["-l"] if live else []
        return ["xm", "migrate", *live_flag, check_domain_name(domain), check_host_name(target)]

    def create_argv(self, config: str) -> list[str]:
        # xm create searches its --path (".:/etc/xen") for a bare config name.
        return ["xm", "create", check_domain_name(config)]

    def state_argv(self, domain: str) -> list[str]:
        # `xm domstate` does not exist in 3.0.x; `xm list D` works in every xend version and
        # prints the same table, read by parse_list.
        return ["xm", "list", check_domain_name(domain)]

    def parse_list(self, text: str) -> ListResult:
        return parse_table(
            "xm",
            text,
            layouts=_layout,
            state=state_from_flags,
            split_name=self.split_name,
            bare=_BARE,
        )

    def split_name(self, listed: str) -> tuple[str, MigrationRole | None]:
        """``migrating-NAME`` (source, during the transfer), ``Zombie-migrating-NAME`` (a
        source domain that lingered after it). The target keeps the plain name."""
        name = listed.removeprefix(ZOMBIE)
        if name.startswith(MIGRATING) and len(name) > len(MIGRATING):
            return name[len(MIGRATING) :], MigrationRole.OUTGOING
        return name, None

    def parse_error(self, result: CommandResult) -> ToolError | None:
        command = verb(result.argv)
        domain = domain_of(result.argv, command)
        failure = MigrationFailed if command == "migrate" else ToolError
        if result.exit_status is None:
            return unfinished(result, failure, domain)
        if result.exit_status == 0:
            return None  # xm prints nothing on success and exits 1 on every error
        text = lines(result)
        for pattern in _UNKNOWN:
            if (m := find(pattern, text)) is not None:
                return UnknownDomain(message(result, m.string), m.group("d"))
        if (m := find(_CANT_CONNECT, text)) is not None:
            return RelocationRefused(message(result, m.string), domain)
        if (m := find(_NOT_RUNNING, text)) is not None:
            return DomainNotRunning(message(result, m.string), domain)
        if (m := find(_ERROR, text)) is not None:
            return failure(message(result, m.string), domain)
        return fallback(result, failure, domain)
