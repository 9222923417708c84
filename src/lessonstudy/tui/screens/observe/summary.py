"""The end of the lesson: each case pupil's predictions beside what was observed.

For every case pupil (the observer's own first), every stage's prediction is
shown next to the notes taken on that pupil at that stage, with judgements,
times and who took them (`process.evidence_grid`). Notes in no stage (taken
before the first stage began or after the end) are listed apart, and the
observer places their own with one key (a digit: the stage). Below, a place
to jot questions for the pupil interviews, autosaved into the lesson plan's
`interview_questions`.

Several observers jot questions at the same time, each in their own process,
into that one field. Before each save, and whenever another process saved, the
questions are merged line by line with what the others wrote since we last
looked (`merge_lines`): both keep their questions, nobody's line is
overwritten, and the cursor stays where the observer is typing.
"""

from __future__ import annotations

import difflib

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static, TextArea
from textual.widgets.text_area import Selection

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CLASS, Observation, ResearchLesson, Study
from lessonstudy.printable import printable
from lessonstudy.process import EvidenceGrid, evidence_grid
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.three_way import merge_lines
from lessonstudy.tui.document import EditedDocument
from lessonstudy.tui.live import StudyChanged, in_front
from lessonstudy.tui.plain import plain_text
from lessonstudy.tui.widgets.footer import Footer
from lessonstudy.tui.widgets.judgement_style import append_marks
from lessonstudy.tui.widgets.save_status import SaveStatus
from lessonstudy.tui.widgets.unplaced_notes import UnplacedNotes
from lessonstudy.usecases.placing import place_in_stage


def note_text(note: Observation, *, with_who: bool = False) -> Text:
    """'10:42 + said "a half is bigger" (Ben)' with the judgement in its colour."""
    text = Text()
    text.append(f"{note.at.astimezone():%H:%M} ", "dim")
    append_marks(text, note)
    if with_who:
        text.append("class: " if note.about == CLASS else printable(f"{note.about}: "), "bold")
    if note.text:
        text.append(printable(note.text))
    elif note.judgement is not None:
        text.append(note.judgement.words, "italic")
    text.append(printable(f" ({note.observer})"), "dim")
    return text


def pupil_evidence(grid: EvidenceGrid, label: str, title: str) -> RenderableType:
    """One pupil: a row per stage, prediction | what was observed."""
    table = Table(title=plain_text(title), title_justify="left", expand=True, show_lines=True)
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
        # Text, not str: a Rich table reads a str cell as markup.
        prediction = plain_text(cell.prediction) if cell.prediction else None
        table.add_row(plain_text(stage), prediction or Text("(no prediction)", "dim"), observed)
    return table


def other_evidence(grid: EvidenceGrid) -> RenderableType | None:
    """Notes on the class (the unplaced notes have a list of their own)."""
    parts: list[RenderableType] = []
    class_notes = [(row, n) for row in grid.rows for n in row.class_notes]
    if class_notes:
        table = Table(title="The class", title_justify="left", expand=True, show_lines=True)
        table.add_column("Stage", ratio=1)
        table.add_column("Observed", ratio=5)
        for row in grid.rows:
            if row.class_notes:
                table.add_row(
                    plain_text(f"{row.number} {row.stage.title}"),
                    Text("\n").join(note_text(n) for n in row.class_notes),
                )
        parts.append(table)
    return Group(*parts) if parts else None


def _offset(text: str, location: tuple[int, int]) -> int:
    row, column = location
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:row]) + column


