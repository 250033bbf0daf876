"""Simulated domains and the `xm list` / `xl list` tables, rendered from the tools' format strings.

The strings come from the Xen sources (docs/formats.md cites each per version), not from the
parsers in ``xentui.toolstack``: the two sides meet only through real samples.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xentui.lab.xen.files import version_tuple


@dataclass
class SimDomain:
    """One domain on one host; the guest's domain moves between hosts under new domids."""

    name: str
    domid: int
    mem_mib: int
    vcpus: int = 1
    cpu_s: float = 0.0
    cpu_rate: float = 0.02
    """CPU seconds per wall second while it runs (an idle PV guest barely uses any)."""
    pause_count: int = 0
    suspended: bool = False
    dom0: bool = False
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _since: float = field(default=-1.0, repr=False)

    def __post_init__(self) -> None:
        self._since = self.clock()

    @property
    def paused(self) -> bool:
        return self.pause_count > 0

    def _advance(self) -> None:
        now = self.clock()
        if not self.paused and not self.suspended:
            self.cpu_s += (now - self._since) * self.cpu_rate
        self._since = now

    def set_paused(self, count: int) -> None:
        self._advance()
        self.pause_count = count

    def set_suspended(self, value: bool) -> None:
        self._advance()
        self.suspended = value

    def cpu_time(self) -> float:
        self._advance()
        return self.cpu_s

    def flags(self, *, xl: bool = False) -> str:
        """The six letters r b p s c d; xl's fifth letter is the shutdown reason (s = suspend)."""
        if self.suspended:
            return "---ss-" if xl else "---s--"
        run = "r" if self.dom0 and not self.paused else "-"
        blocked = "b" if not self.dom0 and not self.paused else "-"
        return f"{run}{blocked}{'p' if self.paused else '-'}---"


def domain0(index: int, clock: Callable[[], float] = time.monotonic) -> SimDomain:
    """Host ``index``'s Domain-0: up for a while (its CPU time differs per host), busy a little."""
    return SimDomain(
        "Domain-0", 0, 491, cpu_s=800.0 + 97.3 * index, cpu_rate=0.3, dom0=True, clock=clock
    )


def printf(fmt: str, args: tuple[object, ...]) -> str:
    """The tools' own printf-style strings, applied as they are (C's %lu read as %u)."""
    return fmt.replace("%5lu", "%5u") % args


# --- xm list, by Xen version (tools/python/xen/xm/main.py, xm_brief_list) ------------------


def xm_list(version: str, domains: Iterable[SimDomain]) -> str:
    v = version_tuple(version)
    rows = []
    if v < (3, 0, 3):
        rows.append("Name                              ID Mem(MiB) VCPUs State  Time(s)")
        fmt = "%(name)-32s %(domid)3d %(mem)8d %(vcpus)5d %(state)5s %(cpu_time)7.1f"
    elif v < (3, 0, 4):
        rows.append(
            printf(
                "%-40s %3s %8s %5s %5s %9s", ("Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)")
            )
        )
        fmt = "%(name)-40s %(domid)3d %(mem)8d %(vcpus)5d %(state)5s %(cpu_time)8.1f"
    elif v < (3, 3):
        rows.append(
            printf("%-40s %3s %5s %5s %10s %9s", ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)"))
        )
        fmt = "%(name)-40s %(domid)3s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"
    else:
        rows.append(
            printf("%-40s %5s %5s %5s %10s %9s", ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)"))
        )
        fmt = "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"
    for d in domains:
        info = {
            "name": d.name,
            "domid": d.domid if v < (3, 0, 4) else str(d.domid),
            "mem": d.mem_mib,
            "vcpus": d.vcpus,
            "state": d.flags(),
            "cpu_time": d.cpu_time(),
        }
        rows.append(fmt % info)
    return "\n".join(rows) + "\n"


# --- xl list (tools/xl/xl_info.c, list_domains) ----------------------------------------------

XL_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"


def xl_list(domains: Iterable[SimDomain]) -> str:
    rows = [XL_HEADER]
    for d in domains:
        f = d.flags(xl=True)
        rows.append(
            printf(
                "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f",
                (d.name, d.domid, d.mem_mib, d.vcpus, *f, d.cpu_time()),
            )
        )
    return "\n".join(rows) + "\n"
