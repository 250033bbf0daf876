"""A token bucket on the event loop: bytes leave no faster than a simulated link carries them.

Both the migration sender and the guest's NIC use it. It always yields to the loop, so a peer
that reads as fast as loopback allows cannot starve the lab's other servers.
"""

from __future__ import annotations

import asyncio
import time

MIN_SLEEP_S = 0.001
"""Shorter debts are carried to the next call: the loop cannot sleep much finer anyway."""


class TokenBucket:
    """Sleep until ``n`` more bytes fit ``bytes_per_s``; banks at most ``burst_s`` of idle link."""

    def __init__(self, bytes_per_s: float, *, burst_s: float = 0.002) -> None:
        if bytes_per_s <= 0:
            raise ValueError(
                f"a link carries a positive number of bytes per second, not {bytes_per_s}"
            )
        self.rate = bytes_per_s
        self.burst_s = burst_s
        self._t = time.monotonic()

    async def take(self, n: int) -> None:
        now = time.monotonic()
        self._t = max(self._t, now - self.burst_s) + n / self.rate
        debt = self._t - now
        await asyncio.sleep(debt if debt >= MIN_SLEEP_S else 0)
