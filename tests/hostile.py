"""Hostile strings a host, a guest, a stream server or a file may hand xentui (issue 10.2).

Each one, printed raw, would drive the terminal (retitle it, write the clipboard, clear the
screen), overwrite what was shown, or make a name read as another. ``assert_inert`` holds any
output face to the rule: nothing but printable characters and line breaks reach the terminal.
"""

from __future__ import annotations

import asyncio
import getpass
import shlex
from pathlib import Path

from tests.probe.servers import BadServer
from tests.remote.sshd import RealSshd
from xentui.lab.labfile import toml_string

CORPUS: dict[str, str] = {
    "osc-title": "\x1b]0;pwned\x07",
    "osc-clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "csi-clear": "\x1b[2J\x1b[H",
    "c1-csi": "\x9b2J",
    "bare-cr": "all good\roverwritten",
    "backspace": "ok\x08\x08no",
    "del": "x\x7fy",
    "bel": "ding\x07",
    "nul": "a\x00b",
    "rlo": "abc\u202egpj.exe",
    "lri-pdi": "\u2066isolated\u2069",
    "zwsp": "virt\u200b_server",
    "zwj": "a\u200db",
    "bom": "\ufeffbom",
    "markup": "[bold red]x[/]",
    "link": "[link=https://evil.example]click[/link]",
}

ALL = "".join(CORPUS.values())
"""Every kind at once: one remote message that carries the whole corpus."""

HOSTILE_NAMES = tuple(v for v in CORPUS.values() if not any(c < " " or c == "\x7f" for c in v))
"""The corpus strings a domain-list row can carry (the parser refuses C0 controls and DEL):
C1, bidi, zero-width, markup."""
WITHOUT_C0 = "".join(HOSTILE_NAMES)

MARKUP_LITERALS = ("[bold red]x[/]", "[link=https://evil.example]click[/link]")
"""Rich markup in remote text: it must show as these very characters, never be parsed."""


def raw_characters(text: str) -> list[str]:
    """The characters of ``text`` a terminal would act on or hide: all but printable and LF."""
    return [ch for ch in text if not (ch.isprintable() or ch == "\n")]


def assert_inert(output: str | bytes, where: str = "output") -> str:
    """Fail if ``output`` holds any non-printable character but LF; returns it as text.

    Bytes must be UTF-8 (a stray 0x9b byte is a C1 CSI to some terminals, and fails here).
    """
    text = output.decode("utf-8") if isinstance(output, bytes) else output
    bad = raw_characters(text)
    assert not bad, f"{where}: raw {sorted(set(bad))!r} reached the terminal in {text!r}"
    return text


# --- hostile peers: hosts behind a real OpenSSH sshd, and a stream server -------------------

HEADER = "Name                                      ID Mem(MiB) VCPUs State  Time(s)\n"
_ALL_BUT_CR = "".join(v for k, v in CORPUS.items() if k != "bare-cr")
TOOL_ERROR = f"Error: {_ALL_BUT_CR}\n{CORPUS['bare-cr']}\nUsage: xm pause <Domain>\n"
"""What the hostile ``xm`` says on stderr when it fails: the whole corpus, NUL included. The
bare CR has a line of its own: a CR inside the ``Error:`` line would overwrite its start on a
terminal, and xentui reads tool output as a terminal shows it (errtext.screen_line), so that
line would no longer read as the error."""


def _row(name: str, dom_id: int, flags: str) -> str:
    return f"{name:<40} {dom_id:>3} {128:>8} {1:>5} {flags:>6} {3.0:>8.1f}\n"


def listing() -> str:
    """``xm list``: Domain-0, the guest, and one domain per hostile name."""
    rows = [_row("Domain-0", 0, "r-----"), _row("virt_server", 3, "-b----")]
    rows += [_row(n, 10 + i, "-b----") for i, n in enumerate(HOSTILE_NAMES)]
    return HEADER + "".join(rows)


def _xm_script(folder: Path, *, list_fails: bool) -> str:
    """``xm``: its list (or, when ``list_fails``, the hostile error); any other verb fails so."""
    error, rows = folder / "xm-error.txt", folder / "xm-list.txt"
    error.write_text(TOOL_ERROR, encoding="utf-8")
    rows.write_text(listing(), encoding="utf-8")
    fail = f"cat {shlex.quote(str(error))} >&2; exit 1"
    answer = fail if list_fails else f"cat {shlex.quote(str(rows))}"
    return f'case "$1" in\n list) {answer} ;;\n *) {fail} ;;\nesac\n'


def _host_lines(name: str, sshd: RealSshd) -> list[str]:
    return [
        "",
        "[[host]]",
        f"name = {toml_string(name)}",
        'toolstack = "xm"',
        'address = "127.0.0.1"',
        f"port = {sshd.port}",
        f"user = {toml_string(getpass.getuser())}",
        f"identity_file = {toml_string(str(sshd.client_key))}",
        f"known_hosts = {toml_string(str(sshd.known_hosts))}",
    ]


def hostile_lab_file(folder: Path, evil: RealSshd, broken: RealSshd, stream_url: str) -> Path:
    """A lab file: ``evil`` lists the guest among hostile names and fails every action with
    ``TOOL_ERROR``; ``broken`` fails its list so. The guest streams at ``stream_url``."""
    for sshd, fails in ((evil, False), (broken, True)):
        sshd.put_tool("xm", _xm_script(sshd.workdir, list_fails=fails))
    lines = [
        "poll_interval_s = 0.5",
        "",
        "[guest]",
        'name = "virt_server"',
        f"stream_url = {toml_string(stream_url)}",
        *_host_lines("evil", evil),
        *_host_lines("broken", broken),
    ]
    path = folder / "hostile.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


REASON = "".join(v for v in CORPUS.values() if v.isascii() and not {"\r", "\x00"} & set(v))
"""A reason phrase that reaches the probe: ESC, BEL, BS, DEL and markup (HTTP parsers refuse CR
and NUL there, and httpx drops non-ASCII bytes from it)."""


class HostileStream(BadServer):
    """``reason``: a 503 whose reason phrase is ``REASON``; ``content_type``: an HTML page whose
    Content-Type carries the corpus's C1, bidi and zero-width characters in UTF-8."""

    async def _reason(self, w: asyncio.StreamWriter, path: str) -> None:
        w.write(b"HTTP/1.0 503 " + REASON.encode() + b"\r\nContent-Length: 0\r\n\r\n")

    async def _content_type(self, w: asyncio.StreamWriter, path: str) -> None:
        ctype = "text/html; charset=" + WITHOUT_C0
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\n\r\n<html></html>")
