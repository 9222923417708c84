"""The evidence grid: what was predicted beside what was seen, stage by stage.

One cell per case pupil and stage, built once (`evidence_grid`, `cell_verdict`)
for the discussion grid, the write-ups and each pupil's journey. Where the group
has not judged, a cell carries only the counts of the notes' marks.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from attrs import evolve, frozen

from lessonstudy.model import (
    CLASS,
    OPEN_HOUSE_LESSON,
    Discussion,
    Judgement,
    Observation,
    ResearchLesson,
    Stage,
    Study,
)
from lessonstudy.words import counted

# The order judgements are read and counted in, everywhere.
JUDGEMENT_ORDER = (Judgement.AS_PREDICTED, Judgement.BETTER, Judgement.LESS, Judgement.UNEXPECTED)
# Short words for counts: "2 as predicted, 2 less, 1 better".
JUDGEMENT_SHORT_WORDS = {
    Judgement.AS_PREDICTED: "as predicted",
    Judgement.BETTER: "better",
    Judgement.LESS: "less",
    Judgement.UNEXPECTED: "unexpected",
}


# ---------------------------------------------------------------------- evidence


@frozen
class CellVerdict:
    """What the evidence says about one pupil at one stage, and whose word it is.

    The group's judgement when the group made one; otherwise only the counts of
    the notes' marks, never a verdict worked out from them.
    """

    judgement: Judgement | None  # the group's agreed judgement
    counts: tuple[tuple[Judgement, int], ...]  # the notes' marks, in JUDGEMENT_ORDER
    notes: int

    @property
    def counts_words(self) -> str:
        """'2 as predicted, 2 less, 1 better' ('' when no note was judged)."""
        return ", ".join(f"{n} {JUDGEMENT_SHORT_WORDS[j]}" for j, n in self.counts)

    @property
    def words(self) -> str:
        if self.judgement is not None:
            return self.judgement.words
        if self.counts:
            return self.counts_words
        if self.notes:
            return f"{counted(self.notes, 'note')}, none judged"
        return "no notes"


def cell_verdict(notes: Sequence[Observation], group: Judgement | None) -> CellVerdict:
    """THE verdict of a cell: the discussion grid, the report and the journeys all use it."""
    counts = collections.Counter(n.judgement for n in notes if n.judgement)
    return CellVerdict(
        group, tuple((j, counts[j]) for j in JUDGEMENT_ORDER if counts[j]), len(notes)
    )


@frozen
class EvidenceCell:
    """One pupil at one stage: what we predicted beside what was seen."""

    prediction: str  # as predicted before the lesson (the sealed text, if changed since)
    observed: str  # the group's summary, written after the lesson
    notes: tuple[Observation, ...]
    group: Judgement | None = None  # the group's agreed judgement
    changed_to: str | None = None  # the prediction as changed after the lesson began
    changed_at: dt.datetime | None = None

    @property
    def judgements(self) -> collections.Counter[Judgement]:
        return collections.Counter(n.judgement for n in self.notes if n.judgement)

    @property
    def verdict(self) -> CellVerdict:
        return cell_verdict(self.notes, self.group)

    @property
    def critical(self) -> bool:
        return any(n.critical for n in self.notes)


@frozen
class EvidenceRow:
    number: int
    stage: Stage
    cells: dict[str, EvidenceCell]
    class_notes: tuple[Observation, ...]


@frozen
class EvidenceGrid:
    """Stages down, case pupils across: the evidence the discussion rests on."""

    lesson: int
    labels: tuple[str, ...]
    rows: tuple[EvidenceRow, ...]
    unplaced: tuple[Observation, ...]  # notes in no stage of the plan, in time order

    @property
    def unstaged(self) -> tuple[Observation, ...]:
        return self.unplaced

    @property
    def note_count(self) -> int:
        """Every note of the lesson that is not deleted: placed, class and unplaced."""
        cells = sum(len(cell.notes) for row in self.rows for cell in row.cells.values())
        return cells + sum(len(row.class_notes) for row in self.rows) + len(self.unplaced)

    def place_of(self, note: Observation) -> tuple[int, str] | None:
        """Where a note of this lesson is shown: (row index, pupil label or CLASS), or
        None among the unplaced notes (in no stage of the plan, or on a pupil no
        longer in the study): the rule `evidence_grid` places every note by."""
        for index, row in enumerate(self.rows):
            if row.stage.id == note.stage_id:
                return (index, note.about) if in_grid(note.about, self.labels) else None
        return None

    def notes_at(self, place: tuple[int, str] | None) -> tuple[Observation, ...]:
        """The notes at a place of `place_of`, in time order."""
        if place is None:
            return self.unplaced
        index, about = place
        row = self.rows[index]
        return row.class_notes if about == CLASS else row.cells[about].notes


def in_grid(about: str, labels: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether a note on `about` has a place in a stage's row: the class, or a case pupil."""
    return about == CLASS or about in labels


