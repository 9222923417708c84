"""Typing redraws what it changes, not the layout of the whole screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.geometry import Size
from textual.reactive import Reactive
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


class TypingInPlace:
    """Mix in before Input: `class FieldInput(TypingInPlace, OrderedKeys, Input)`.

    Textual's Input sets its `virtual_size` on every change of its value, and
    on Widget that is a layout reactive: each key typed asked for a reflow of
    the whole screen (10-30 ms a key on the plan or the discussion, where a key
    should be on screen within a frame). A one-line field scrolls its text
    within itself, so its virtual size never moves anything else: here it only
    repaints. (A field sized by its text, `width: auto`, still asks for a
    layout: Input does that itself.)

    Nor does it take a horizontal scrollbar. Textual's Input gets one of no size
    once its text is wider than it (at the next layout of the screen), and each
    key then moves that scrollbar, which has no place on screen: to draw the key
    the compositor arranged every widget of the screen again, visible or not
    (the plan's objective: half the keys, a third of each key's time).
    `overflow-x: hidden` leaves the text following the cursor as before."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Widget, self).styles.overflow_x = "hidden"


def update_in_place(static: Static, content: VisualType) -> None:
    """Show `content` in `static`, asking for a layout only if its size changes.

    For what follows typing (a title that shows the objective being typed, the
    "Saved 10:42:03" status): Static.update asks for a reflow of the whole
    screen each time; here the size the new text needs is measured first."""
    size = static.content_size
    static.update(content, layout=False)
    if not size.width or not size.height:
        static.refresh(layout=True)  # not laid out yet
        return
    # Measured as Textual's own layout measures a widget (Widget.get_content_height).
    styles, visual = cast("RulesMap", static.styles), static.visual
    width = size.width
    if static.styles.width is not None and static.styles.width.is_auto:
        container = static.parent.size.width if isinstance(static.parent, Widget) else width
        width = visual.get_optimal_width(styles, container)
    height = size.height
    if static.styles.height is not None and static.styles.height.is_auto:
        height = visual.get_height(styles, width)
    if (width, height) != (size.width, size.height):
        static.refresh(layout=True)
