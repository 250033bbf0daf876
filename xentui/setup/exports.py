"""``/etc/exports``: read export lines as exports(5) defines them, and make one export right.

A line is an export path followed by clients, each optionally followed at once by ``(options)``;
``-opts`` after the path sets default options for the clients after it; ``#`` starts a comment;
a trailing backslash continues the line; a path may be double-quoted. Options follow nfs-utils'
defaults (``ro``, ``sync``, ``root_squash``) and the last of two opposites wins.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from dataclasses import dataclass

from xentui.setup.sxp import LineError

WANTED = ("rw", "sync", "no_root_squash")
_OPPOSITE = {"rw": "ro", "sync": "async", "no_root_squash": "root_squash"}
_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^\s(]+)?(\([^)]*\))?')


class ExportsError(LineError):
    """An /etc/exports line that exportfs would refuse."""


@dataclass(frozen=True, slots=True)
class Client:
    host: str
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Export:
    path: str
    clients: tuple[Client, ...]
    line: int
    end_line: int
    comment: str = ""


def _logical_lines(text: str) -> list[tuple[int, int, str, str]]:
    """(first line, last line, body, trailing comment) with continuations joined."""
    out: list[tuple[int, int, str, str]] = []
    buf, first, no = "", 0, 0
    for no, raw in enumerate(text.splitlines(), start=1):
        body, comment = raw, ""
        if (hash_at := _comment_at(raw)) >= 0:
            body, comment = raw[:hash_at], raw[hash_at:]
        if not buf:
            first = no
        if body.rstrip().endswith("\\") and not comment:
            buf += body.rstrip()[:-1] + " "
            continue
        buf += body
        if buf.strip():
            out.append((first, no, buf, comment))
        buf = ""
    if buf.strip():  # a continuation that runs to the end of the file: it spans to the last line
        out.append((first, no, buf, ""))
    return out


def _comment_at(line: str) -> int:
    quoted = False
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif c == "#" and not quoted:
            return i
    return -1


def parse_exports(text: str) -> list[Export]:
    """Every export line; raises ExportsError naming the line of a malformed one."""
    exports = []
    for first, last, body, comment in _logical_lines(text):
        if body.count("(") != body.count(")"):
            raise ExportsError("an option list '(' is not closed", first)
        tokens = [(m.group(1) or "", m.group(2) or "") for m in _TOKEN.finditer(body.strip())]
        tokens = [t for t in tokens if t != ("", "")]
        path, popts = tokens[0]
        if not path or popts:
            raise ExportsError(f"expected an export path first, found {body.strip()[:40]!r}", first)
        path = path[1:-1] if path.startswith('"') else path
        path = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), path)
        defaults: list[str] = []
        clients = []
        for host, opts in tokens[1:]:
            if host.startswith("-") and not opts:
                defaults += [o for o in host[1:].split(",") if o]
                continue
            options = tuple(defaults + [o.strip() for o in opts[1:-1].split(",") if o.strip()])
            clients.append(Client(host or "*", options))
        if not clients:
            clients.append(Client("*", tuple(defaults)))
        exports.append(Export(path, tuple(clients), first, last, comment))
    return exports


def effective(options: tuple[str, ...]) -> dict[str, bool]:
    """For each wanted option, whether it holds once defaults and later overrides are applied."""
    state = {want: False for want in WANTED}
    for opt in options:
        for want, opposite in _OPPOSITE.items():
            if opt == want:
                state[want] = True
            elif opt == opposite:
                state[want] = False
    return state


def client_matches(pattern: str, names: list[str]) -> bool:
    """Whether a client pattern (wildcard, host, IP or CIDR; not netgroups) covers a peer."""
    if pattern in ("*", ""):
        return True
    for name in names:
        try:
            if ipaddress.ip_address(name) in ipaddress.ip_network(pattern, strict=False):
                return True
        except ValueError:
            pass
        if fnmatch.fnmatchcase(name.lower(), pattern.lower()):
            return True
    return False


def check_export(text: str, path: str, peer_names: list[str]) -> tuple[bool, str]:
    """Whether ``path`` is exported to a peer with rw,sync,no_root_squash; the reason in words."""
    exports = [e for e in parse_exports(text) if e.path.rstrip("/") == path.rstrip("/")]
    if not exports:
        return False, f"{path} is not in /etc/exports"
    for export in exports:
        for client in export.clients:
            if not client_matches(client.host, peer_names):
                continue
            missing = [k for k, ok in effective(client.options).items() if not ok]
            if not missing:
                return True, f"line {export.line}: {client.host}({','.join(client.options)})"
            return False, (
                f"line {export.line}: {client.host}({','.join(client.options)}) lacks "
                + ",".join(missing)
            )
    return False, f"{path} is exported but not to {' or '.join(peer_names)}"


def ensure_export(text: str, path: str, peer_names: list[str]) -> str:
    """``text`` with ``path *(rw,sync,no_root_squash)`` in effect; unchanged when it already is."""
    if check_export(text, path, peer_names)[0]:
        return text
    lines = text.splitlines(keepends=True)
    exports = [e for e in parse_exports(text) if e.path.rstrip("/") == path.rstrip("/")]
    if not exports:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        if lines and lines[-1].rstrip("\r\n").endswith("\\"):
            lines.append("\n")  # end the dangling continuation, or it would swallow our line
        return "".join([*lines, f"{path} *({','.join(WANTED)})\n"])
    export = exports[0]
    clients, covered = [], False
    for client in export.clients:
        options = client.options
        if client_matches(client.host, peer_names):
            covered = True
            options = tuple(o for o in options if o not in _OPPOSITE.values())
            options += tuple(w for w in WANTED if w not in options)
        clients.append(f"{client.host}({','.join(options)})" if options else client.host)
    if not covered:
        clients.append(f"*({','.join(WANTED)})")
    quoted = f'"{export.path}"' if " " in export.path else export.path
    new = " ".join([quoted, *clients]) + (f" {export.comment}" if export.comment else "") + "\n"
    lines[export.line - 1 : export.end_line] = [new]
    return "".join(lines)