def grid_plan(study: Study, lesson_number: int) -> ResearchLesson | None:
    """The plan the grid of `lesson_number` is drawn on: the lesson's own, or for the
    open house (OPEN_HOUSE_LESSON) the plan it teaches. With the case pupils and the
    lesson's notes, all a grid is made from besides the group's judgements."""
    if lesson_number == OPEN_HOUSE_LESSON:
        return study.open_house_lesson()
    return study.lesson(lesson_number)


def evidence_grid(study: Study, lesson_number: int) -> EvidenceGrid:
    """The grid of one research lesson, or of the open house (OPEN_HOUSE_LESSON):
    the plan it teaches, with the notes of its own timeline."""
    lesson = grid_plan(study, lesson_number)
    labels = tuple(study.labels)
    if lesson is None:
        return EvidenceGrid(lesson_number, labels, (), tuple(study.live_notes(lesson_number)))
    discussion = study.discussion(lesson_number)
    stage_ids = {stage.id for stage in lesson.stages}
    abouts = frozenset(labels)
    by_place: dict[tuple[UUID | None, str], list[Observation]] = collections.defaultdict(list)
    # Every note is somewhere: a case pupil or the class, or else with the unplaced
    # notes (a pupil no longer in the study included) rather than lost.
    unplaced = []
    for note in study.live_notes(lesson_number):
        if note.stage_id in stage_ids and in_grid(note.about, abouts):
            by_place[(note.stage_id, note.about)].append(note)
        else:
            unplaced.append(note)
    rows = []
    for number, stage in enumerate(lesson.stages, start=1):
        cells = {}
        for label in labels:
            record = stage.record(label)
            text = stage.predictions.get(label, "")
            sealed = record.sealed_text
            cells[label] = EvidenceCell(
                text if sealed is None else sealed,
                stage.observed.get(label, ""),
                tuple(by_place.get((stage.id, label), ())),
                discussion.judgement(stage.id, label) if discussion else None,
                None if sealed is None else text,
                record.changed_at if sealed is not None else None,
            )
        rows.append(EvidenceRow(number, stage, cells, tuple(by_place.get((stage.id, CLASS), ()))))
    return EvidenceGrid(lesson_number, labels, tuple(rows), tuple(unplaced))


def with_judgements(grid: EvidenceGrid, discussion: Discussion | None) -> EvidenceGrid:
    """`grid` with the group's judgements recorded in `discussion` (None: none yet).
    Cells whose judgement is unchanged stay the same objects, and so does the grid
    when none changed: a screen redraws only the cells that are new."""
    rows = []
    for row in grid.rows:
        cells = {}
        for label, cell in row.cells.items():
            group = discussion.judgement(row.stage.id, label) if discussion else None
            cells[label] = cell if cell.group == group else evolve(cell, group=group)
        same = all(cells[label] is cell for label, cell in row.cells.items())
        rows.append(row if same else evolve(row, cells=cells))
    if all(new is old for new, old in zip(rows, grid.rows, strict=True)):
        return grid
    return evolve(grid, rows=tuple(rows))


@frozen
class JourneyPoint:
    """One case pupil in one research lesson, stage by stage as the evidence says."""

    lesson: int
    verdicts: tuple[CellVerdict, ...]  # one per stage of the plan
    judgements: collections.Counter[Judgement]  # the notes' marks, every note of the lesson
    notes: int  # every note on the pupil in this lesson (unplaced ones too)
    critical: int
    unplaced: int = 0  # notes on the pupil in no stage

    @property
    def group_judgements(self) -> tuple[Judgement | None, ...]:
        return tuple(v.judgement for v in self.verdicts)


def pupil_journeys(study: Study) -> dict[str, list[JourneyPoint]]:
    """Every case pupil across the research lessons, built from the same cells
    (and `cell_verdict`) as the discussion grid and the report."""
    journeys: dict[str, list[JourneyPoint]] = {label: [] for label in study.labels}
    for lesson in study.lessons:
        grid = evidence_grid(study, lesson.number)
        for label in journeys:
            cells = [row.cells[label] for row in grid.rows]
            unplaced = [n for n in grid.unplaced if n.about == label]
            notes = [n for cell in cells for n in cell.notes] + unplaced
            journeys[label].append(
                JourneyPoint(
                    lesson.number,
                    tuple(cell.verdict for cell in cells),
                    collections.Counter(n.judgement for n in notes if n.judgement),
                    len(notes),
                    sum(1 for n in notes if n.critical),
                    len(unplaced),
                )
            )
    return journeys


def pupil_journey(study: Study, label: str) -> list[JourneyPoint]:
    """One case pupil across the research lessons."""
    return pupil_journeys(study).get(label, [])


def unplaced_count(study: Study, lesson_number: int | None = None) -> int:
    """Notes (not deleted) in no stage of their lesson's plan."""
    numbers = [lesson_number] if lesson_number is not None else [x.number for x in study.lessons]
    return sum(len(evidence_grid(study, n).unplaced) for n in numbers)
