"""The virsh adapter (libvirt): argv, ``virsh list --all`` in its three eras, and errors.

List eras (``tools/virsh*.c``): early ``%3s %-20s %s`` with 34 dashes, middle
`` %-5s %-30s %s`` with 52 dashes, current ``vshTable`` (columns as wide as their data).
Rows are ``ID NAME STATE``: the ID is ``-`` for an inactive domain, the state is one or two
words at the end (``shut off``), and the name is everything between, spaces included.
"""

from __future__ import annotations

import re
from itertools import islice, pairwise

from xentui.model import CommandResult, Domain, DomainState, JobInfo, MigrationRole
from xentui.toolstack.base import (
    AlreadyPaused,
    ListParseError,
    ListResult,
    MigrationFailed,
    NotPaused,
    RelocationRefused,
    ToolError,
    Toolstack,
    UnknownDomain,
)
from xentui.toolstack.errtext import domain_of, fallback, find, lines, message, unfinished, verb
from xentui.toolstack.jobinfo import parse_jobinfo
from xentui.toolstack.names import check_domain_name, check_host_name, check_uri
from xentui.toolstack.scan import INT, ListWalk, find_header, nonblank_lines, unreadable

DEFAULT_URI_TEMPLATE = "xen+ssh://{host}/"
"""libvirt's remote Xen URI over SSH (root@ and /system are the server's defaults)."""

# word(s) -> (state, active); "no state" is a domain with no flag set (runnable, waiting
# for a CPU), as libvirt's Xen driver reports it, so it counts as running like xm's ------.
STATES: dict[str, tuple[DomainState, bool]] = {
    "running": (DomainState.RUNNING, True),
    "no state": (DomainState.RUNNING, True),
    "idle": (DomainState.BLOCKED, True),
    "blocked": (DomainState.BLOCKED, True),
    "paused": (DomainState.PAUSED, True),
    "pmsuspended": (DomainState.PAUSED, True),
    "in shutdown": (DomainState.SHUTDOWN, True),
    "shut off": (DomainState.SHUTDOWN, False),
    "saved": (DomainState.SHUTDOWN, False),
    "crashed": (DomainState.CRASHED, True),
}
_TWO_WORDS = tuple(s for s in STATES if " " in s)
_HEADER = re.compile(r"\s*Id\s+Name\s+State\s*\Z")
_DASHES = re.compile(r"-+\s*\Z")
_LAYOUTS = {
    "%3s %-20s %s" % ("Id", "Name", "State"): "virsh early (%3s %-20s)",  # noqa: UP031
    " %-5s %-30s %s" % ("Id", "Name", "State"): "virsh middle ( %-5s %-30s)",  # noqa: UP031
}

_ERROR = re.compile(r"^error: ")
_UNKNOWN = re.compile(r"failed to get domain '(?P<d>.*)'|Domain not found")
_SUSPENDED_ALREADY = re.compile(r"domain '.*' not running|already paused", re.I)
_NOT_PAUSED = re.compile(r"not paused", re.I)
_UNREACHABLE = re.compile(
    r"Cannot recv data|unable to connect to server|Connection refused|Could not resolve hostname"
    r"|No route to host|Host key verification failed|Permission denied|End of file while reading"
)


def read_row(line: str) -> tuple[int | None, str, str] | str:
    """(id, name, state words) of one row, or why it is not a row."""
    if (why := unreadable(line)) is not None:
        return why
    body = line.strip(" \t")
    id_tok, _, rest = body.partition(" ")
    if id_tok != "-" and not INT.match(id_tok):
        return f"Id {id_tok!r} is neither a number nor '-'"
    rest = rest.strip(" \t")
    words = next((w for w in _TWO_WORDS if rest.endswith(" " + w)), None)
    if words is None:
        name, _, words = rest.rpartition(" ")
        if words not in STATES:
            return f"unknown state {words!r} (not an English virsh state: is virsh translated?)"
    else:
        name = rest[: -len(words)]
    name = name.strip(" \t")
    if not name:
        return "missing name"
    return (None if id_tok == "-" else int(id_tok)), name, words


def _translated(text: str) -> ListParseError | None:
    """A table in another language: a three-word header over a line of dashes, as virsh prints
    its translated ``_("Id") _("Name") _("State")`` when the host's locale is not English
    (Debian's ssh passes LANG, and /etc/default/locale sets it). The words cannot be read,
    so say so and how to fix it instead of a bare "missing header"."""
    lines = list(islice(nonblank_lines(text), 50))
    for (line_no, _, line), (_, _, below) in pairwise(lines):
        if _DASHES.match(below) and len(line.split()) >= 3 and unreadable(line) is None:
            return ListParseError(
                "virsh",
                "the table's header is not virsh's English 'Id Name State' (virsh runs in "
                "another language on that host: set LANG=C or LC_ALL=C for it)",
                line_no,
                line[:200],
            )
    return None


