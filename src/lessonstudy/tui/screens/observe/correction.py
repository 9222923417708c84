"""Correcting a note after it was taken: text, who it is about, judgement, critical, stage.

The stage is the lesson clock's (the stage running at the note's time) unless
the observer chooses another here; a note the clock left in no stage (taken
before the first stage, after the end) is placed the same way.

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
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from lessonstudy.model import CLASS, Judgement, Observation
from lessonstudy.tui.plain import plain_text
from lessonstudy.tui.widgets.note_line import about_words
from lessonstudy.tui.widgets.tick_box import TickBox

NO_JUDGEMENT = "none"
CLOCK_STAGE = "clock"  # the stage running at the note's time, whatever the clock says


def stage_choices(
    stages: list[tuple[UUID, str]], clock_stage: UUID | None
) -> list[tuple[str, str]]:
    """The stage select's options: the clock's stage first, then each stage."""
    numbers = {stage_id: n for n, (stage_id, _title) in enumerate(stages, start=1)}
    if clock_stage in numbers:
        clock = f"the clock's: stage {numbers[clock_stage]}"
    else:
        clock = "the clock's: in no stage"
    options = [(clock, CLOCK_STAGE)]
    options += [(f"stage {numbers[sid]}: {title}", str(sid)) for sid, title in stages]
    return options


class NoteCorrectionScreen(ModalScreen[Observation | None]):
    CSS_PATH = "observe.tcss"
    # "-short" below 30 rows (80x24): fields without borders, so all of it and the
    # Save button fit; on a smaller terminal still, the dialog scrolls.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="observe.correction_cancel"),
        Binding("ctrl+s", "save", "Save", id="observe.correction_save"),
    ]

    def __init__(
        self,
        note: Observation,
        pupils: list[tuple[str, str]],
        stages: list[tuple[UUID, str]],
        clock_stage: UUID | None,
    ) -> None:
        """`stages`: (id, title) in plan order; `clock_stage`: the stage running at the
        note's time on the lesson's timeline."""
        super().__init__()
        self.note = note
        self.pupils = pupils
        self.stages = stages
        self.clock_stage = clock_stage
        self.stage_numbers = {stage_id: n for n, (stage_id, _) in enumerate(stages, start=1)}

    def compose(self) -> ComposeResult:
        note = self.note
        names = dict(self.pupils)
        stage = self.stage_numbers.get(note.stage_id) if note.stage_id else None
        where = f"stage {stage}" if stage else "no stage"
        with VerticalScroll(id="correction"):
            yield Label(
                f"Correct your note of {note.at.astimezone():%H:%M} ({where})",
                id="correction-title",
            )
            yield Label("What you saw or heard", classes="field-label")
            yield Input(note.text, id="text", select_on_focus=False)
            yield Label("About", classes="field-label")
            who = [(plain_text(about_words(label, names)), label) for label, _ in self.pupils]
            if note.about not in names and note.about != CLASS:
                who.append((plain_text(note.about), note.about))  # a pupil no longer in the plan
            yield Select(
                [*who, (Text("class"), CLASS)], value=note.about, allow_blank=False, id="who"
            )
            yield Label("Judgement", classes="field-label")
            judgements = [(f"{j.symbol} {j.words}", j.value) for j in Judgement]
            yield Select(
                [("no judgement", NO_JUDGEMENT), *judgements],
                value=note.judgement.value if note.judgement else NO_JUDGEMENT,
                allow_blank=False,
                id="judgement",
            )
            yield TickBox("Critical incident", note.critical, id="critical")
            yield Label("Stage", classes="field-label")
            chosen = note.stage_chosen and note.stage_id in self.stage_numbers
            yield Select(
                stage_choices(self.stages, self.clock_stage),
                value=str(note.stage_id) if chosen else CLOCK_STAGE,
                allow_blank=False,
                id="stage",
            )
            with Horizontal(id="correction-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Label(
                "Enter or ctrl+s saves · Esc cancels · Tab: about, judgement, critical, stage",
                id="correction-hint",
            )

    def on_resize(self) -> None:
        short = self.size.height < 30  # as "-short" (its class may not be set yet)
        for field in self.query("Input, Select, Button"):
            field.compact = short  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.on_resize()
        text = self.query_one("#text", Input)
        text.focus()
        text.cursor_position = len(text.value)

    def corrected(self) -> Observation:
        judgement = self.query_one("#judgement", Select).value
        stage = self.query_one("#stage", Select).value
        if stage == CLOCK_STAGE:
            stage_id, chosen = self.clock_stage, False
        else:
            stage_id, chosen = UUID(str(stage)), True
        if not self.note.stage_chosen and not chosen:
            stage_id = self.note.stage_id  # unchanged: still the clock's
        return attrs.evolve(
            self.note,
            text=self.query_one("#text", Input).value.strip(),
            about=str(self.query_one("#who", Select).value),
            judgement=None if judgement == NO_JUDGEMENT else Judgement(judgement),
            critical=self.query_one("#critical", TickBox).value,
            stage_id=stage_id,
            stage_chosen=chosen,
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
