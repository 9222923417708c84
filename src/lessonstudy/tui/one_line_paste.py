"""Text pasted into a one-line field keeps every line, joined by spaces.

Textual's Input keeps only the first line of a paste and drops the rest without
a word. Seen in a trial: an agreed change pasted as two lines into the
discussion was saved as its first line only, in the app and in the report. So
an app with `OneLinePaste` joins a paste's lines before a one-line field gets
it; a multi-line field (a TextArea) gets the paste as it came.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[Any]
else:
    _Base = object


def joined_lines(text: str) -> str:
    """The lines of `text` as one line: each stripped, the empty ones left out."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


class OneLinePaste(_Base):
    """Mix in before App, after KeysInTurn (a paste held back by it is joined when it
    reaches its field): `class LessonStudyApp(KeysInTurn, OneLinePaste, App[None])`."""

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Paste)
            and not event.is_forwarded
            and isinstance(self.focused, Input)
        ):
            event.text = joined_lines(event.text)
        await super().on_event(event)
