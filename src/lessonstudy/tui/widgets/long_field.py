"""A field for a long answer (a focus, a research question, why a pupil was chosen):
it wraps and grows to show all its text, up to a limit, then scrolls.

Single-line inputs stay for names, dates and numbers. In a long field Enter
starts a new line and Tab moves on, as the forms' hint says.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea

from lessonstudy.tui.widgets.compact import CompactAtOnce
from lessonstudy.tui.widgets.ordered_keys import OrderedKeys


class SteadyTextArea(CompactAtOnce, TextArea):
    """A TextArea that sits out a frame Textual paints it in without its styles.

    Under load Textual can paint a text area in the frame it is being removed in,
    after its component styles were cleared (seen when a form is rebuilt: the
    initial meeting's pupils): TextArea then raises KeyError ("No 'text-area--gutter'
    key in COMPONENT_CLASSES") and the app stops. Such a frame shows nothing of
    it; the next frame has it styled, or gone."""

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            return super().render_lines(crop)
        except KeyError as error:
            if "COMPONENT_CLASSES" not in str(error):
                raise
            return [Strip.blank(crop.width)] * crop.height


class LongField(OrderedKeys, SteadyTextArea):
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
