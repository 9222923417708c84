"""Typed text as plain text for widgets: never markup, never control codes.

Textual reads a `str` given to a Static, a Label, a DataTable cell or column,
an option or a notification as markup: a pseudonym holding "[/]" crashes the
screen and words like "[inaudible]" or "[sic]" vanish. Everything a person
typed reaches a widget through one of these instead (or as a `Text`/`Content`
built from them), which shows it literally.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rich.style import Style
from rich.text import Text
from textual.content import Content

from lessonstudy.printable import printable

T = TypeVar("T")


def plain(text: str) -> Content:
    """Typed text for a Static or Label (Textual Content, not markup)."""
    return Content(printable(text))


def plain_text(text: str, style: str | Style = "", **options: object) -> Text:
    """Typed text as a Rich Text (for DataTable cells and columns, options, Rich tables)."""
    return Text(printable(text), style=style, **options)  # type: ignore[arg-type]


def assemble(*parts: str | tuple[str, str | Style] | Text) -> Text:
    """Text.assemble for parts that may hold typed text: each str part is made printable."""
    cleaned: list[str | tuple[str, str | Style] | Text] = []
    for part in parts:
        if isinstance(part, str):
            cleaned.append(printable(part))
        elif isinstance(part, tuple):
            cleaned.append((printable(part[0]), part[1]))
        else:
            cleaned.append(part)
    return Text.assemble(*cleaned)


def without_controls(obj: T) -> T:
    """A document as the app shows and edits it: its text without control characters.

    Inputs and text areas draw their text as it is, so an escape sequence in an
    imported title would reach the terminal from the field that edits it. The
    stored document keeps its text until someone edits it in the app; what is
    saved then is what was on screen."""
    from lessonstudy.store.converter import converter

    data = converter.unstructure(obj)
    cleaned = _clean(data)
    if cleaned == data:
        return obj
    return converter.structure(cleaned, type(obj) if not isinstance(obj, list) else _list_type(obj))


def _list_type(items: list[Any]) -> Any:
    return list[type(items[0])] if items else list  # type: ignore[misc]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value
