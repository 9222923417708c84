"""The app's own theme: high contrast, for a projector in a bright room and for
people who need it. Listed with Textual's themes (ctrl+p, Theme) and remembered.

White on black, focus and highlights in bright yellow, every muted text as
bright as the rest. Judgements keep their symbols (= + - ?) and states theirs
(✓ ◐ ○), so nothing depends on telling two colours apart; with NO_COLOR=1 the
app drops colour altogether and reads the same.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="lessonstudy-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffaf00",
    error="#ff5f5f",
    success="#00ff5f",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    boost="#262626",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#ffffff",
        "text-disabled": "#bcbcbc",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        # A deep blue band: white, green and yellow text all stand out on it (a
        # yellow band hid the green "done" of the map's highlighted line).
        "block-cursor-foreground": "#ffffff",
        "block-cursor-background": "#2a2a9a",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#262626",
        "input-cursor-background": "#ffff00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00 40%",
        "border": "#ffff00",
        "border-blurred": "#808080",
        "scrollbar": "#808080",
        "scrollbar-hover": "#ffff00",
        "scrollbar-active": "#ffff00",
        "button-foreground": "#000000",
    },
)

THEMES = (HIGH_CONTRAST,)
