"""How faithfully each research lesson's cycle was done, from what the study recorded
as it happened: predictions written before teaching, every case pupil observed at
every stage, interviews soon after, the discussion within a day or so, and what
became of each agreed change in the next plan. Counts only: nothing rates anyone.
The methods appendix of the write-up and the school's impact summary state these.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from lessonstudy.model import (
    ChangeItem,
    Discussion,
    IntervieweeKind,
    ResearchLesson,
    Study,
)
from lessonstudy.process.evidence import EvidenceGrid, evidence_grid
from lessonstudy.process.plans import PredictionCounts, lesson_start, prediction_counts
from lessonstudy.process.timeline import lesson_day


class ChangeStatus(enum.Enum):
    """What became of a change agreed after a lesson, in the next lesson's plan."""

    DONE = "done"  # on the next plan's checklist, ticked as worked in
    OPEN = "open"  # on the checklist, not ticked yet
    DROPPED = "dropped"  # not on the next plan's checklist
    LAST = "last"  # agreed after the last research lesson: there is no next plan

    @property
    def carried(self) -> bool:
        return self in (ChangeStatus.DONE, ChangeStatus.OPEN)


@frozen
class ChangeOutcome:
    text: str
    status: ChangeStatus


@frozen
class ChangesCarried:
    """The changes agreed after one lesson and what the next plan did with each."""

    agreed: tuple[ChangeOutcome, ...]
    extra: tuple[ChangeItem, ...]  # on the next checklist, not agreed in these words
    following: int | None  # the next lesson's number (None after the last)

    @property
    def carried(self) -> int:
        return sum(1 for c in self.agreed if c.status.carried)

    @property
    def worked_in(self) -> int:
        return sum(1 for c in self.agreed if c.status is ChangeStatus.DONE)


def changes_carried(
    discussion: Discussion | None, following: ResearchLesson | None
) -> ChangesCarried:
    """Each change agreed after a lesson, once, with what became of it in the next plan."""
    agreed = [c for c in (discussion.agreed_changes if discussion else []) if c.strip()]
    carried = {c.text.strip(): c for c in following.carried_changes} if following else {}
    outcomes: list[ChangeOutcome] = []
    for text in agreed:
        item = carried.pop(text.strip(), None)
        if following is None:
            status = ChangeStatus.LAST
        elif item is None:
            status = ChangeStatus.DROPPED
        else:
            status = ChangeStatus.DONE if item.done else ChangeStatus.OPEN
        outcomes.append(ChangeOutcome(text, status))
    extra = tuple(c for c in carried.values() if c.text.strip())
    return ChangesCarried(tuple(outcomes), extra, following.number if following else None)


@frozen
class CycleFacts:
    """How faithfully one research lesson's cycle was done, from what the study recorded
    as it happened (the methods appendix and the school's impact summary state these):
    predictions written before teaching, every case pupil observed by a named observer
    at every stage, interviews soon after, the discussion within a day or so, and the
    agreed changes carried into the next plan. Counts only: nothing here rates anyone."""

    lesson: int
    date: dt.date | None  # the day it was taught, else the day planned (plans.lesson_day)
    taught: bool  # the lesson's clock was started or notes were taken
    predictions: PredictionCounts
    stages: int
    notes: int
    observers: dict[str, tuple[str, ...]]  # case pupil label -> the observers assigned
    stages_seen: dict[str, int]  # case pupil label -> stages with a note on them
    predictions_written: dict[str, int]  # case pupil label -> stages predicted before teaching
    interviews: int  # held after the lesson (not deleted)
    pupils_interviewed: int  # case pupils among them
    interviews_same_day: int  # held on the day of the lesson (dated ones)
    discussion_held: bool
    discussion_days_after: int | None  # None: no discussion, or a date is missing
    changes: ChangesCarried

    @property
    def pupils_with_observer(self) -> int:
        return sum(1 for names in self.observers.values() if names)

    @property
    def pupils_seen_every_stage(self) -> int:
        if not self.stages:
            return 0
        return sum(1 for seen in self.stages_seen.values() if seen >= self.stages)

    @property
    def discussion_soon(self) -> bool:
        """Held the day of the lesson or the next (only dates are recorded, so this
        is how "within 24-36 hours" can be known)."""
        return self.discussion_days_after is not None and 0 <= self.discussion_days_after <= 1


def cycle_facts(
    study: Study, lesson: ResearchLesson, grid: EvidenceGrid | None = None
) -> CycleFacts:
    """The faithfulness facts of one research lesson (pass its grid if already built)."""
    grid = grid if grid is not None else evidence_grid(study, lesson.number)
    labels = study.labels
    started = lesson_start(study.marks, lesson.number)
    observers: dict[str, list[str]] = {label: [] for label in labels}
    for observer, watched in lesson.watching.items():
        for label in watched:
            observers.setdefault(label, []).append(observer)
    stages_seen = {
        label: sum(1 for row in grid.rows if label in row.cells and row.cells[label].notes)
        for label in labels
    }
    # As predicted before the lesson: the sealed text where it was changed since.
    written = {
        label: sum(
            1 for row in grid.rows if label in row.cells and row.cells[label].prediction.strip()
        )
        for label in labels
    }
    interviews = study.lesson_interviews(lesson.number)
    discussion = study.discussion(lesson.number)
    day = lesson_day(study, lesson)
    days_after = None
    if discussion is not None and discussion.date and day:
        days_after = (discussion.date - day).days
    return CycleFacts(
        lesson=lesson.number,
        date=day,
        taught=started is not None or grid.note_count > 0,
        predictions=prediction_counts(lesson, labels, started),
        stages=len(lesson.stages),
        notes=grid.note_count,
        observers={label: tuple(names) for label, names in observers.items()},
        stages_seen=stages_seen,
        predictions_written=written,
        interviews=len(interviews),
        pupils_interviewed=len(
            {
                i.interviewee
                for i in interviews
                if i.kind is IntervieweeKind.CASE_PUPIL and i.interviewee in labels
            }
        ),
        interviews_same_day=sum(
            1 for i in interviews if i.started is not None and day and i.started.date() == day
        ),
        discussion_held=discussion is not None
        and bool(discussion.records or discussion.agreed_changes or discussion.date),
        discussion_days_after=days_after,
        changes=changes_carried(discussion, study.lesson(lesson.number + 1)),
    )
