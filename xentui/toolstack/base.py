"""What every toolstack adapter offers: argv builders, a list parser and an error classifier.

Adapters are pure: they build argv lists (never shell strings) and read text. The remote layer
quotes each argv element for the SSH channel, so a validated name is the only defence needed and
the only one allowed to fail: a hostile name is refused here, before anything runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from xentui.model import CommandResult, Domain, JobInfo, MigrationRole, ParseProblem


class ToolstackError(Exception):
    """Base of the adapters' own errors."""


class NameRejected(ToolstackError, ValueError):
    """A domain or host name that the tool would not accept, or that could reach a shell."""

    def __init__(self, kind: str, name: str, reason: str) -> None:
        self.kind, self.name, self.reason = kind, name, reason
        super().__init__(f"refused {kind} name {name!r}: {reason}")


class ListParseError(ToolstackError):
    """The list output could not be read at all; carries the offending line."""

    def __init__(self, tool: str, reason: str, line_no: int = 0, line: str = "") -> None:
        self.tool, self.reason, self.line_no, self.line = tool, reason, line_no, line
        where = f" at line {line_no}: {line[:120]!r}" if line_no else ""
        super().__init__(f"{tool} list: {reason}{where}")


class ToolError(ToolstackError):
    """A command the tool refused; ``message`` is the tool's own text, kept verbatim."""

    def __init__(self, message: str, domain: str | None = None) -> None:
        self.message, self.domain = message, domain
        super().__init__(message)


class UnknownDomain(ToolError):
    pass


class AlreadyPaused(ToolError):
    pass


class NotPaused(ToolError):
    pass


class RelocationRefused(ToolError):
    """The target's relocation service refused or could not be reached."""


class MigrationFailed(ToolError):
    pass


class DomainNotRunning(MigrationFailed):
    """xend 3.3+ refuses to migrate a paused domain (``Error: Domain is not running``)."""


class Unsupported(ToolstackError):
    """The toolstack has no such operation (e.g. a non-live ``xl migrate``)."""


@dataclass(frozen=True, slots=True)
class ListResult:
    """Parsed list output: the domains read, and every line that could not be read."""

    domains: tuple[Domain, ...]
    problems: tuple[ParseProblem, ...] = ()
    layout: str = ""
    """Which of the tool's known list formats the header matched (e.g. ``xm 3.0.4-3.1``)."""
    notes: tuple[str, ...] = ()
    """What a person should know about how the list was read (``no header``)."""


class Toolstack(ABC):
    """One toolstack's commands and formats (``xm``, ``xl`` or ``virsh``)."""

    name: str
    live_only: bool = False
    """True when the tool cannot migrate without ``--live`` (xl): migrate_argv(live=False)
    raises Unsupported."""

    migrates_to_uri: bool = False
    """True when migrate_argv's target is the target host's URI (virsh: ``migrate_uri``), not
    its name (xm, xl: ``migrate_address`` or the name)."""

    @abstractmethod
    def list_argv(self) -> list[str]: ...

    @abstractmethod
    def pause_argv(self, domain: str) -> list[str]: ...

    @abstractmethod
    def unpause_argv(self, domain: str) -> list[str]: ...

    @abstractmethod
    def migrate_argv(self, domain: str, target: str, *, live: bool = True) -> list[str]: ...

    @abstractmethod
    def create_argv(self, config: str) -> list[str]: ...

    @abstractmethod
    def state_argv(self, domain: str) -> list[str]:
        """The command that tells one domain's state (for a check after an action)."""

    @abstractmethod
    def parse_list(self, text: str) -> ListResult:
        """Read the list output; raises only ListParseError, and only when nothing is readable."""

    @abstractmethod
    def parse_error(self, result: CommandResult) -> ToolError | None:
        """The typed error a finished command reports, or None when it succeeded."""

    @abstractmethod
    def split_name(self, listed: str) -> tuple[str, MigrationRole | None]:
        """Split a listed name into the guest's own name and its migration role, if any."""

    def parse_state(self, domain: str, text: str) -> Domain | None:
        """Read the output of ``state_argv(domain)``: the domain's record, None if absent.

        Raises only ListParseError. xm and xl answer with a one-row list; virsh overrides.
        """
        return next((d for d in self.parse_list(text).domains if d.name == domain), None)

    def jobinfo_argv(self, domain: str, *, completed: bool = False) -> list[str] | None:
        """The command that reports a running migration job's progress on the source (or,
        ``completed``, the last job's final figures); None where the tool has none (xm, xl)."""
        return None

    def parse_jobinfo(self, text: str) -> JobInfo | None:
        """Read the output of ``jobinfo_argv``; None when it holds no figures. Never raises."""
        return None
