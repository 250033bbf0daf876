"""The main screen's widgets: pure views fed records by the screen, never reaching a sibling."""

from xentui.tui import textual_fixes as _textual_fixes  # noqa: F401 - before any widget renders
