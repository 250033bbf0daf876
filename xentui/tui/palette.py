"""ANSI palettes under which every state colour (yellow = paused) reads on either theme.

States are named colours (yellow = paused, magenta = migrating), which Textual turns into true
colours through one ANSI palette per theme. Textual's light palette (Alabaster) gives yellow
about 2:1 against the light background and green 3:1: a paused guest was a faint smudge on a
projector. Its dark one (Monokai) makes magenta the same pink as red, under 3:1 on the guest's
band. Here those hues are moved to at least 4.5:1 on the background, the panes and the guest's
band (`tests/tui/test_views.py` and `test_theme_contrast.py` measure it, in every theme xentui
offers); the other colours are the originals.
"""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme

LIGHT_ANSI = TerminalTheme(
    (247, 247, 247),
    (0, 0, 0),
    [
        (0, 0, 0),
        (140, 36, 32),  # red (Alabaster: 170, 55, 49)
        (25, 88, 20),  # green (68, 140, 39)
        (105, 65, 0),  # yellow (203, 144, 0): a burnt orange, still apart from green
        (50, 92, 192),
        (110, 50, 145),  # magenta (122, 62, 157)
        (0, 100, 135),  # cyan (0, 131, 178)
        (247, 247, 247),
    ],
    [  # the bright colours as Alabaster has them: xentui does not name them
        (119, 119, 119),
        (240, 80, 80),
        (96, 203, 0),
        (255, 188, 93),
        (0, 122, 204),
        (230, 76, 230),
        (0, 170, 203),
        (247, 247, 247),
    ],
)
"""Alabaster with red, green, yellow, magenta and cyan dark enough for text on light grey."""

DARK_ANSI = TerminalTheme(
    (12, 12, 12),
    (217, 217, 217),
    [
        (26, 26, 26),
        (255, 110, 130),  # red (Monokai: 244, 0, 95)
        (152, 224, 36),
        (253, 151, 31),
        (157, 101, 255),
        (200, 145, 255),  # magenta (244, 0, 95, the same as red)
        (88, 209, 235),
        (196, 197, 181),
    ],
    [  # the bright colours as Monokai has them
        (98, 94, 76),
        (244, 0, 95),
        (152, 224, 36),
        (224, 213, 97),
        (157, 101, 255),
        (244, 0, 95),
        (88, 209, 235),
        (246, 246, 239),
    ],
)
"""Monokai with a red light enough for dark grey, and a magenta that is not red."""
