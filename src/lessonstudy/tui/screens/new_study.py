"""The new-study dialog: a title, how many research lessons, the case pupils' labels
and the file name. Opened from the start screen, or when the app is given a file
that does not exist yet (imported then: the start screen itself stays light)."""

from __future__ import annotations

from pathlib import Path

from attrs import frozen
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from lessonstudy.model import (
    DEFAULT_LESSON_COUNT,
    DEFAULT_PUPIL_LABELS,
    MAX_LABEL_LENGTH,
    MAX_LESSONS,
    MAX_PUPILS,
    MIN_LESSONS,
    MIN_PUPILS,
    lesson_count_problem,
    parse_pupil_labels,
)
from lessonstudy.tui.screens.editing import FieldInput, field_row
from lessonstudy.tui.screens.start import study_path_for, suggested_file_name


@frozen
class NewStudy:
    """What the new-study dialog asks for."""

    path: Path
    title: str
    lessons: int = DEFAULT_LESSON_COUNT
    labels: tuple[str, ...] = DEFAULT_PUPIL_LABELS


def parse_lessons(text: str) -> int:
    """The number of research lessons as typed; ValueError saying why."""
    text = text.strip()
    if not text.isdigit():
        raise ValueError(f"research lessons: a number from {MIN_LESSONS} to {MAX_LESSONS}")
    problem = lesson_count_problem(int(text))
    if problem:
        raise ValueError(problem)
    return int(text)


class NewStudyDialog(ModalScreen[NewStudy | None]):
    """Asks for the study's title, how many research lessons, the case pupils' labels
    and its file name. Enter moves down the fields and creates the study from the last;
    ctrl+s creates it from anywhere."""

    CSS_PATH = "new_study.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Cancel", id="new.cancel"),
        Binding("ctrl+s", "create", "Create", id="new.create", priority=True),
    ]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path  # given on the command line: the file name is filled in

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="new-study"):
            yield Label(
                Text.assemble(
                    ("A new lesson study", "bold"),
                    ("   Enter: next field · ctrl+s: create · Esc: cancel", "dim"),
                ),
                classes="dialog-title",
            )
            if self.path is not None:
                yield Static(
                    Text(f"There is no study at {self.path} yet: this creates it."),
                    classes="hint",
                )
            yield field_row(
                "Title",
                FieldInput(placeholder="e.g. Fractions in Year 4", id="new-title", compact=True),
            )
            yield field_row(
                "Research lessons",
                FieldInput(
                    str(DEFAULT_LESSON_COUNT),
                    id="new-lessons",
                    compact=True,
                    type="integer",
                    max_length=1,
                ),
            )
            yield Static(
                f"{MIN_LESSONS} to {MAX_LESSONS}, usually 3; add or remove one later.",
                classes="hint field-hint gap",
            )
            yield field_row(
                "Case pupils' labels",
                FieldInput(", ".join(DEFAULT_PUPIL_LABELS), id="new-pupils", compact=True),
            )
            yield Static("", id="new-pupils-check", classes="hint field-hint")
            yield Static(
                f"{MIN_PUPILS} to {MAX_PUPILS} labels of 1-{MAX_LABEL_LENGTH} letters or digits "
                "(A, K, J; initials M, S; never a name), or how many.",
                classes="hint field-hint gap",
            )
            yield field_row(
                "File name",
                FieldInput(
                    str(self.path) if self.path else "",
                    placeholder="e.g. fractions-year-4",
                    id="new-file",
                    compact=True,
                ),
            )
            yield Static("", id="new-where", classes="hint field-hint")
            with Horizontal(classes="buttons"):
                yield Button("Create (ctrl+s)", id="create", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#new-title").focus()
        self._file_edited = self.path is not None
        self._show_where()

    @on(Input.Changed, "#new-title")
    def _title_changed(self, event: Input.Changed) -> None:
        if not self._file_edited:
            file_input = self.query_one("#new-file", Input)
            with file_input.prevent(Input.Changed):
                file_input.value = suggested_file_name(event.value)
                # At the end, as if typed: the cursor stayed after the first letter, so
                # ctrl+u there kept the rest ("study1easoning-about-fractions").
                file_input.cursor_position = len(file_input.value)
        self._show_where()

    @on(Input.Changed, "#new-file")
    def _file_changed(self) -> None:
        self._file_edited = True
        self._show_where()

    @on(Input.Changed, "#new-pupils")
    def _pupils_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#new-pupils-check", Static)
        try:
            labels = parse_pupil_labels(event.value)
        except ValueError as error:
            hint.update(Text(f"✗ {error}"))
            return
        hint.update(Text(f"✓ {len(labels)} case pupils: {', '.join(labels)}"))

    def _show_where(self) -> None:
        name = self.query_one("#new-file", Input).value
        where = f"Will be saved as {study_path_for(name)}" if name.strip() else ""
        self.query_one("#new-where", Static).update(Text(where))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "new-file":
            self.action_create()
        elif self.focused is event.input:
            self.focus_next()

    def enter_moves_on(self, widget: Widget) -> bool:
        """Enter moves down the fields as soon as the app reads it (see app.py)."""
        return isinstance(widget, Input) and widget.id != "new-file"

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        title = self.query_one("#new-title", Input).value.strip()
        name = self.query_one("#new-file", Input).value.strip()
        if not title:
            self._refuse("#new-title", "Give the study a title first.")
            return
        try:
            lessons = parse_lessons(self.query_one("#new-lessons", Input).value)
        except ValueError as error:
            self._refuse("#new-lessons", str(error))
            return
        try:
            labels = parse_pupil_labels(self.query_one("#new-pupils", Input).value)
        except ValueError as error:
            self._refuse("#new-pupils", str(error))
            return
        if not name:
            name = suggested_file_name(title)
        self.dismiss(NewStudy(study_path_for(name), title, lessons, tuple(labels)))

    def _refuse(self, field: str, why: str) -> None:
        self.notify(why, title="Not created yet", severity="warning")
        self.query_one(field).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
