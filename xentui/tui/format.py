"""Records -> `rich.text.Text`: every word the screen shows, built in one place and never as markup.

Remote text (domain names, tool messages) is data: control characters are made visible so an
escape sequence in a domain name cannot drive the terminal, and nothing here parses markup.
"""

from __future__ import annotations

import time

from rich.text import Text

from xentui.control.timeline import correction
from xentui.model import (
    ActionEvent,
    ActionKind,
    ConnectionEvent,
    ConnectionState,
    Domain,
    DomainState,
    Event,
    GapEvent,
    MigrationEvent,
    MigrationPhase,
    MigrationRole,
    NoticeEvent,
    PlayerState,
    StallEvent,
    StreamStatusEvent,
    duration,
)
from xentui.probe.gaps import SIGNIFICANT_S, significant
from xentui.textsafe import printable  # also this module's name for it, for the views

STATE_STYLE: dict[DomainState, str] = {
    DomainState.RUNNING: "bold green",
    DomainState.BLOCKED: "green",
    DomainState.PAUSED: "bold yellow",
    DomainState.SHUTDOWN: "red",
    DomainState.CRASHED: "bold red",
    DomainState.DYING: "red",
    DomainState.UNKNOWN: "yellow",
}
PLAYER_STYLE: dict[PlayerState, str] = {
    PlayerState.PLAYING: "bold green",
    PlayerState.PREBUFFERING: "bold yellow",
    PlayerState.STALLED: "bold red",
    PlayerState.STOPPED: "bold red",
}
CONNECTION_STYLE: dict[ConnectionState, str] = {
    ConnectionState.CONNECTED: "green",
    ConnectionState.CONNECTING: "yellow",
    ConnectionState.UNREACHABLE: "bold red",
    ConnectionState.CLOSED: "red",
}


def plain(text: str, style: str = "", *, newlines: bool = False) -> Text:
    """Remote text as an inert Text (``textsafe.printable``, never markup)."""
    return Text(printable(text, newlines=newlines), style=style)


def one_line(message: str, style: str = "") -> Text:
    """A tool's message on one line: its decisive lines (toolstack.errtext) joined by `` · ``,
    inert; the whole output is one key away (Enter on the event in the event log)."""
    return plain(" · ".join(ln.strip() for ln in message.splitlines() if ln.strip()), style)


def clock(wall: float, *, ms: bool = False) -> str:
    """Local wall-clock time for display: ``12:04:31`` or ``12:04:31.412``."""
    base = time.strftime("%H:%M:%S", time.localtime(wall))
    return f"{base}.{int(wall * 1000) % 1000:03d}" if ms else base


def seconds(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f} s"


def host_title(
    name: str, toolstack: str, conn: ConnectionEvent | None, latency_s: float | None
) -> Text:
    """The pane title: name, toolstack, connection state in words, last poll's latency."""
    state = conn.state if conn is not None else ConnectionState.CONNECTING
    title = Text.assemble(
        plain(name, "bold"), " · ", toolstack, " · ", (state.value, CONNECTION_STYLE[state])
    )
    if state is ConnectionState.CONNECTED and latency_s is not None:
        title.append(f" · {latency_s * 1000:.0f} ms")
    return title


def unreachable_text(conn: ConnectionEvent, now: float) -> Text:
    """Why a host is not answering, and when the next try is."""
    text = Text.assemble((conn.state.value.upper(), "bold red"), ": ")
    text.append_text(plain(conn.reason or "no answer"))
    if conn.retry_in_s is not None:
        left = max(0.0, conn.t + conn.retry_in_s - now)
        text.append(f" · next retry in {left:.0f} s")
    return text


def state_text(domain: Domain) -> Text:
    """State in words and flags; an in-migration role is spelt out beside it."""
    text = Text()
    if not domain.active:
        text.append("inactive", style="dim")
    elif domain.migration is MigrationRole.OUTGOING:
        text.append("migrating →", style="bold magenta")
    elif domain.migration is MigrationRole.INCOMING:
        text.append("incoming ←", style="bold magenta")
    else:
        text.append(domain.state.value, style=STATE_STYLE[domain.state])
    if domain.flags and domain.flags != domain.state.value:
        # xm/xl's letters say more than the word; virsh's words would only say it twice. In the
        # text colour, not the state's dimmed: a dim green was 2.5:1 on a light theme's band
        text.append(" ")
        text.append_text(plain(domain.flags))
    return text


def _num(value: float | int | None, fmt: str = "{}") -> Text:
    return Text("" if value is None else fmt.format(value), justify="right")


COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "base_name"),
    "id": ("id",),
    "mem": ("mem_mib",),
    "vcpus": ("vcpus",),
    "state": ("state", "flags", "migration", "active"),
    "time": ("cpu_s",),
}
"""Which Domain fields each table column shows: a poll rebuilds only the cells that changed."""


def domain_cell(domain: Domain, column: str, guest: str) -> Text:
    """One cell of a domain's row; the guest's name is marked and bold (its row is a band)."""
    if column == "name":
        mine = domain.base_name == guest
        cell = Text("▶ " if mine else "  ").append_text(plain(domain.name, "bold" if mine else ""))
    elif column == "state":
        cell = state_text(domain)
    elif column == "time":
        cell = _num(domain.cpu_s, "{:.1f}")
    else:
        cell = _num(getattr(domain, COLUMN_FIELDS[column][0]))
    return cell


