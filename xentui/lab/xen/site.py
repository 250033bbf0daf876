"""What a migration command reads and changes of the lab, and nothing more.

``migrate_cmd`` used to take the whole ``Lab``; it needs the knobs, the clock, the ground truth,
the guest, the domain arriving on a target, name resolution and a task that outlives an SSH
session. The ``Lab`` provides all of them; a test or another lab can provide them alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from xentui.lab.options import LabOptions
    from xentui.lab.streaming.guest import Guest
    from xentui.lab.xen.domains import SimDomain
    from xentui.lab.xen.host import SimHost
    from xentui.lab.xen.truth import GroundTruth

T = TypeVar("T")


class MigrationSite(Protocol):
    """The lab as a migration sees it."""

    incoming: tuple[SimHost, SimDomain] | None
    """The guest's domain on a migration's target while the transfer runs."""

    @property
    def options(self) -> LabOptions: ...
    @property
    def clock(self) -> Callable[[], float]: ...
    @property
    def ground_truth(self) -> GroundTruth: ...
    @property
    def guest(self) -> Guest: ...

    def resolve(self, name: str, asker: SimHost | None = None) -> str | None: ...
    def host_by_ip(self, ip: str) -> SimHost | None: ...
    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]: ...
