"""The probe on an event loop of its own, in a thread: its clock is not the screen's (issue 11.3).

Inside Textual's loop the probe's reads, its starvation waits and the player's ticks wait for
every paint: a read that comes 300 ms late takes the kernel timestamp of the newest segment it
copies, so the gap after a halt ends late, and a refill that completes mid-paint is noticed late.
Here `StreamProbe` runs untouched on a private loop in a thread. The app's side gets only
immutable things: the frozen `ProbeSummary`, `Gap` and `Stall` records, and the probe's events,
handed to the loop that called `run()` with ``call_soon_threadsafe``, in order.

The thread is created by `run()`, on the caller's thread, when the caller starts it: a thread
inherits the network namespace of the thread that creates it, and ``xentui demo --vm`` joins
the lab's namespace (``setns``) before it starts the app. Built before then, the probe would
read from the host's network instead of the guest's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from xentui.model import Event, Gap, Stall
from xentui.probe.monitor import StreamProbe
from xentui.probe.summary import ProbeSummary
from xentui.tasks import cancel_and_wait

log = logging.getLogger(__name__)

T = TypeVar("T")

ASK_TIMEOUT_S = 2.0
"""How long the app waits for an answer from the probe's thread; it answers in microseconds
unless the process is stuck, and then the app must not hang with it."""


class ProbeThread:
    """A `StreamProbe` run on its own loop in a thread, with contract 6's face (`ProbeLike`).

    Questions (`summary()`, the verdict's ``*_since``) run on the probe's loop and return
    immutable values: the probe's state is touched by one thread only. Before the thread runs,
    or after it ended, nothing else touches that state and they are answered directly.
    """

    def __init__(self, probe: StreamProbe, *, name: str = "stream-probe") -> None:
        self.probe, self.name = probe, name
        self._listeners: list[Callable[[Event], None]] = []
        self._home: asyncio.AbstractEventLoop | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        """The probe's own loop while it runs (tests sample the probe on it); else None."""
        self._lock = threading.Lock()
        self._inner: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        probe.add_listener(self._relay)

    # --- contract 6 (docs/ARCHITECTURE.md) ------------------------------------------------------
    def add_listener(self, cb: Callable[[Event], None]) -> None:
        """``cb`` is called on the loop that runs `run()`, never on the probe's thread."""
        self._listeners.append(cb)

    async def run(self) -> None:
        """Run the probe in a new thread until cancelled; its end (a crash) is raised here."""
        if self._task is None:
            self._task = asyncio.current_task()
        home = self._home = asyncio.get_running_loop()
        ended: asyncio.Future[None] = home.create_future()
        thread = threading.Thread(target=self._main, args=(home, ended), name=self.name)
        thread.daemon = True  # a stuck read must never keep the process from exiting
        self._thread = thread
        thread.start()  # now, on the caller's thread: in the caller's network namespace
        try:
            await asyncio.shield(ended)
        finally:
            await self._stopped(ended)
            while thread.is_alive():  # resolving ``ended`` was its last act: gone in a moment
                await asyncio.sleep(0.001)

    async def _stopped(self, ended: asyncio.Future[None]) -> None:
        """Stop the probe and wait for its thread's end (its last act resolves ``ended``): a
        cancel that comes meanwhile is passed on once the thread is done, never lost."""
        self._stop()
        cancelled = False
        while not ended.done():
            try:
                await asyncio.shield(ended)
            except asyncio.CancelledError:
                cancelled = True
                self._stop()
            except Exception:
                break  # it crashed while stopping: already said by the probe itself
        if cancelled:
            raise asyncio.CancelledError

    async def close(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            await cancel_and_wait([self._task])

    def summary(self) -> ProbeSummary:
        return self.ask(self.probe.summary)

    def longest_gap_since(self, t: float) -> Gap | None:
        return self.ask(self.probe.longest_gap_since, t)

    def min_buffer_since(self, t: float) -> float | None:
        return self.ask(self.probe.min_buffer_since, t)

    def stalls_since(self, t: float) -> tuple[Stall, ...]:
        return self.ask(self.probe.stalls_since, t)

    def describe_since(self, t: float) -> str:
        return self.ask(self.probe.describe_since, t)

    @property
    def message(self) -> str:
        return self.probe.message  # a str: replaced whole, never changed in place

    @property
    def failure(self) -> str:
        return self.probe.failure

    # --- the probe's thread ---------------------------------------------------------------------
    def _main(self, home: asyncio.AbstractEventLoop, ended: asyncio.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        outcome: BaseException | None = None
        try:
            loop.run_until_complete(self._serve(loop))
        except asyncio.CancelledError:
            pass  # stopped: the normal end
        except BaseException as exc:
            outcome = exc  # the probe said it (its crash notice); the caller gets it raised
        finally:
            with self._lock:
                self.loop = None  # questions from now on are answered directly
            try:
                _wind_down(loop)  # and those already queued get their answers first
            finally:
                loop.close()
                self._resolve(home, ended, outcome)

    async def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        self._inner = asyncio.current_task()
        with self._lock:
            self.loop = loop
        await self.probe.run()

    def _stop(self) -> None:
        with self._lock:
            loop, inner = self.loop, self._inner
            if loop is not None and inner is not None:
                loop.call_soon_threadsafe(inner.cancel)

    @staticmethod
    def _resolve(
        home: asyncio.AbstractEventLoop, ended: asyncio.Future[None], outcome: BaseException | None
    ) -> None:
        def settle() -> None:
            if ended.done():
                return
            if outcome is None:
                ended.set_result(None)
            else:
                ended.set_exception(outcome)

        with contextlib.suppress(RuntimeError):  # the caller's loop is gone: nobody to tell
            home.call_soon_threadsafe(settle)

    def _relay(self, event: Event) -> None:
        """The probe's listener, on its thread: the event goes to the caller's loop, in order."""
        home = self._home
        if home is None:  # not started by run(): the probe runs on the caller's loop itself
            self._deliver(event)
            return
        with contextlib.suppress(RuntimeError):  # the caller's loop closed while it spoke
            home.call_soon_threadsafe(self._deliver, event)

    def _deliver(self, event: Event) -> None:
        for cb in list(self._listeners):
            try:
                cb(event)
            except Exception:  # a listener's bug must not stop the others
                log.exception("stream probe listener %r failed on %r", cb, event)

    def ask(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the probe's thread, its answer handed back: give back only
        immutable values (a benchmark or test asks for figures the probe does not summarise)."""
        answer: concurrent.futures.Future[T] = concurrent.futures.Future()

        def call() -> None:
            try:
                answer.set_result(fn(*args))
            except BaseException as exc:
                answer.set_exception(exc)

        with self._lock:
            loop = self.loop
            if loop is None or threading.current_thread() is self._thread:
                loop = None
            else:
                loop.call_soon_threadsafe(call)
        if loop is None:
            return fn(*args)
        return answer.result(timeout=ASK_TIMEOUT_S)


def _wind_down(loop: asyncio.AbstractEventLoop) -> None:
    """What ``asyncio.run`` does at the end: queued callbacks run, stray tasks are cancelled,
    and the threads of the loop's executor end with it."""
    loop.run_until_complete(asyncio.sleep(0))
    stray = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in stray:
        task.cancel()
    if stray:
        loop.run_until_complete(asyncio.gather(*stray, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())  # the name lookups' threads
