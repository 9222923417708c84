"""The plan screen's dialogs: a stage's editor, a prediction's editor, removing a stage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Function
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    Static,
    TextArea,
)

from lessonstudy.model import CasePupil, Stage
from lessonstudy.process import (
    StageEvidence,
)
from lessonstudy.rules import MAX_MINUTES, minutes_problem
from lessonstudy.tui.plain import plain
from lessonstudy.tui.screens.editing import (
    FieldInput,
    field_row,
)
from lessonstudy.tui.widgets.long_field import SteadyTextArea
from lessonstudy.tui.widgets.prediction_grid import ASSESS_COLUMN, STAGE_COLUMN


def minutes_ok(text: str) -> bool:
    """Empty, or a whole number of minutes within the rules' bounds."""
    text = text.strip()
    if not text:
        return True
    return text.isdigit() and minutes_problem(int(text)) is None


class StageRemovalDialog(ModalScreen[str | None]):
    """Deleting a stage that has evidence: where do its notes go? ("before", "after",
    "delete" when nothing was taught in it, None: keep the stage)."""

    BINDINGS = [Binding("escape", "dismiss", "Keep the stage", id="stage_removal.cancel")]

    def __init__(self, evidence: StageEvidence) -> None:
        super().__init__()
        self.evidence = evidence

    def compose(self) -> ComposeResult:
        e = self.evidence
        held = []
        if e.notes:
            held.append(f"{e.notes} notes from the lesson")
        if e.predictions:
            held.append(f"{e.predictions} predictions")
        if e.judgements:
            held.append(f"{e.judgements} judgements of the group")
        with Vertical(classes="dialog wide"):
            yield Label(plain(f"Delete stage {e.number}: {e.title}?"), classes="dialog-title")
            lines = [f"It holds {', '.join(held) or 'the lesson clock'}."]
            if e.taught:
                lines.append(
                    "The lesson was taught through it: its notes (and the lesson clock's "
                    "time in it, and the group's judgements of it) go to the stage you "
                    "choose, and the group's observed summaries are added to that stage's."
                )
            if e.predictions:
                lines.append(f"Its {e.predictions} predictions are deleted with it.")
            if e.taught:
                lines.append("This cannot be undone with ctrl+z.")
            else:
                lines.append("ctrl+z puts it back.")
            yield Static(Text(" ".join(lines)), classes="hint")
            with Vertical(classes="buttons"):
                if e.taught:
                    if e.before is not None:
                        yield Button(
                            Text(f"Notes to stage {e.number - 1}: {e.before.title or 'untitled'}"),
                            id="before",
                            variant="warning",
                        )
                    if e.after is not None:
                        yield Button(
                            Text(f"Notes to stage {e.number + 1}: {e.after.title or 'untitled'}"),
                            id="after",
                            variant="warning",
                        )
                else:
                    yield Button("Delete it", id="delete", variant="warning")
                yield Button("Keep the stage (Esc)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()  # Enter straight away keeps everything

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "keep" else event.button.id)


