"""Xen 3.0's pre-copy policy and a guest that dirties pages, as plain arithmetic (no I/O).

The policy is ``xc_linux_save.c`` of Xen 3.0: round 1 sends every page, each later round the
pages dirtied during the round before; the guest is suspended for one last round after round
29 (``DEF_MAX_ITERS``), after a round that sent fewer than 50 pages, or once more than 3x
memory (``DEF_MAX_FACTOR``) went out. ``ADAPTIVE_SAVE`` is off in 3.0, so there is no rate cap
and no rate-based stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PAGE_SIZE = 4096
MAX_ITERS = 29
MAX_FACTOR = 3
MIN_PAGES = 50
DEFAULT_HOT_FRACTION = 1 / 32
"""A streaming guest rewrites a small set of pages (buffers, page cache): 8 MiB of 256 MiB."""


@dataclass(frozen=True, slots=True)
class GuestMemory:
    """A guest's memory: ``pages`` of 4 KiB, of which ``hot_pages`` are its writable working set."""

    pages: int
    hot_pages: int

    def __post_init__(self) -> None:
        if self.pages < 1 or not 1 <= self.hot_pages <= self.pages:
            raise ValueError(f"bad guest memory: {self.pages} pages, {self.hot_pages} hot")

    @classmethod
    def of_mib(cls, mib: float, *, hot_fraction: float = DEFAULT_HOT_FRACTION) -> GuestMemory:
        pages = max(1, round(mib * 1024 * 1024 / PAGE_SIZE))
        return cls(pages, max(1, min(pages, round(pages * hot_fraction))))

    @property
    def size_bytes(self) -> int:
        return self.pages * PAGE_SIZE

    def pfns(self, round_index: int, count: int) -> range | list[int]:
        """Which frames a round sends: all of them first, then frames of the hot set."""
        if count >= self.pages:
            return range(self.pages)
        stride = max(1, self.pages // self.hot_pages)
        start = round_index % stride
        return [(start + i * stride) % self.pages for i in range(count)]


def dirtied_pages(hot_pages: int, rate: float, seconds: float) -> float:
    """Distinct pages dirtied in ``seconds`` by ``rate`` random writes/s over the hot set.

    The expected value of uniform writes: the count saturates at the working set, so rounds
    shrink while they are short and stop shrinking when the guest dirties faster than the
    link sends.
    """
    if rate <= 0 or seconds <= 0:
        return 0.0
    return hot_pages * -math.expm1(-rate * seconds / hot_pages)


class PrecopyPolicy:
    """Decides each round's page count and when to stop and copy."""

    def __init__(
        self,
        memory: GuestMemory,
        dirty_pages_per_s: float,
        *,
        max_rounds: int = MAX_ITERS + 1,
        live: bool = True,
    ) -> None:
        if max_rounds < 1:
            raise ValueError(f"max_rounds must be at least 1, not {max_rounds}")
        self.memory = memory
        self.rate = dirty_pages_per_s
        self.max_rounds = max_rounds
        self.live = live
        self.round = 0
        self.total_pages = 0
        self.last = not live or max_rounds == 1
        """True once the next round is the stop-and-copy one."""
        self._carry = 0.0

    def first_round(self) -> int:
        self.round = 1
        return self.memory.pages

    def after_round(self, sent: int, simulated_s: float) -> int:
        """Account for a finished pre-copy round; return the next round's page count.

        ``simulated_s`` is how long the round took in guest time (wall time x speed).
        """
        self.total_pages += sent
        if (
            self.round >= self.max_rounds - 1
            or sent < MIN_PAGES
            or self.total_pages > MAX_FACTOR * self.memory.pages
        ):
            self.last = True
        exact = dirtied_pages(self.memory.hot_pages, self.rate, simulated_s) + self._carry
        pages = int(exact)
        self._carry = exact - pages
        self.round += 1
        return pages
