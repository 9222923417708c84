"""Typed text made safe to show on a terminal: no control characters.

A title imported from a file, a pasted note or a name typed elsewhere may hold
terminal control codes (ESC sequences that recolour, move the cursor or retitle
the window). They are never meaningful in a study, so everything shown on a
terminal - the command line's output and every widget of the app - goes
through `printable`, which drops them and keeps every other character (tabs,
line breaks, right-to-left scripts, emoji, combining accents) as it is.

Pure standard library: the command line's fast paths use it too.
"""

from __future__ import annotations

# C0 controls except tab and line feed, DEL, and the C1 controls (a lone 0x9b is
# a CSI on some terminals).
CONTROLS: dict[int, None] = {
    code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if code not in (9, 10)
}


def printable(text: str) -> str:
    """`text` without control characters (tab and line feed are kept)."""
    return text.translate(CONTROLS)
