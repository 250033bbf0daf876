"""A command's output collected with a cap and turned into a CommandResult (SSH and local alike)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import asyncssh

from xentui.model import CommandResult

OUTPUT_CAP = 1 << 20
"""Bytes kept per stream: a runaway command must not eat the presenter's memory."""

# sudo's own words, checked against Debian's sudo 1.9 (tests/control/test_sudo.py); "no tty
# present" is sudo 1.7/1.8 asking for a password with no terminal
_SUDO_PASSWORD = re.compile(r"sudo: (a password is required|a terminal is required|no tty present)")
# sudoers' requiretty (RHEL's default) refuses a channel without a pty, password or not
_SUDO_TTY = re.compile(r"sudo: sorry, you must have a tty")
# sudo 1.6 parses its own options: warnx("illegal option `%s'") (RHEL 5 before 5.5)
_SUDO_OLD = re.compile(r"sudo: (illegal|invalid) option .?-?n")


def sudo_argv(argv: Sequence[str]) -> tuple[str, ...]:
    """sudo that never prompts: a prompt would hang a channel nobody types into."""
    return ("sudo", "-n", "--", *argv)


C_LOCALE = {"LC_ALL": "C"}
"""Every command runs in the C locale: xentui reads the tools' English words (virsh's table,
coreutils' errors), which a host with LANG=de_DE.UTF-8 would translate."""


def wire_argv(argv: Sequence[str], *, sudo: bool) -> tuple[str, ...]:
    """What goes over SSH: ``env`` works under any login shell (csh has no ``VAR=x cmd``), and
    sudo keeps a harmless LC_ALL (its env_check list), so a sudoers rule still sees the tool."""
    pairs = tuple(f"{k}={v}" for k, v in C_LOCALE.items())
    return ("env", *pairs, *(sudo_argv(argv) if sudo else argv))


class Buffer:
    """Bytes up to a cap; anything past it is counted, then dropped."""

    def __init__(self, cap: int) -> None:
        self.cap, self.data, self.dropped = cap, bytearray(), 0

    def add(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def is_utf8(self) -> bool:
        """Whether ``text()`` is exact: no byte was replaced by U+FFFD."""
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True


class Collected:
    """What a finished command left behind, whichever transport ran it."""

    def __init__(self, cap: int) -> None:
        self.out, self.err = Buffer(cap), Buffer(cap)
        self.exit_status: int | None = None
        self.signal: str | None = None


class Collector(Collected, asyncssh.SSHClientSession[bytes]):
    """An SSH session that keeps capped stdout/stderr and the exit status."""

    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.done: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        (self.err if datatype == asyncssh.EXTENDED_DATA_STDERR else self.out).add(data)

    def exit_status_received(self, status: int) -> None:
        self.exit_status = status

    def exit_signal_received(self, signal: str, core_dumped: bool, msg: str, lang: str) -> None:
        self.signal = signal

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(exc)


_SUBCOMMAND = re.compile(r"[a-z][a-z0-9-]*")


def command_words(argv: Sequence[str]) -> str:
    """The tool and its subcommand as a person names them (``xm list``, ``virsh list`` past
    ``-c URI``): a note about a hung list says which command hung, not ``env`` or ``sudo``."""
    if not argv:
        return "the command"
    sub = next((a for a in argv[1:] if _SUBCOMMAND.fullmatch(a)), None)
    return f"{argv[0]} {sub}" if sub else argv[0]


def finish(
    argv: Sequence[str],
    coll: Collected,
    started: float,
    finished: float,
    timed_out_after: float | None,
    sudo: bool,
) -> CommandResult:
    """The CommandResult, with a plain-words line appended where the bare output would mislead."""
    stderr = coll.err.text()
    unfinished = ""
    if timed_out_after is not None:
        unfinished = f"{command_words(argv)} did not finish in {timed_out_after:g} s"
    elif coll.exit_status is None and coll.signal is not None:
        unfinished = f"{command_words(argv)} killed by signal {coll.signal}"
    elif coll.exit_status is None:
        unfinished = f"{command_words(argv)}: the channel closed without an exit status"
    notes = [f"xentui: {unfinished}"] if unfinished else []
    if sudo and coll.exit_status not in (None, 0) and _SUDO_OLD.search(stderr):
        notes.append(
            "xentui: this sudo predates -n (sudo < 1.7, early RHEL 5): connect as root, "
            "or upgrade sudo"
        )
    elif sudo and coll.exit_status not in (None, 0) and _SUDO_TTY.search(stderr):
        notes.append(
            "xentui: this host's sudoers says requiretty (RHEL's default) and a command over SSH "
            "has no terminal; add 'Defaults:USER !requiretty' for the SSH user, or connect as root"
        )
    elif sudo and coll.exit_status not in (None, 0) and _SUDO_PASSWORD.search(stderr):
        notes.append(
            "xentui: sudo wants a password here; allow this user NOPASSWD for the toolstack in "
            "sudoers, or connect as root"
        )
    truncated = bool(coll.out.dropped or coll.err.dropped)
    if truncated:
        notes.append(
            f"xentui: output cut at {coll.out.cap} bytes per stream "
            f"({coll.out.dropped + coll.err.dropped} bytes dropped)"
        )
    if notes:
        stderr = (stderr.rstrip("\n") + "\n" if stderr.strip() else "") + "\n".join(notes)
    return CommandResult(
        argv=tuple(argv),
        exit_status=coll.exit_status,
        stdout=coll.out.text(),
        stderr=stderr,
        started=started,
        finished=finished,
        truncated=truncated,
        stdout_not_utf8=not coll.out.is_utf8(),
        unfinished=unfinished,
    )