def domain_cells(
    domain: Domain, guest: str, columns: tuple[str, ...] = tuple(COLUMN_FIELDS)
) -> tuple[Text, ...]:
    """One table row: Name, ID, Mem, VCPUs, State, Time(s), or the ``columns`` that fit."""
    return tuple(domain_cell(domain, column, guest) for column in columns)


def changed_columns(
    old: Domain, new: Domain, columns: tuple[str, ...] = tuple(COLUMN_FIELDS)
) -> list[str]:
    return [
        column
        for column in columns
        if any(getattr(old, f) != getattr(new, f) for f in COLUMN_FIELDS[column])
    ]


LOG_GAP_S = SIGNIFICANT_S
"""Shorter gaps (a loaded machine's scheduling hiccups) stay out of the event log the audience
reads, and so does one within twice the stream's rhythm: the log names the gaps `xentui probe`
counts (``gaps.significant``); the stream panel and the verdict still count every gap."""


def event_line(event: Event) -> Text | None:
    """One event-log line with its timestamp, or None for events that are not news (polls)."""
    body = _event_body(event)
    if body is None:
        return None
    return Text.assemble((clock(event.wall, ms=True), "dim"), "  ", body)


def _event_body(event: Event) -> Text | None:
    if isinstance(event, ActionEvent):
        what = f"{event.kind.value} "
        text = Text(what, style="bold").append_text(plain(event.guest))
        text.append(" on ").append_text(plain(event.host))
        if event.target:
            text.append(" → ").append_text(plain(event.target))
        if event.ok is None:
            return text.append(": requested")
        if event.ok:
            took = event.result.duration_s * 1000 if event.result else None
            text.append(": ").append("ok", style="bold green")
            return text.append(f" ({took:.0f} ms)") if took is not None else text
        if event.kind is ActionKind.MIGRATE and event.message.startswith("lost: "):
            # the migration's own line says why; its answer is no longer waited for
            return text.append(": ").append("LOST", style="bold red")
        text.append(": ").append("FAILED", style="bold red")
        return text.append(" ").append_text(one_line(event.message or "no message"))
    if isinstance(event, MigrationEvent):
        # the migrate action's own "requested" line already says it, with the host
        return None if event.phase is MigrationPhase.REQUESTED else migration_milestone(event)
    if isinstance(event, GapEvent):
        gap = event.gap
        if not significant(gap):  # the panel and the verdict still count it
            return None
        return Text(f"stream gap {duration(gap.length_s)}", style="yellow")
    if isinstance(event, StallEvent):
        if event.stall.end is None:
            return Text("player STALLED: buffer empty", style="bold red")
        return Text(f"playback resumed after a {duration(event.stall.length_s(event.t))} stall")
    if isinstance(event, ConnectionEvent):
        style = CONNECTION_STYLE[event.state]
        text = plain(event.host).append(" ").append(event.state.value, style=style)
        if event.reason:
            text.append(": ").append_text(plain(event.reason))
        if event.retry_in_s is not None:
            text.append(f"; retry in {event.retry_in_s:.0f} s")
        return text
    if isinstance(event, StreamStatusEvent):
        style = "" if event.connected else "red"
        if event.message:
            return Text("stream: ", style=style).append_text(plain(event.message, style))
        return Text("stream connected" if event.connected else "stream lost", style=style)
    if isinstance(event, NoticeEvent):
        style = {"error": "bold red", "warning": "yellow"}.get(event.level, "")
        return plain(event.text, style)
    return None


def migration_milestone(event: MigrationEvent) -> Text:
    record, phase = event.record, event.phase
    guest, source, target = plain(record.guest), plain(record.source), plain(record.target)
    if phase is MigrationPhase.REQUESTED:
        kind = "live migrate " if record.live else "migrate "
        return Text.assemble(kind, guest, " ", source, " → ", target, " requested")
    if phase is MigrationPhase.STARTED:
        return Text.assemble("migration of ", guest, " started")
    if phase is MigrationPhase.RENAMED_ON_SOURCE:
        return Text.assemble(source, " shows ", guest, " as migrating")
    if phase is MigrationPhase.SEEN_ON_TARGET:
        return Text.assemble(target, " shows ", guest)
    corrected = correction(record)
    if phase is MigrationPhase.COMPLETED:
        took = seconds(record.duration_s)
        if corrected is not None:  # said once, as the correction of what was said before
            return Text(f"{corrected} ({took})", style="bold green")
        where = plain(record.guest_now_on or record.target)
        return Text.assemble(guest, " running on ", where, f" ({took})", style="bold green")
    if phase is MigrationPhase.LOST:
        return Text.assemble(("migration LOST", "bold red"), ": ", plain(record.message))
    if corrected is not None:
        return Text(corrected, style="bold red")
    text = Text.assemble(("migration FAILED", "bold red"), ": ", one_line(record.message))
    if record.guest_now_on:
        text.append_text(Text.assemble("; ", guest, " is on ", plain(record.guest_now_on)))
    return text
