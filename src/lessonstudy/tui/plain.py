"""Typed text as plain text for widgets: never markup, never control codes.

Textual reads a `str` given to a Static, a Label, a DataTable cell or column,
an option or a notification as markup: a pseudonym holding "[/]" crashes the
screen and words like "[inaudible]" or "[sic]" vanish. Everything a person
typed reaches a widget through one of these instead (or as a `Text`/`Content`
built from them), which shows it literally.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.content import Content

from lessonstudy.printable import CONTROLS, printable


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


def keep_control_codes_off_the_screen() -> None:
    """Rich and Textual drop a few control characters (BEL, BS, CR ...) from the text
    they draw, but not ESC: an escape sequence imported in a title or pasted into a
    note would reach the terminal from the field that edits it (inputs and text
    areas draw their value as it is). Their tables of what to drop are the one
    hook both offer: extended here, nothing drawn carries a control character,
    while the study keeps its text exactly as it was typed or imported."""
    import rich.control
    import textual.content

    for module in (rich.control, textual.content):
        table = getattr(module, "_CONTROL_STRIP_TRANSLATE", None)
        if isinstance(table, dict):
            table.update(CONTROLS)
