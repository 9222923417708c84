"""A field for a long answer (a focus, a research question, why a pupil was chosen):
it wraps and grows to show all its text, up to a limit, then scrolls.

Single-line inputs stay for names, dates and numbers. In a long field Enter
starts a new line and Tab moves on, as the forms' hint says.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea

from lessonstudy.tui.widgets.ordered_keys import OrderedKeys


class LongField(OrderedKeys, TextArea):
    DEFAULT_CSS = """
    LongField {
        height: auto;
        min-height: 2;
        max-height: 10;
    }
    """

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        classes = kwargs.pop("classes", "")
        super().__init__(text, classes=f"long-field {classes}".strip(), **kwargs)

    def on_mount(self) -> None:
        # Typing goes on after what is there, as in the single-line fields.
        self.move_cursor(self.document.end)
