"""When Python's garbage collector walks the whole heap: on the app's tick, never inside a key.

A full collection is started by allocation, and the allocation that tips it is often a paint
answering a key: with fifty hosts polled each second, four or so full passes a minute added
10-60 ms to whichever key was being drawn (issue 11.6). The app's own tick, once a second and
independent of the presenter's keys, runs them instead; a key then meets one only by chance,
in the few milliseconds every ten seconds that it runs.

What exists once the screen is up (Textual, the stylesheet, every widget) is frozen out of the
full passes: each walked it all, 120-400 ms with fifty hosts; now only what came since.
Everything is restored as the screen goes (tests run many apps in one process).
"""

from __future__ import annotations

import gc

FULL_EVERY_TICKS = 10
"""A full pass every ten ticks (10 s): cyclic garbage waits that long at most."""
NEVER = 1_000_000_000
"""Generation 2's threshold (young collections between full ones) that never comes."""


class HeapPolicy:
    """Freezes the settled heap, and moves full collections from allocation to the tick."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self.ticks = 0
        """Ticks seen since the screen settled."""

    def settle(self) -> None:
        """Once the screen is up. Only the young generations are collected first: a full pass
        here would cost what the freeze saves."""
        if self._saved is not None:
            return
        gc.collect(1)
        gc.freeze()
        self._saved = gc.get_threshold()
        young, middle, _full = self._saved
        gc.set_threshold(young, middle, NEVER)

    def tick(self) -> None:
        if self._saved is None:
            return
        self.ticks += 1
        if self.ticks % FULL_EVERY_TICKS == 0:
            gc.collect(2)

    def restore(self) -> None:
        """The collector as it was: its thresholds, and the frozen objects handed back."""
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        self._saved = None
        gc.unfreeze()
