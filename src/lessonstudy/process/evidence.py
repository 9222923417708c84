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

from attrs import frozen

from lessonstudy.model import (
    CLASS,
    OPEN_HOUSE_LESSON,
    Judgement,
    Observation,
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


def evidence_grid(study: Study, lesson_number: int) -> EvidenceGrid:
    """The grid of one research lesson, or of the open house (OPEN_HOUSE_LESSON):
    the plan it teaches, with the notes of its own timeline."""
    lesson = (
        study.open_house_lesson()
        if lesson_number == OPEN_HOUSE_LESSON
        else study.lesson(lesson_number)
    )
    labels = tuple(study.labels)
    if lesson is None:
        return EvidenceGrid(lesson_number, labels, (), tuple(study.live_notes(lesson_number)))
    discussion = study.discussion(lesson_number)
    by_place: dict[tuple[UUID | None, str], list[Observation]] = collections.defaultdict(list)
    for note in study.live_notes(lesson_number):
        by_place[(note.stage_id, note.about)].append(note)
    stage_ids = {stage.id for stage in lesson.stages}
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
    # Every note is somewhere: a case pupil or the class, a pupil no longer in the
    # study included, which is listed with the unplaced notes rather than lost.
    unplaced = sorted(
        (
            note
            for (stage_id, about), notes in by_place.items()
            if stage_id not in stage_ids or (about != CLASS and about not in labels)
            for note in notes
        ),
        key=lambda n: n.at,
    )
    return EvidenceGrid(lesson_number, labels, tuple(rows), tuple(unplaced))


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
