"""Notes in no stage of the plan, each placed in a stage with one key.

A note taken before the first stage began, after the lesson ended, or on a
stage since taken out of the plan belongs to no row of the evidence grid. It
is listed here, never hidden: with the list focused, a digit puts the
highlighted note in that stage (1 = the first stage). The widget changes
nothing itself: it posts `Place`, and the screen saves.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from lessonstudy.model import CLASS, Observation
from lessonstudy.tui.widgets.judgement_style import append_marks


def unplaced_line(note: Observation, pupils: dict[str, str]) -> Text:
    """'10:02 B Bea + said ... (Ruth)': time, who about, judgement, text, observer."""
    text = Text()
    text.append(f"{note.at.astimezone():%H:%M} ", "dim")
    who = "class" if note.about == CLASS else f"{note.about} {pupils.get(note.about, '')}"
    text.append(who.strip() + " ", "bold")
    append_marks(text, note)
    text.append(note.text or (note.judgement.words if note.judgement else ""))
    text.append(f" ({note.observer})", "dim")
    return text


class UnplacedNotes(OptionList):
    """The unplaced notes of one lesson; digits place the highlighted one."""

    DEFAULT_CSS = """
    UnplacedNotes {
        height: auto;
        max-height: 8;
    }
    """

    BINDINGS = [
        # Shown once for all the digits (each digit is its own key below).
        Binding("1", "place(1)", "Place in stage", id="unplaced.place", key_display="1-9"),
        *(Binding(str(n), f"place({n})", f"Stage {n}", show=False) for n in range(2, 10)),
    ]

    class Place(Message):
        """Put `note` in stage `number` (1-based) of the plan."""

        def __init__(self, widget: UnplacedNotes, note: Observation, number: int) -> None:
            super().__init__()
            self.widget = widget
            self.note = note
            self.number = number

        @property
        def control(self) -> UnplacedNotes:
            return self.widget

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.notes: list[Observation] = []
        self.stage_count = 0

    def show(self, notes: list[Observation], pupils: dict[str, str], stage_count: int) -> None:
        highlighted = self.highlighted
        self.notes = list(notes)
        self.stage_count = stage_count
        self.set_options(
            Option(unplaced_line(note, pupils), id=str(note.id)) for note in self.notes
        )
        if self.notes:
            self.highlighted = min(highlighted or 0, len(self.notes) - 1)

    def action_place(self, number: int) -> None:
        if self.highlighted is None or not self.notes:
            return
        if not 1 <= number <= self.stage_count:
            self.notify(f"The plan has {self.stage_count} stages.", severity="warning")
            return
        self.post_message(self.Place(self, self.notes[self.highlighted], number))

    def on_focus(self, _event: events.Focus) -> None:
        if self.notes and self.highlighted is None:
            self.highlighted = 0