class Virsh(Toolstack):
    """``virsh`` commands; ``uri_template`` makes the migration target's URI."""

    name = "virsh"
    migrates_to_uri = True

    def __init__(
        self, uri_template: str = DEFAULT_URI_TEMPLATE, connect: str | None = None
    ) -> None:
        if "{host}" not in uri_template:
            raise ValueError(f"virsh URI template {uri_template!r} has no {{host}}")
        self.uri_template = uri_template
        self.connect = connect
        """``-c URI`` for virsh itself (None: virsh's default connection)."""

    def _virsh(self, *args: str) -> list[str]:
        return ["virsh", *(["-c", self.connect] if self.connect else []), *args]

    def target_uri(self, target: str) -> str:
        host = check_host_name(target)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 literal in a URI
        return self.uri_template.format(host=host)

    def list_argv(self) -> list[str]:
        return self._virsh("list", "--all")

    def pause_argv(self, domain: str) -> list[str]:
        return self._virsh("suspend", check_domain_name(domain))

    def unpause_argv(self, domain: str) -> list[str]:
        return self._virsh("resume", check_domain_name(domain))

    def migrate_argv(self, domain: str, target: str, *, live: bool = True) -> list[str]:
        """``target`` is the destination's libvirt URI (the engine passes the target host's
        ``migrate_uri``), or a host name that ``uri_template`` turns into one."""
        live_flag = ["--live"] if live else []
        uri = check_uri(target) if "://" in target else self.target_uri(target)
        return self._virsh("migrate", *live_flag, check_domain_name(domain), uri)

    def jobinfo_argv(self, domain: str, *, completed: bool = False) -> list[str]:
        flag = ["--completed"] if completed else []
        return self._virsh("domjobinfo", *flag, check_domain_name(domain))

    def parse_jobinfo(self, text: str) -> JobInfo | None:
        return parse_jobinfo(text)

    def create_argv(self, config: str) -> list[str]:
        return self._virsh("start", check_domain_name(config))

    def state_argv(self, domain: str) -> list[str]:
        return self._virsh("domstate", check_domain_name(domain))

    def split_name(self, listed: str) -> tuple[str, MigrationRole | None]:
        """libvirt keeps a domain's name on both hosts while it migrates."""
        return listed, None

    def parse_list(self, text: str) -> ListResult:
        walk = ListWalk("virsh")
        try:
            _, end, header = find_header(
                "virsh", text, lambda line: bool(_HEADER.match(line)), walk
            )
        except ListParseError as exc:
            raise _translated(text) or exc from None
        layout = _LAYOUTS.get(header.rstrip(), "virsh current (vshTable)")
        for line_no, line_end, line in nonblank_lines(text, end):
            if walk.full():
                walk.stop_early(text, line_end, line_no)
                break
            if _DASHES.match(line) or _HEADER.match(line):
                continue
            row = read_row(line)
            if isinstance(row, str):
                walk.problem(line_no, line, row)
                continue
            domid, name, words = row
            state, active = STATES[words]
            walk.domains.append(
                Domain(
                    name,
                    name,
                    domid,
                    None,
                    None,
                    state,
                    words,
                    None,
                    None,
                    active and domid is not None,
                )
            )
        return walk.result(layout)

    def parse_state(self, domain: str, text: str) -> Domain | None:
        """``virsh domstate D`` prints the state words (``running``, or ``paused (user)``
        with --reason) and then a blank line; there is no id, memory or CPU time."""
        found = next(nonblank_lines(text), None)
        if found is None:
            raise ListParseError("virsh", "empty output")
        line_no, _, line = found
        words = line.strip().partition(" (")[0]
        if unreadable(line) is not None or words not in STATES:
            raise ListParseError("virsh", "not a domain state", line_no, line[:200])
        state, active = STATES[words]
        return Domain(domain, domain, None, None, None, state, words, None, None, active)

    def parse_error(self, result: CommandResult) -> ToolError | None:
        command = verb(result.argv, frozenset({"-c", "--connect"}))
        domain = domain_of(result.argv, command)
        failure = MigrationFailed if command == "migrate" else ToolError
        if result.exit_status is None:
            return unfinished(result, failure, domain)
        errors = [ln for ln in lines(result) if _ERROR.match(ln)]
        if not errors:
            # no "error: " line: a shell's "virsh: command not found", or a translated
            # virsh; keep what it said rather than only its exit status
            return None if result.exit_status == 0 else fallback(result, failure, domain)
        said = message(result, *errors)  # libvirt's "error: " lines lead, with any signal
        if (m := find(_UNKNOWN, errors)) is not None:
            return UnknownDomain(said, m.group("d") or domain)
        if command == "suspend" and find(_SUSPENDED_ALREADY, errors):
            return AlreadyPaused(said, domain)
        if command == "resume" and find(_NOT_PAUSED, errors):
            return NotPaused(said, domain)
        if command == "migrate" and find(_UNREACHABLE, errors):
            return RelocationRefused(said, domain)
        return failure(said, domain)
