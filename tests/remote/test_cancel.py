"""A cancelled connect stops: the runner never turns "stop" into "host unreachable, retry".

Python 3.11's ``asyncio.wait_for`` (which ``asyncssh.connect`` uses for its connect timeout)
answers a cancel that lands in the same loop step as the connection's own failure with that
failure instead of ``CancelledError``. A poll loop that retries unreachable hosts then never
stops: a CI run hung for 120 s in an engine's teardown exactly so. The cancel is tried here at
every loop step of a refused connect to a real closed loopback port, so the one step that
matters is always among them.
"""

from __future__ import annotations

import asyncio

from tests.remote.sshd import free_port
from xentui.config import HostConfig, SshTarget
from xentui.remote import HostUnreachable
from xentui.remote.ssh import SshRunner
from xentui.tasks import cancel_and_wait

MAX_STEPS = 1000


async def _connect_cancelled_after(steps: int, port: int) -> str:
    """What a connect asked to stop after ``steps`` loop steps did: stopped, or failed first."""
    runner = SshRunner(HostConfig(ssh=SshTarget(name="gone", address="127.0.0.1", port=port)))
    task = asyncio.create_task(runner.connect())
    for _ in range(steps):
        await asyncio.sleep(0)
    asked = task.cancel()  # False: it had already ended, refused
    try:
        await task
    except asyncio.CancelledError:
        return "stopped"
    except HostUnreachable:
        return "ignored the stop" if asked else "refused first"
    finally:
        await runner.close()
    return "connected"


async def test_a_cancel_at_any_step_of_a_refused_connect_stops_it() -> None:
    port = free_port()  # nothing listens: every connect is refused
    outcomes: list[str] = []
    # how many loop steps a refusal takes depends on the resolver thread, so on the machine's
    # load (12 steps idle, near 100 loaded): go on until the refusals clearly come first
    for steps in range(MAX_STEPS):
        outcomes.append(await _connect_cancelled_after(steps, port))
        if outcomes.count("refused first") >= 10:
            break
    assert "ignored the stop" not in outcomes, outcomes
    assert "refused first" in outcomes, f"no refused connect ended within {MAX_STEPS} loop steps"


async def test_cancel_and_wait_asks_again_a_task_that_ate_its_cancel() -> None:
    asked = 0

    async def stubborn() -> None:
        nonlocal asked
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                asked += 1
                if asked == 1:
                    asyncio.current_task().uncancel()  # type: ignore[union-attr]
                    continue  # what the 3.11 wait_for race does to a retry loop
                raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    assert await cancel_and_wait([task]) == []
    assert task.cancelled() and asked == 2


async def test_cancel_and_wait_gives_up_on_a_task_that_never_stops(monkeypatch) -> None:
    monkeypatch.setattr("xentui.tasks.STOP_GRACE_S", 0.05)
    deaf_now = True

    async def deaf() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if not deaf_now:
                    raise
                asyncio.current_task().uncancel()  # type: ignore[union-attr]

    task = asyncio.create_task(deaf(), name="deaf")
    await asyncio.sleep(0)
    assert await cancel_and_wait([task]) == [task]
    deaf_now = False
    assert await cancel_and_wait([task]) == [] and task.cancelled()
