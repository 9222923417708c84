"""The end of the lesson: each case pupil's predictions beside what was observed.

For every case pupil (the observer's own first), every stage's prediction is
shown next to the notes taken on that pupil at that stage, with judgements,
times and who took them (`process.evidence_grid`). Below, a place to jot
questions for the pupil interviews, autosaved into the lesson plan's
`interview_questions`.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, TextArea

from lessonstudy.model import CLASS, Observation, ResearchLesson, Study
from lessonstudy.process import EvidenceGrid, evidence_grid
from lessonstudy.store import StudyFile
from lessonstudy.tui.document import EditedDocument
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.widgets.note_line import CRITICAL_STYLE, JUDGEMENT_STYLES
from lessonstudy.tui.widgets.save_status import SaveStatus


def note_text(note: Observation, *, with_who: bool = False) -> Text:
    """'10:42 + said "a half is bigger" (Ben)' with the judgement in its colour."""
    text = Text()
    text.append(f"{note.at.astimezone():%H:%M} ", "dim")
    if note.judgement is not None:
        text.append(f" {note.judgement.symbol} ", JUDGEMENT_STYLES[note.judgement])
        text.append(" ")
    if note.critical:
        text.append("!", CRITICAL_STYLE)
        text.append(" ")
    if with_who:
        text.append("class: " if note.about == CLASS else f"{note.about}: ", "bold")
    if note.text:
        text.append(note.text)
    elif note.judgement is not None:
        text.append(note.judgement.words, "italic")
    text.append(f" ({note.observer})", "dim")
    return text


def pupil_evidence(grid: EvidenceGrid, label: str, title: str) -> RenderableType:
    """One pupil: a row per stage, prediction | what was observed."""
    table = Table(title=title, title_justify="left", expand=True, show_lines=True)
    table.add_column("Stage", ratio=1)
    table.add_column("Predicted", ratio=2)
    table.add_column("Observed", ratio=3)
    for row in grid.rows:
        cell = row.cells[label]
        observed = (
            Text("\n").join(note_text(n) for n in cell.notes)
            if cell.notes
            else Text("no notes", "dim")
        )
        stage = f"{row.number} {row.stage.title}".strip()
        if row.stage.minutes is not None:
            stage += f" ({row.stage.minutes}′)"
        table.add_row(stage, cell.prediction or Text("(no prediction)", "dim"), observed)
    return table


def other_evidence(grid: EvidenceGrid) -> RenderableType | None:
    """Notes on the class, and notes outside the planned stages."""
    parts: list[RenderableType] = []
    class_notes = [(row, n) for row in grid.rows for n in row.class_notes]
    if class_notes:
        table = Table(title="The class", title_justify="left", expand=True, show_lines=True)
        table.add_column("Stage", ratio=1)
        table.add_column("Observed", ratio=5)
        for row in grid.rows:
            if row.class_notes:
                table.add_row(
                    f"{row.number} {row.stage.title}",
                    Text("\n").join(note_text(n) for n in row.class_notes),
                )
        parts.append(table)
    if grid.unstaged:
        text = Text("Before the first stage or after the end\n", "bold")
        text.append(Text("\n").join(note_text(n, with_who=True) for n in grid.unstaged))
        parts.append(text)
    return Group(*parts) if parts else None


class LessonSummaryScreen(Screen[None]):
    CSS_PATH = "observe.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back to observing", id="observe.summary_back"),
    ]

    def __init__(self, study_file: StudyFile, lesson: int, observer: str) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson_number = lesson
        self.observer = observer
        self._seen_seq = 0
        self.plan: EditedDocument[ResearchLesson] = EditedDocument(
            study_file, "lesson", lesson, lambda: ResearchLesson(number=lesson)
        )

    def compose(self) -> ComposeResult:
        yield Static(
            f" RL{self.lesson_number} · end of lesson · what we predicted, what we saw",
            id="summary-title",
        )
        yield VerticalScroll(id="evidence")
        yield Label("Questions for the pupil interviews (saved as you type)", id="questions-label")
        yield TextArea(self.plan.value.interview_questions, id="questions")
        yield SaveStatus(id="questions-status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_evidence()
        self.query_one("#questions", TextArea).focus()

    def show_evidence(self) -> None:
        self._seen_seq = self.study_file.last_seq()
        study = self.study_file.load()
        grid = evidence_grid(study, self.lesson_number)
        box = self.query_one("#evidence", VerticalScroll)
        box.remove_children()
        parts = [
            Static(pupil_evidence(grid, label, title), classes="pupil-evidence")
            for label, title in self._pupils(study)
        ]
        others = other_evidence(grid)
        if others is not None:
            parts.append(Static(others, classes="pupil-evidence"))
        if not grid.rows:
            parts.append(Static("This lesson has no stages planned.", classes="pupil-evidence"))
        box.mount_all(parts)

    def _pupils(self, study: Study) -> list[tuple[str, str]]:
        lesson = study.lesson(self.lesson_number)
        own = lesson.assignments.get(self.observer, []) if lesson else []
        ordered = sorted(
            study.pupils,
            key=lambda p: (own.index(p.label) if p.label in own else len(own), p.label),
        )
        return [
            (p.label, f"{p.label} {p.pseudonym}".strip() + (" (yours)" if p.label in own else ""))
            for p in ordered
        ]

    @on(TextArea.Changed, "#questions")
    def _questions_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if text == self.plan.value.interview_questions:
            return
        saved = self.plan.change(
            lambda lesson: setattr(lesson, "interview_questions", text), "interview_questions"
        )
        self.query_one(SaveStatus).show_saved(saved)

    @on(StudyChanged)
    def _study_changed(self) -> None:
        # Other observers' last notes; the questions being typed are left alone.
        if self.study_file.notes(self.lesson_number, after_seq=self._seen_seq):
            self.show_evidence()

    def action_back(self) -> None:
        self.dismiss(None)
