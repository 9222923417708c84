"""Compact fields styled once, when they are mounted, not also as they are made."""

from __future__ import annotations

from typing import Any, cast

from textual.reactive import Reactive
from textual.widget import Widget

COMPACT_CLASS = "-textual-compact"  # what Input's and TextArea's `compact` toggles


class CompactAtOnce:
    """Mix in first on an Input or a TextArea: `compact=True` as Textual gives it.

    Textual's Input and TextArea set `compact` in their constructor as a reactive
    whose class toggle restyles the widget there and then (the whole stylesheet,
    for it and each of its component classes), before it is even mounted, where
    it is styled anyway: about 2 ms a field, over 40 fields on the initial meeting.
    Here the reactive and its class are set without that restyle; the widget is
    styled with them when it is mounted. Setting `compact` later works as usual.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        compact = bool(kwargs.pop("compact", False))
        super().__init__(*args, **kwargs)
        if compact:
            widget = cast(Widget, self)
            descriptor = cast(Any, type(widget)).compact  # Input.compact, TextArea.compact
            assert isinstance(descriptor, Reactive)
            widget.set_reactive(descriptor, True)
            widget.add_class(COMPACT_CLASS, update=False)
