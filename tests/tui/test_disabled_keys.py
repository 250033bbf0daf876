"""A key that cannot act now (issue 13.4): one binding, dimmed in the key bar, refused in words.

``XentuiApp.check_action`` alone says whether a key can act; Textual dims the key and runs
nothing, and the app's ``run_action`` says why instead of nothing. No second binding per key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rich.segment import Segment

from tests.tui.records import Clock, config, steady
from tests.tui.shown import notes
from tests.tui.waits import until
from xentui.tui.app import NO_ENGINE, XentuiApp
from xentui.tui.keymap import APP_BINDINGS
from xentui.tui.widgets.key_bar import KeyBar


def test_each_key_has_one_binding_and_no_refusal_binding() -> None:
    ids = Counter(b.id for b in APP_BINDINGS if b.id is not None)
    assert ids and set(ids.values()) == {1}, ids
    assert not [b for b in APP_BINDINGS if "refuse" in b.action]


def drawn_keys(app: XentuiApp) -> list[Segment]:
    """The key bar's line as drawn: its segments, each with the style it is painted in."""
    return list(app.main.query_one(KeyBar).render_line(0))


def looks_dim(segments: list[Segment], key: str) -> bool:
    """Whether the cap of ``key`` (`` p ``) is painted dim."""
    caps = {s.text: s.style for s in segments if s.text.strip() and s.style is not None}
    return bool(caps[f" {key} "].dim)


async def test_a_dimmed_key_pressed_says_why_in_words(app: XentuiApp) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(*steady())
        await pilot.pause()
        segments = drawn_keys(app)
        for key in ("p", "u", "m", "r"):
            assert looks_dim(segments, key), (key, segments)
        assert not looks_dim(segments, "w")  # the setup key always works
        await pilot.press("p", "u", "m", "r")
        said = [f"Cannot {a}: {NO_ENGINE}" for a in ("pause", "unpause", "migrate", "refresh")]
        await until(pilot, lambda: notes(app) == said, why="four refusals on screen")
        assert app.screen is app.main and not app.workers  # nothing ran, no dialog opened


async def test_a_configured_key_is_refused_under_its_new_name(clock: Clock) -> None:
    app = XentuiApp(replace(config(), keys=(("pause", "space"),)), clock=clock, wall=clock.wall)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(*steady())
        await pilot.press("p")  # no longer a key: nothing said
        await pilot.press("space")
        await until(pilot, lambda: notes(app), why="the refusal")
        assert notes(app) == [f"Cannot pause: {NO_ENGINE}"]


async def test_every_key_and_the_palette_hint_fit_80_columns(app: XentuiApp) -> None:
    """A presenter over SSH has 80 columns: Help and Quit were cut there (issue 13.4)."""
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(*steady())
        await pilot.pause()
        drawn = "".join(s.text for s in drawn_keys(app))
        words = [b.description for b in APP_BINDINGS if b.show and b.id != "trust"]
        assert len(words) == 7 and "…" not in drawn, drawn
        for word in (*words, "palette"):
            assert f" {word}" in drawn, (word, drawn)
