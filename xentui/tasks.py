"""Stopping tasks for sure: the one way every layer cancels a task and waits for it.

``task.cancel()`` then ``with suppress(CancelledError): await task`` also swallows a cancel aimed
at the caller (it arrives as the same CancelledError while the caller waits), so a caller asked
to stop would carry on. ``cancel_and_wait`` waits with ``asyncio.wait``, which never raises the
tasks' own ends: only the caller's cancel comes out of it, and it does. Beneath every layer
(the lab and the probe use it too); it imports nothing of xentui.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

STOP_GRACE_S = 2.0
STOP_ATTEMPTS = 3


def stop_requested() -> bool:
    """Whether the current task has been asked to stop, whatever the await it was in raised.

    Python 3.11's ``asyncio.wait_for`` (asyncssh's connect timeout) answers a cancel that lands
    in the same loop step as the connection's own failure with that failure: a retry loop that
    takes it for "unreachable, try again" would never stop.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def cancel_and_wait(tasks: Iterable[asyncio.Task[object]]) -> list[asyncio.Task[object]]:
    """Cancel the tasks and wait for them, asking again if one ignores it; returns any left.

    A shutdown must end even if a task swallowed its cancel once: each attempt waits at most
    ``STOP_GRACE_S``. Results and exceptions are collected so none is reported as unretrieved.
    """
    tasks = list(tasks)
    pending = [t for t in tasks if not t.done()]
    for _ in range(STOP_ATTEMPTS):
        if not pending:
            break
        for task in pending:
            task.cancel()
        _, still = await asyncio.wait(pending, timeout=STOP_GRACE_S)
        pending = list(still)
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()
    return pending
