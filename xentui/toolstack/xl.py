"""The xl adapter (libxl toolstack, Xen 4.1 to today): argv, ``xl list``, migration and errors.

``xl list`` (``tools/xl/xl_info.c``, unchanged since 4.1): header
``Name ... ID   Mem VCPUs<TAB>State<TAB>Time(s)``, rows ``%-40s %5d %5lu %5d     %c%c%c%c%c%c
%8.1f``. The fifth letter is the shutdown reason (``-rscwS``, ``?`` out of range), not a flag.
xl exits 0 from ``pause``/``unpause`` even when libxl fails, so errors are read from the text.
``xl list -v``/``-Z``/``-c``/``--cpupool``/``-n`` add columns after Time(s) (UUID, Reason-Code,
Security Label...): read past. docs/formats.md lists each format string with its version.
"""

from __future__ import annotations

import re

from xentui.model import CommandResult, DomainState, MigrationRole
from xentui.toolstack.base import (
    ListResult,
    MigrationFailed,
    NotPaused,
    RelocationRefused,
    ToolError,
    Toolstack,
    UnknownDomain,
    Unsupported,
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
from xentui.toolstack.scan import state_from_flags

CONFIG_DIR = "/etc/xen"
XL_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
# xl before 4.1 (xl_cmdimpl.c, libxl_list_domain era) printed three letters, ``%c%c%c`` of
# running, paused and dying, under the same header.
_RULES = RowRules(
    ("r-", "b-", "p-", "s-", "-rscwS?", "d-"), id_optional=False, short_positions=("r-", "p-", "d-")
)
_HEADER = re.compile(r"Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)(?:[ \t]+\S[^\n]*)?\s*\Z")
_BARE = ("xl (no header)", _RULES)

INCOMING = "--incoming"
MIGRATED_AWAY = "--migratedaway"

_UNKNOWN = re.compile(r"^(?P<d>.*) is an invalid domain identifier(?: \(rc=-?\d+\))?")
_BAD_OPTION = re.compile(r"option .\w' not supported")
_LIBXL_ERROR = re.compile(r"^libxl: error: ")
_UNPAUSE_EINVAL = re.compile(r"^libxl: error: .*npausing domain.*: Invalid argument")
# The target never answered: ssh failed, or no `xl migrate-receive` at the other end.
_UNREACHABLE = re.compile(
    r"truncated reading banner from migration receiver stream"
    r"|^ssh: (?:connect to host|Could not resolve hostname)"
    r"|Permission denied \(|Host key verification failed"
    r"|migration transport process .* exited with error status"
)
_MIGRATION_FAILED = re.compile(
    r"Migration failed|migration sender: .*fail|Domain state is now undefined"
    r"|cannot migrate|contained unexpected data instead of"
)
MIGRATION_OK = "Migration successful."


def _layout(header: str) -> tuple[str, RowRules] | None:
    if not _HEADER.match(header):
        return None
    base, more = trailing_titles(header)
    name = "xl 4.1+" if base == XL_HEADER else "xl (spaces for TABs)"
    return (f"{name} + {more}" if more else name), _RULES


def xl_state(flags: str) -> DomainState:
    """Only a crash reason (``c``) in the fifth place is a state; other reasons are not.

    Fewer letters than six are no xl layout but the letters' own meaning (``flagtable``)."""
    if len(flags) != 6:
        return state_from_flags(flags)
    return state_from_flags(flags[:4] + ("c" if flags[4:5] == "c" else "-") + flags[5:])


class Xl(Toolstack):
    """``xl`` commands; names are checked before any argv is built."""

    name = "xl"
    live_only = True
    """``xl migrate`` is always live (``LIBXL_SUSPEND_LIVE``) and has no ``-l`` option."""

    def list_argv(self) -> list[str]:
        return ["xl", "list"]

    def pause_argv(self, domain: str) -> list[str]:
        return ["xl", "pause", check_domain_name(domain)]

    def unpause_argv(self, domain: str) -> list[str]:
        return ["xl", "unpause", check_domain_name(domain)]

    def migrate_argv(self, domain: str, target: str, *, live: bool = True) -> list[str]:
        if not live:
            raise Unsupported("xl migrate is always live: there is no non-live xl migration")
        return ["xl", "migrate", check_domain_name(domain), check_host_name(target)]

    def create_argv(self, config: str) -> list[str]:
        # The full path: xl reads the config file argument as a path (relative to the
        # remote shell's working directory), and an absolute path means the same file on
        # every xl version, the way `xm create NAME` found it in /etc/xen.
        return ["xl", "create", f"{CONFIG_DIR}/{check_domain_name(config)}"]

    def state_argv(self, domain: str) -> list[str]:
        return ["xl", "list", check_domain_name(domain)]

    def parse_list(self, text: str) -> ListResult:
        return parse_table(
            "xl", text, layouts=_layout, state=xl_state, split_name=self.split_name, bare=_BARE
        )

    def split_name(self, listed: str) -> tuple[str, MigrationRole | None]:
        """``NAME--incoming`` on the target, ``NAME--migratedaway`` on the source."""
        for suffix, role in (
            (INCOMING, MigrationRole.INCOMING),
            (MIGRATED_AWAY, MigrationRole.OUTGOING),
        ):
            if listed.endswith(suffix) and len(listed) > len(suffix):
                return listed[: -len(suffix)], role
        return listed, None

    def parse_error(self, result: CommandResult) -> ToolError | None:
        command = verb(result.argv)
        domain = domain_of(result.argv, command)
        migrating = command == "migrate"
        failure = MigrationFailed if migrating else ToolError
        if result.exit_status is None:
            return unfinished(result, failure, domain)
        text = lines(result)
        if (m := find(_UNKNOWN, text)) is not None:
            return UnknownDomain(message(result, m.string), m.group("d"))
        if (m := find(_BAD_OPTION, text)) is not None:
            return ToolError(message(result, m.string), domain)
        if migrating:
            if result.exit_status == 0 and MIGRATION_OK in text:
                return None  # libxl may log harmless errors during a migration that worked
            if (m := find(_UNREACHABLE, text)) is not None:
                return RelocationRefused(message(result, m.string), domain)
            if (m := find(_MIGRATION_FAILED, text)) is not None:
                return MigrationFailed(message(result, m.string), domain)
        if command == "unpause" and (m := find(_UNPAUSE_EINVAL, text)) is not None:
            return NotPaused(message(result, m.string), domain)
        if (m := find(_LIBXL_ERROR, text)) is not None:
            return failure(message(result, m.string), domain)
        if result.exit_status == 0:
            return None
        return fallback(result, failure, domain)