class StageEditor(ModalScreen[str | None]):
    """One stage of the plan; every keystroke is saved. ctrl+n goes on to
    this stage's predictions (dismissed with "predict")."""

    BINDINGS = [
        Binding("escape,ctrl+s", "dismiss", "Done", id="stage.done", priority=True),
        Binding("ctrl+n", "predict", "Predictions", id="stage.predict", priority=True),
    ]

    def __init__(
        self,
        number: int,
        stage: Stage,
        set_field: Callable[[str, Any], None],
        focus: str = STAGE_COLUMN,
    ) -> None:
        super().__init__()
        self.number = number
        self.stage = stage
        self.set_field = set_field
        self.focus_on = focus

    def compose(self) -> ComposeResult:
        stage = self.stage
        with VerticalScroll(classes="dialog wide editor"):
            yield Label(f"Stage {self.number}", classes="dialog-title")
            yield field_row("Title", FieldInput(stage.title, id="stage-title", compact=True))
            yield field_row(
                "Minutes",
                Input(
                    "" if stage.minutes is None else str(stage.minutes),
                    id="stage-minutes",
                    restrict=r"\d*",  # no sign: minutes are 0 to MAX_MINUTES
                    max_length=len(str(MAX_MINUTES)),
                    validators=[Function(minutes_ok, f"0 to {MAX_MINUTES} minutes")],
                    placeholder=f"0-{MAX_MINUTES}",
                    compact=True,
                ),
            )
            yield Label("What the teacher does")
            yield SteadyTextArea(stage.teacher_activity, id="stage-teacher_activity", compact=True)
            yield Label("What pupils do")
            yield SteadyTextArea(stage.pupil_activity, id="stage-pupil_activity", compact=True)
            yield Label("How we'll assess: what evidence we will look for")
            yield SteadyTextArea(stage.assessment, id="stage-assessment", compact=True)
            yield Static(
                "Saved as you type. Esc: done · ctrl+n: predict each case pupil's response",
                classes="hint",
            )

    def on_mount(self) -> None:
        target = "#stage-assessment" if self.focus_on == ASSESS_COLUMN else "#stage-title"
        self.query_one(target).focus()

    def action_predict(self) -> None:
        self.dismiss("predict")

    @on(Input.Changed, "#stage-title")
    def _title(self, event: Input.Changed) -> None:
        if event.value != self.stage.title:
            self.set_field("title", event.value)

    @on(Input.Changed, "#stage-minutes")
    def _minutes(self, event: Input.Changed) -> None:
        if not minutes_ok(event.value):
            return  # not saved until it is a number of minutes (the field shows it)
        minutes = int(event.value) if event.value.strip() else None
        if minutes != self.stage.minutes:  # opening the editor is not an edit
            self.set_field("minutes", minutes)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if self.focused is event.input:
            self.focus_next()

    def enter_moves_on(self, widget: Widget) -> bool:
        """Enter in the title or minutes moves on as the app reads it (app.py): the
        minutes typed straight after the title's Enter go into the minutes."""
        return isinstance(widget, Input)

    @on(TextArea.Changed)
    def _text(self, event: TextArea.Changed) -> None:
        name = (event.text_area.id or "").removeprefix("stage-")
        if getattr(self.stage, name, None) != event.text_area.text:
            self.set_field(name, event.text_area.text)


class PredictionEditor(ModalScreen[str | None]):
    """How we predict one case pupil will respond at one stage."""

    BINDINGS = [
        Binding("escape", "dismiss", "Done", id="prediction.done", priority=True),
        Binding("ctrl+n", "next", "Next cell", id="prediction.next", priority=True),
    ]

    def __init__(
        self,
        number: int,
        stage: Stage,
        pupil: CasePupil,
        criterion: str,
        write: Callable[[str], None],
        *,
        last: bool = False,
        sealed: bool = False,
    ) -> None:
        super().__init__()
        self.sealed = sealed  # the lesson has begun: a change is kept beside the prediction
        self.number = number
        self.stage = stage
        self.pupil = pupil
        self.criterion = criterion
        self.write = write
        self.last = last  # the grid's last cell: ctrl+n stays here (keys typed next are safe)
        self.initial = stage.predictions.get(pupil.label, "")

    def compose(self) -> ComposeResult:
        stage, pupil = self.stage, self.pupil
        who = f"Case pupil {pupil.label}" + (f" ({pupil.pseudonym})" if pupil.pseudonym else "")
        context = [f"Stage {self.number}: {stage.title or 'untitled'}"]
        if stage.teacher_activity:
            context.append(f"Teacher: {stage.teacher_activity}")
        if stage.pupil_activity:
            context.append(f"Pupils: {stage.pupil_activity}")
        if pupil.learner_group:
            context.append(f"{pupil.label} is typical of: {pupil.learner_group}")
        if self.criterion:
            context.append(f"{pupil.label}'s success criterion: {self.criterion}")
        with Vertical(classes="dialog wide editor"):
            yield Label(plain(f"How do we predict {who} will respond?"), classes="dialog-title")
            yield Static(plain("\n".join(context)), id="stage-context")
            if self.sealed:
                yield Static(
                    "This lesson has begun: the prediction as it was then is kept, and a "
                    "change is shown beside it, with when, in the discussion and write-up.",
                    classes="hint warning",
                )
            elif stage.record(pupil.label).carried_from is not None:
                yield Static(
                    f"Carried over from RL{stage.record(pupil.label).carried_from}'s plan: "
                    "any edit makes it this lesson's prediction.",
                    classes="hint",
                )
            yield TextArea(self.initial, id="prediction-text")
            yield Static("Saved as you type. Esc: done · ctrl+n: next cell", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one("#prediction-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @on(TextArea.Changed, "#prediction-text")
    def _changed(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self.initial:
            self.initial = event.text_area.text
            self.write(event.text_area.text)

    def action_next(self) -> None:
        if self.last:
            self.notify(
                "This is the last stage's last prediction. Esc when done; a adds a stage.",
                timeout=5,
            )
            return
        self.dismiss("next")
