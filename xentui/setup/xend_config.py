"""The relocation settings of ``xend-config.sxp``: read them as xend does, and set them in place.

Reading follows ``XendRoot``/``XendOptions``: the first ``(name value)`` wins, booleans accept
yes/no/1/0/on/off/true/false, hosts-allow is split on single spaces into regexes that must
``re.match`` the peer's name or address (empty means everyone). Editing replaces only the value's
characters, or uncomments the seed's commented line, or adds one line: nothing else moves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xentui.setup.sxp import Atom, SList, find_setting, parse, render_value

SERVER = "xend-relocation-server"
PORT = "xend-relocation-port"
ADDRESS = "xend-relocation-address"
HOSTS_ALLOW = "xend-relocation-hosts-allow"
DEFAULTS = {SERVER: "no", PORT: "8002", ADDRESS: "", HOSTS_ALLOW: ""}
_TRUE = {"yes", "y", "1", "on", "true", "t"}
_FALSE = {"no", "n", "0", "off", "false", "f"}


@dataclass(frozen=True, slots=True)
class Setting:
    """One relocation setting's effective text and the line that set it (None: xend's default)."""

    name: str
    text: str
    line: int | None

    def where(self) -> str:
        return f"line {self.line}" if self.line else "not set (xend's default)"


def read_settings(text: str) -> dict[str, Setting]:
    """The four relocation settings; raises SxpError when the file does not parse."""
    nodes = parse(text)
    out: dict[str, Setting] = {}
    for name, default in DEFAULTS.items():
        found = find_setting(nodes, name)
        value = found.items[1] if found is not None and len(found.items) > 1 else None
        if isinstance(value, Atom):
            out[name] = Setting(name, value.value, value.line)
        elif found is not None:
            out[name] = Setting(name, "", found.line)
        else:
            out[name] = Setting(name, default, None)
    return out


def as_bool(text: str) -> bool | None:
    """xend's reading of a boolean setting; None for a value xend refuses."""
    low = text.strip().lower()
    return True if low in _TRUE else False if low in _FALSE else None


def hosts_allow_admits(patterns: str, peer_names: list[str]) -> tuple[bool, str]:
    """Whether xend would admit a peer known by any of ``peer_names``; the reason in words."""
    if patterns == "":
        return True, "hosts-allow is empty: every host is let in"
    for pat in patterns.split(" "):  # xend splits on single spaces: "a  b" holds an empty regex
        try:
            regex = re.compile(pat)
        except re.error as exc:
            return False, f"hosts-allow regex {pat!r} is invalid ({exc}): xend will not start"
        for peer in peer_names:
            if regex.match(peer):
                return True, f"{pat!r} lets {peer} in"
    return False, f"no regex in '{patterns}' matches {' or '.join(peer_names)}"


def set_setting(text: str, name: str, value: str) -> str:
    """``text`` with ``(name value)`` in effect; unchanged when it already is."""
    nodes = parse(text)
    rendered = render_value(value)
    found = find_setting(nodes, name)
    if found is not None:
        return _replace_value(text, found, value, rendered)
    lines = text.splitlines(keepends=True)
    commented = re.compile(r"^(\s*)#+\s*(\(\s*" + re.escape(name) + r"(?=[\s)#]).*?)\s*$")
    matches = [(i, m) for i, line in enumerate(lines) if (m := commented.match(line))]
    for i, m in matches:
        if _holds(m.group(2), name, value):
            lines[i] = m.group(1) + m.group(2) + _newline(lines[i])
            return "".join(lines)
    new_line = f"({name} {rendered})\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if matches:
        i, m = matches[-1]
        lines.insert(i + 1, m.group(1) + new_line)
    else:
        lines.append(new_line)
    return "".join(lines)


def _replace_value(text: str, found: SList, value: str, rendered: str) -> str:
    if len(found.items) > 1:
        old = found.items[1]
        if isinstance(old, Atom) and old.value == value:
            return text
        return text[: old.start] + rendered + text[old.end :]
    close = found.end - 1  # just before the ')'
    return text[:close] + " " + rendered + text[close:]


def _holds(body: str, name: str, value: str) -> bool:
    """Whether a commented-out line, once uncommented, would set exactly ``value``."""
    try:
        nodes = parse(body)
    except ValueError:
        return False
    if len(nodes) != 1 or not isinstance(nodes[0], SList) or nodes[0].head != name:
        return False
    items = nodes[0].items
    return len(items) == 2 and isinstance(items[1], Atom) and items[1].value == value


def _newline(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :] or "\n"
