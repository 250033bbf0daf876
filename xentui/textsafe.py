"""Text from elsewhere made inert for a terminal: the one sanitizer every output face uses.

A host's tool messages, a guest's files, a stream server's reason phrase, a lab file's strings:
any of them can hold an escape sequence (OSC 0 retitles the terminal, OSC 52 writes the
clipboard, CSI 2J clears the screen), a bare CR or backspace that overwrites what was printed,
or a bidi override / zero-width character that makes a name read as another. Shown through
``printable`` they are spelt out the way Python writes them (``\\x1b``, ``\\r``, ``\\u202e``)
and print as plain characters.

Everything ``str.isprintable`` refuses is escaped: C0 and C1 controls, ESC, DEL, every format
character (bidi controls U+202A-202E, U+2066-2069, U+200E/U+200F, U+061C; zero-width U+200B-200D,
U+2060, U+FEFF; soft hyphen), separators other than the space (U+2028, U+00A0...), surrogates,
private-use and unassigned code points. The lowest layer: it imports nothing of xentui.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(ch: str) -> str:
    """One character spelt as repr spells it: ``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0001``."""
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control, format or separator character escaped, so it prints inert.

    ``newlines`` keeps LF (a multi-line tool message, a file excerpt); a CR is always escaped,
    since alone it sends the cursor back over the line already shown. The result is printable
    (plus LF), so applying this twice changes nothing.
    """
    if text.isprintable():
        return text
    keep = "\n" if newlines else ""
    return "".join(ch if ch.isprintable() or ch in keep else escape(ch) for ch in text)
