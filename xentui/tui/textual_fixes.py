"""Textual's one cache that keeps widgets alive after they are gone (issue 10.10), bounded.

``StylesCache.get_inner_outer`` (textual 8.2) is an ``lru_cache(1024)`` on a method that is not
a classmethod, so its key holds ``self``: the StylesCache of every widget ever rendered, and with
it that widget's rendered lines (strips, each with its own crop, style and filter caches), up to
1,024 widgets. The app makes new widgets all the time (the migrate dialog at each m, each
notification's toast): ~6 a migration, ~180 KB a migration, for some 170 migrations before the
cache turned over. The answer depends only on the two colours, so it is cached on them alone.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """Textual's own body, keyed by the colours only."""
    return (Style(background=base_background + background), Style(background=base_background))


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return inner_outer(base_background, background)


def apply() -> None:
    """Replace the method (once; idempotent). A Textual whose method is no longer cached on
    ``self`` is left alone."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is not None and hasattr(current, "cache_clear"):
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]


apply()
