"""Star notes "for the write-up": the evidence the group chooses to show.

Opened from the end-of-lesson view (every note of the lesson) and from the
discussion's evidence grid (the notes of the chosen cell). Enter stars or
unstars the highlighted note and saves it at once; the report's cells print
starred notes first. Nothing here deletes anything, and Escape closes.
"""

from __future__ import annotations

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CLASS, Observation
from lessonstudy.store import StudyFile
from lessonstudy.tui.widgets.footer import Footer

STAR = "★"


def note_prompt(note: Observation, names: dict[str, str]) -> Text:
    """One note as a line of the list: typed text stays text (no markup)."""
    about = "class" if note.about == CLASS else names.get(note.about, note.about)
    line = Text()
    line.append(f"{STAR} " if note.starred else "  ", style="bold yellow")
    line.append(f"{note.at:%H:%M} ", style="dim")
    line.append(about, style="bold")
    line.append(f" {note.observer}: ", style="dim")
    line.append(note.text)
    return line


class StarNotesScreen(ModalScreen[int]):
    """Star notes for the write-up; dismissed with how many are starred now."""

    DEFAULT_CSS = """
    StarNotesScreen { align: center middle; }
    StarNotesScreen > Vertical {
        width: 90%; max-width: 110; height: 80%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    StarNotesScreen OptionList { height: 1fr; }
    StarNotesScreen Label { width: 100%; }
    """
    BINDINGS = [Binding("escape", "close", "Done", id="star_notes.close")]

    def __init__(
        self, study_file: StudyFile, title: str, notes: list[Observation], names: dict[str, str]
    ) -> None:
        super().__init__()
        self.study_file = study_file
        self.title_text = title
        self.notes = list(notes)
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield Label(
                Text("Enter stars a note for the write-up, or takes the star off. Esc: done.")
            )
            yield OptionList(
                *[Option(note_prompt(n, self.names), id=str(n.id)) for n in self.notes],
                id="star-notes",
            )
            if not self.notes:
                yield Label(Text("No notes here."))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#star-notes")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        index = event.option_index
        note = self.notes[index]
        try:
            saved = self.study_file.update_note(attrs.evolve(note, starred=not note.starred), note)
        except LessonStudyError as error:
            self.notify(f"Not saved: {error}", severity="error")
            return
        self.notes[index] = saved
        options = self.query_one(OptionList)
        options.replace_option_prompt_at_index(index, note_prompt(saved, self.names))
        self.notify("Starred for the write-up." if saved.starred else "Star taken off.", timeout=2)

    def action_close(self) -> None:
        self.dismiss(sum(1 for note in self.notes if note.starred))
