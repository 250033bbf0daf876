"""An S-expression reader for ``xend-config.sxp`` that reads it the way xend does, with positions.

xend's own ``sxp.py`` is a character state machine; this follows its rules (comments from ``#``
to the end of the line, ``'`` and ``"`` strings, its backslash escapes, atoms ending at a space,
a bracket or a separator) but keeps each node's line and character offsets, so a check can say
where a setting is and an editor can replace just that value and leave the rest of the file.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

_SPACE = " \t\n\v\f\r"
_SEPARATORS = "{}()<>[]!;"
_QUOTES = "\"'"
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
}
_OCTAL = "01234567"


class LineError(ValueError):
    """A config file the setup steps cannot read, at a 1-based ``line``: shown as "?" with it."""

    def __init__(self, message: str, line: int) -> None:
        self.message, self.line = message, line
        super().__init__(f"line {line}: {message}")


class SxpError(LineError):
    """The file is not a well-formed S-expression."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, line)
        self.column = column


@dataclass(frozen=True, slots=True)
class Atom:
    """A bare word or a quoted string; ``start``/``end`` cover its source text, quotes included."""

    value: str
    line: int
    start: int
    end: int
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class SList:
    """A bracketed list; ``start`` is the ``(`` and ``end`` is just past the ``)``."""

    items: tuple[Atom | SList, ...]
    line: int
    start: int
    end: int

    @property
    def head(self) -> str | None:
        """The element name, as xend's ``sxp.name`` reads it: the first item if it is an atom."""
        first = self.items[0] if self.items else None
        return first.value if isinstance(first, Atom) else None

    @property
    def values(self) -> tuple[Atom | SList, ...]:
        return self.items[1:]


Node = Atom | SList


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def error(self, message: str, line: int | None = None, pos: int | None = None) -> SxpError:
        line = self.line if line is None else line
        pos = self.pos if pos is None else pos
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return SxpError(message, line, column)

    def advance(self) -> str:
        c = self.text[self.pos]
        self.pos += 1
        if c == "\n":
            self.line += 1
        return c

    def skip_blank(self) -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in _SPACE:
                self.advance()
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def read_all(self) -> list[Node]:
        nodes: list[Node] = []
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return nodes
            if self.text[self.pos] == ")":
                raise self.error("syntax error: ')' closes no list")
            nodes.append(self.read_node())

    def read_node(self) -> Node:
        c = self.text[self.pos]
        if c == "(":
            return self.read_list()
        if c in _QUOTES:
            return self.read_string()
        if c == "\x04":  # xend treats ctrl-D as end of text
            raise self.error("end of text (ctrl-D) inside the file")
        if c not in string.printable:
            raise self.error(f"invalid character: code {ord(c)}")
        return self.read_atom()

    def read_list(self) -> SList:
        line, start = self.line, self.pos
        self.advance()
        items: list[Node] = []
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                raise self.error("unexpected end of file: '(' is never closed", line, start)
            if self.text[self.pos] == ")":
                self.advance()
                return SList(tuple(items), line, start, self.pos)
            items.append(self.read_node())

    def read_atom(self) -> Atom:
        line, start = self.line, self.pos
        self.pos += 1  # the first character may itself be a separator other than a bracket
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in _SEPARATORS or c in _SPACE or c == "#":
                break
            self.pos += 1
        return Atom(text[start : self.pos], line, start, self.pos)

    def read_string(self) -> Atom:
        line, start = self.line, self.pos
        delim = self.advance()
        out: list[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.error(
                    f"unexpected end of file: string {delim} is never closed", line, start
                )
            c = self.advance()
            if c == delim:
                return Atom("".join(out), line, start, self.pos, quote=delim)
            if c == "\\":
                out.append(self.read_escape(line, start))
            else:
                out.append(c)

    def read_escape(self, line: int, start: int) -> str:
        if self.pos >= len(self.text):
            raise self.error("unexpected end of file after a backslash", line, start)
        c = self.advance()
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c == "x":
            return self.read_number("0123456789ABCDEFabcdef", 2, 16, "hex")
        if c in _OCTAL:
            self.pos -= 1
            return self.read_number(_OCTAL, 3, 8, "octal")
        # xend keeps the backslash of an unknown escape and drops the character after it
        return "\\"

    def read_number(self, digits: str, most: int, base: int, kind: str) -> str:
        value, count = 0, 0
        while count < most and self.pos < len(self.text) and self.text[self.pos] in digits:
            c = self.advance()
            # xend's own reading: its A-F hex digits count from 0 (ord(c) - ord('A'))
            if c in "ABCDEF":
                digit = ord(c) - ord("A")
            elif c in "abcdef":
                digit = ord(c) - ord("a")
            else:
                digit = ord(c) - ord("0")
            value, count = value * base + digit, count + 1
        if count == 0:
            raise self.error(f"invalid {kind} escape: no digits")
        if value > 0xFF:
            raise self.error(f"invalid {kind} escape: out of range")
        return chr(value)


def parse(text: str) -> list[Node]:
    """Every top-level expression of ``text``; raises SxpError with the line of the fault."""
    return _Reader(text).read_all()


def find_setting(nodes: list[Node], name: str) -> SList | None:
    """The first top-level ``(name ...)``: the one xend's ``child_value`` uses."""
    for node in nodes:
        if isinstance(node, SList) and node.head == name:
            return node
    for node in nodes:
        # a file may also be one outer list (``(xend-config (name value) ...)``)
        if isinstance(node, SList):
            for item in node.items:
                if isinstance(item, SList) and item.head == name:
                    return item
    return None


def setting_value(nodes: list[Node], name: str) -> Atom | None:
    """The atom value of a setting, or None when the setting is absent or has no atom value."""
    found = find_setting(nodes, name)
    if found is None or len(found.items) < 2:
        return None
    value = found.items[1]
    return value if isinstance(value, Atom) else None


def _atomp(value: str) -> bool:
    if not value:
        return False
    allowed = string.ascii_letters + string.digits + ".-_:/~"
    return all(c in allowed for c in value)


def render_value(value: str) -> str:
    """``value`` as xend would read it back: a bare word if safe, else a ``'``-quoted string."""
    if _atomp(value):
        return value
    inverse = {v: k for k, v in _ESCAPES.items() if k != '"'}
    return "'" + "".join("\\" + inverse[c] if c in inverse else c for c in value) + "'"
