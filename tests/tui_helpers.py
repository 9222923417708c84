"""Helpers shared by the Pilot tests (not a test module)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, TextArea


class ScreenApp(App[None]):
    """A bare app that shows one screen over its default one."""

    def __init__(self, make_screen: Callable[[], Screen[None]]) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def rendered(widget: Any, width: int = 120) -> str:
    """What a Static (or anything with `content`) shows, as plain text."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


async def type_text(pilot: Any, text: str) -> None:
    """Type `text` into the focused Input or TextArea in one go (as a paste would)."""
    app = pilot.app
    focused = app.focused
    assert isinstance(focused, Input | TextArea), f"typing into {focused!r}"
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    else:
        focused.insert(text)
    await pilot.pause()
