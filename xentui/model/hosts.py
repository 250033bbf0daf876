"""Domains and hosts as a toolstack lists them, and a command's result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DomainState(StrEnum):
    """A domain's state in words: the first flag set, in the order Xen prints them (r b p s c d)."""

    RUNNING = "running"
    BLOCKED = "blocked"
    PAUSED = "paused"
    SHUTDOWN = "shutdown"
    CRASHED = "crashed"
    DYING = "dying"
    UNKNOWN = "unknown"
    """No state letters at all: xend 3.0.4+ prints a blank State for a domain that has an ID
    but no state in its record yet (a domain in transition, e.g. just after ``xm create``)."""


class MigrationRole(StrEnum):
    """Which end of a migration a listed domain is, told by its in-migration name."""

    OUTGOING = "outgoing"  # xm: migrating-NAME; xl: NAME--migratedaway
    INCOMING = "incoming"  # xl: NAME--incoming (xm's target keeps the plain name)


@dataclass(frozen=True, slots=True)
class Domain:
    """One row of a toolstack's list, as the tool printed it."""

    name: str
    """The name exactly as listed, including any in-migration prefix or suffix."""
    base_name: str
    """The name without in-migration decoration: follows one guest across both hosts."""
    id: int | None
    """Domain id; None where the tool left it blank (inactive managed domains)."""
    mem_mib: int | None
    vcpus: int | None
    state: DomainState
    flags: str
    """The raw state letters (``-b----``) or, for virsh, the state words (``shut off``)."""
    cpu_s: float | None
    migration: MigrationRole | None = None
    active: bool = True
    """False for a defined but not running domain (virsh ``shut off``, xm's blank ID)."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A line of a tool's output that could not be read; reported, never dropped silently."""

    line_no: int
    line: str
    reason: str


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What one command on a host returned."""

    argv: tuple[str, ...]
    exit_status: int | None
    """None when the command did not finish (timeout, channel dropped)."""
    stdout: str
    stderr: str
    started: float
    finished: float
    truncated: bool = False
    """True when the output went over the cap and was cut."""
    stdout_not_utf8: bool = False
    """True when stdout held bytes that are not UTF-8: ``stdout`` shows them as U+FFFD."""
    unfinished: str = ""
    """Why there is no exit status, in words (``xm list did not finish in 5 s``, ``xm migrate
    killed by signal KILL``); empty when the command exited. The same words end ``stderr``."""

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    @property
    def duration_s(self) -> float:
        return self.finished - self.started

    @property
    def output(self) -> str:
        """stderr and stdout together, the way a person at a terminal would read them."""
        return "\n".join(part for part in (self.stderr.strip(), self.stdout.strip()) if part)


@dataclass(frozen=True, slots=True)
class HostSnapshot:
    """One poll of one host: its domains, when, and how long the round trip took."""

    host: str
    t: float
    wall: float
    latency_s: float
    domains: tuple[Domain, ...]
    problems: tuple[ParseProblem, ...] = ()
    notes: tuple[str, ...] = ()
    """How the list was read, when a person should know (``no header``)."""

    def find(self, base_name: str) -> Domain | None:
        """The domain that is this guest under any of its names, preferring an active one."""
        matches = [d for d in self.domains if d.base_name == base_name]
        if not matches:
            return None
        return next((d for d in matches if d.active), matches[0])
