"""``virsh domjobinfo [--completed] DOMAIN`` read into a JobInfo: pure, and never raises.

The labels are libvirt's own (``tools/virsh-domain.c`` cmdDomjobinfo, unchanged from 0.7.7 to
9.x): ``vshPrint(ctl, "%-17s %-12llu ms\\n", _("Time elapsed:"), ...)``; sizes go through
``vshPrettyCapacity`` as ``"%-.3lf %s"`` (``91.023 MiB``; before 1.0 ``prettyCapacity`` wrote
``KB``/``MB``/``GB``/``TB`` and nothing for bytes, both in powers of 1024), rates as ``%s/s``,
the dirty rate as ``%-12llu pages/s`` and the page size (libvirt 3.9+) as ``%-12llu bytes``.
A running job prints ``Expected downtime:``; a completed one ``Total downtime:``.

Unknown lines are skipped and a value that does not read is None: a newer libvirt's extra
fields, or a hand-edited transcript, never costs the fields that are there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xentui.model import JobInfo

JOB_TYPES = frozenset({"None", "Bounded", "Unbounded", "Completed", "Failed", "Cancelled"})
_UNITS = {"": 0, "B": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
_LINE = re.compile(r"\s*(?P<label>[A-Za-z][A-Za-z /-]*?)\s*:\s*(?P<value>.*?)\s*\Z")
_INT = re.compile(r"(?P<n>\d{1,20})\Z")
_SIZE = re.compile(r"(?P<n>\d{1,20}(?:\.\d{1,12})?)\s*(?P<unit>(?:[KMGTPE]i?)?B?)\Z")
MAX_LINES = 200
"""virsh prints ~30 lines; more is not domjobinfo (or is a flood): the rest is not read."""


def _int(value: str, unit: str = "") -> int | None:
    if unit:
        if not value.endswith(unit):
            return None
        value = value[: -len(unit)].rstrip()
    m = _INT.match(value)
    return int(m["n"]) if m else None


def _size(value: str, per_second: bool = False) -> int | None:
    if per_second:
        if not value.endswith("/s"):
            return None
        value = value[:-2]
    m = _SIZE.match(value)
    if m is None:
        return None
    unit = m["unit"]
    # "KB" (libvirt < 1.0) is 1024 too; a lone prefix ("K") is not a unit virsh prints
    if unit and not unit.endswith("B"):
        return None
    return round(float(m["n"]) * 1024 ** _UNITS[unit[:1]])


def _ms(value: str) -> int | None:
    return _int(value, "ms")


def _count(value: str) -> int | None:
    return _int(value)


def _job_type(value: str) -> str | None:
    return value if value in JOB_TYPES else None


_FIELDS: dict[str, tuple[str, Callable[[str], object]]] = {
    "Job type": ("job_type", _job_type),
    "Time elapsed": ("elapsed_ms", _ms),
    "Data processed": ("data_processed", _size),
    "Data remaining": ("data_remaining", _size),
    "Data total": ("data_total", _size),
    "Memory bandwidth": ("memory_bps", lambda v: _size(v, per_second=True)),
    "Dirty rate": ("dirty_pages_s", lambda v: _int(v, "pages/s")),
    "Page size": ("page_bytes", lambda v: _int(v, "bytes")),
    "Iteration": ("iteration", _count),
    "Expected downtime": ("expected_downtime_ms", _ms),
    "Total downtime": ("total_downtime_ms", _ms),
    "Setup time": ("setup_ms", _ms),
}
# Memory lines stand in for the Data lines only where those are missing (a transcript that
# shows memory alone); virsh itself prints Data whenever it prints Memory.
_MEMORY = {
    "Memory processed": "data_processed",
    "Memory remaining": "data_remaining",
    "Memory total": "data_total",
}


def parse_jobinfo(text: str) -> JobInfo | None:
    """The job's figures, or None when the text holds no domjobinfo line at all."""
    found: dict[str, object] = {}
    memory: dict[str, object] = {}
    for line in text.splitlines()[:MAX_LINES]:
        m = _LINE.match(line[:400])
        if m is None:
            continue
        label, value = m["label"], m["value"]
        if label in _FIELDS:
            name, read = _FIELDS[label]
            found.setdefault(name, read(value))
        elif label in _MEMORY:
            memory.setdefault(_MEMORY[label], _size(value))
    for name, value in memory.items():
        if found.get(name) is None:
            found[name] = value
    if not found:
        return None
    return JobInfo(**found)  # type: ignore[arg-type]
