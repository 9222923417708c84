"""Correcting a note after it was taken: its text, who it is about, judgement, critical flag.

A modal over observer mode. The text is focused first (the usual correction),
with the cursor at its end and nothing selected: the first key typed adds to
the note instead of replacing it. Tab reaches the other fields; Enter in the
text, ctrl+s or the Save button saves, Escape cancels (the dialog says so: the
footer underneath belongs to the notes list). Dismisses with the corrected note (not yet saved: the
observer screen saves it with `update_note`, which bumps its revision), or
None when nothing changed.
"""

from __future__ import annotations

from uuid import UUID

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from lessonstudy.model import CLASS, Judgement, Observation
from lessonstudy.tui.widgets.note_line import about_words

NO_JUDGEMENT = "none"


class NoteCorrectionScreen(ModalScreen[Observation | None]):
    CSS_PATH = "observe.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="observe.correction_cancel"),
        Binding("ctrl+s", "save", "Save", id="observe.correction_save"),
    ]

    def __init__(
        self,
        note: Observation,
        pupils: list[tuple[str, str]],
        stage_numbers: dict[UUID, int],
    ) -> None:
        super().__init__()
        self.note = note
        self.pupils = pupils
        self.stage_numbers = stage_numbers

    def compose(self) -> ComposeResult:
        note = self.note
        names = dict(self.pupils)
        stage = self.stage_numbers.get(note.stage_id) if note.stage_id else None
        where = f"stage {stage}" if stage else "no stage"
        with Vertical(id="correction"):
            yield Label(
                f"Correct your note of {note.at.astimezone():%H:%M} ({where})",
                id="correction-title",
            )
            yield Label("What you saw or heard")
            yield Input(note.text, id="text", select_on_focus=False)
            yield Label("About")
            who = [(about_words(label, names), label) for label, _ in self.pupils]
            if note.about not in names and note.about != CLASS:
                who.append((note.about, note.about))  # a pupil no longer in the plan
            yield Select([*who, ("class", CLASS)], value=note.about, allow_blank=False, id="who")
            yield Label("Judgement")
            judgements = [(f"{j.symbol} {j.words}", j.value) for j in Judgement]
            yield Select(
                [("no judgement", NO_JUDGEMENT), *judgements],
                value=note.judgement.value if note.judgement else NO_JUDGEMENT,
                allow_blank=False,
                id="judgement",
            )
            yield Checkbox("Critical incident", note.critical, id="critical")
            with Horizontal(id="correction-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Label(
                "Enter or ctrl+s saves · Esc cancels · Tab: about, judgement, critical",
                id="correction-hint",
            )

    def on_mount(self) -> None:
        text = self.query_one("#text", Input)
        text.focus()
        text.cursor_position = len(text.value)

    def corrected(self) -> Observation:
        judgement = self.query_one("#judgement", Select).value
        return attrs.evolve(
            self.note,
            text=self.query_one("#text", Input).value.strip(),
            about=str(self.query_one("#who", Select).value),
            judgement=None if judgement == NO_JUDGEMENT else Judgement(judgement),
            critical=self.query_one("#critical", Checkbox).value,
        )

    def action_save(self) -> None:
        note = self.corrected()
        if not note.text and note.judgement is None:
            self.notify("A note needs some text or a judgement.", severity="warning")
            return
        self.dismiss(None if note == self.note else note)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#text")
    @on(Button.Pressed, "#save")
    def _save_asked(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