def _location(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n"), offset - (before.rfind("\n") + 1)


def replace_keeping_cursor(area: TextArea, new: str) -> None:
    """Change the text area's text to `new` by small edits; the cursor stays on
    the same character, and text arriving right where it is goes after it."""
    old = area.text
    cursor = _offset(old, area.cursor_location)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    for _tag, i1, i2, j1, j2 in edits:
        if i2 <= cursor and not (i1 == i2 == cursor):
            cursor += (j2 - j1) - (i2 - i1)
        elif i1 < cursor < i2:
            cursor = i1 + (j2 - j1)
    for _tag, i1, i2, j1, j2 in reversed(edits):  # from the end: offsets stay valid
        area.replace(
            new[j1:j2],
            _location(old, i1),
            _location(old, i2),
            maintain_selection_offset=False,
        )
    area.selection = Selection.cursor(_location(new, max(0, min(cursor, len(new)))))


class LessonSummaryScreen(Screen[None]):
    CSS_PATH = "observe.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back to observing", id="observe.summary_back"),
        Binding(
            "f6",
            "star_notes",
            "Star for write-up",
            id="observe.summary_star",
            tooltip="Star the notes the write-up should show first",
            priority=True,  # also while typing interview questions
        ),
    ]

    def __init__(self, study_file: StudyFile, lesson: int, observer: str) -> None:
        super().__init__()
        self.study_file = study_file
        self.lesson_number = lesson
        self.observer = observer
        self._seen_seq = 0
        self._evidence_stale = False  # others' notes came while another screen was in front
        self.plan: EditedDocument[ResearchLesson] = EditedDocument(
            study_file, documents.lesson(lesson)
        )
        self._base = self.plan.value.interview_questions  # as last read or saved

    def compose(self) -> ComposeResult:
        yield Static(
            f" RL{self.lesson_number} · end of lesson · what we predicted, what we saw",
            id="summary-title",
        )
        yield VerticalScroll(id="evidence")
        yield Label(id="unplaced-label")
        yield UnplacedNotes(id="unplaced")
        yield Label("Questions for the pupil interviews (saved as you type)", id="questions-label")
        yield TextArea(self.plan.value.interview_questions, id="questions")
        yield SaveStatus(id="questions-status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_evidence()
        self.query_one("#questions", TextArea).focus()

    def show_evidence(self) -> None:
        self._seen_seq = self.study_file.last_seq()
        study = self.study_file.load(self.lesson_number)  # this lesson's notes, not every one
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
        self._show_unplaced(grid, study)

    def _show_unplaced(self, grid: EvidenceGrid, study: Study) -> None:
        unplaced = self.query_one(UnplacedNotes)
        label = self.query_one("#unplaced-label", Label)
        lesson = study.lesson(self.lesson_number)
        stages = len(lesson.stages) if lesson else 0
        pupils = {p.label: p.pseudonym for p in study.pupils}
        unplaced.show(list(grid.unplaced), pupils, stages)
        unplaced.display = label.display = bool(grid.unplaced)
        label.update(
            Text.assemble(
                (f"In no stage ({len(grid.unplaced)}): ", "bold"),
                "taken before the first stage or after the end. shift+Tab to this list, "
                "then a digit puts your note in that stage.",
            )
        )

    @on(UnplacedNotes.Place)
    def _place(self, event: UnplacedNotes.Place) -> None:
        note = event.note
        if note.observer != self.observer:
            self.notify(f"That is {note.observer}'s note: only {note.observer} can place it.")
            return
        try:
            if not place_in_stage(self.study_file, note, self.lesson_number, event.number):
                return
        except LessonStudyError as error:
            self.notify(f"Not placed: {error}", severity="error")
            return
        self.notify(f"Placed in stage {event.number}.", timeout=3)
        self.show_evidence()

    def _pupils(self, study: Study) -> list[tuple[str, str]]:
        lesson = study.lesson(self.lesson_number)
        own = lesson.watching.get(self.observer, []) if lesson else []
        ordered = sorted(
            study.pupils,
            key=lambda p: (own.index(p.label) if p.label in own else len(own), p.label),
        )
        return [
            (p.label, f"{p.label} {p.pseudonym}".strip() + (" (yours)" if p.label in own else ""))
            for p in ordered
        ]

    @on(TextArea.Changed, "#questions")
    def _questions_changed(self) -> None:
        self._sync_questions()

    def _sync_questions(self) -> None:
        """Merge in what others saved since we looked, then save ours on top of it."""
        area = self.query_one("#questions", TextArea)
        text = area.text
        if self.plan.is_stale():
            self.plan.reload()
            theirs = self.plan.value.interview_questions
            merged = merge_lines(self._base, text, theirs)
            self._base = theirs
            row, _column = area.cursor_location
            lines = text.split("\n")
            fresh_line = row == len(lines) - 1 and not lines[row]
            if fresh_line and merged and not merged.endswith("\n"):
                # The observer sits on a new, empty last line: others' lines go
                # above it, and what they type next starts a line of its own.
                merged += "\n"
            if merged != text:
                replace_keeping_cursor(area, merged)
                if fresh_line:
                    area.selection = Selection.cursor(area.document.end)
                text = merged
        if text != self.plan.value.interview_questions:
            saved = self.plan.change(
                lambda lesson: setattr(lesson, "interview_questions", text),
                "interview_questions",
            )
            self.query_one(SaveStatus).show_saved(saved)
        self._base = text

    @on(StudyChanged)
    def _study_changed(self, message: StudyChanged) -> None:
        # Other observers' last notes, and their questions merged in beside ours.
        self._sync_questions()
        change = message.change
        if change is not None and not change.notes(self.lesson_number):
            return  # another lesson's notes, a document: the evidence is as it was
        if self.study_file.notes(self.lesson_number, after_seq=self._seen_seq):
            self._evidence_stale = True
            self._show_evidence_if_shown()

    def on_screen_resume(self) -> None:
        self._show_evidence_if_shown()

    def _show_evidence_if_shown(self) -> None:
        """The evidence drawn again if it changed, now if this screen is in front,
        else once it is: it reads and draws every note of the lesson (seconds for
        tens of thousands), not to be done under the stars dialog at every note."""
        if self._evidence_stale and in_front(self):
            self._evidence_stale = False
            self.show_evidence()

    def action_star_notes(self) -> None:
        from lessonstudy.tui.screens.star_notes import StarNotesScreen

        study = self.study_file.load(self.lesson_number)
        names = {p.label: f"{p.label} {p.pseudonym}".strip() for p in study.pupils}
        notes = study.live_notes(self.lesson_number)
        self.app.push_screen(
            StarNotesScreen(
                self.study_file,
                f"RL{self.lesson_number}: star notes for the write-up",
                notes,
                names,
            ),
            self._starred,
        )

    def _starred(self, _count: int | None) -> None:
        self._evidence_stale = True  # the stars show beside the notes
        self._show_evidence_if_shown()

    def action_back(self) -> None:
        self.dismiss(None)
