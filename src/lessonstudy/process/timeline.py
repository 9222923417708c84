"""A research lesson's one timeline: its stage marks, whoever made them.

The stage running at any moment, each note's stage (unless the observer chose
one), and the lesson clock (planned against actual minutes per stage).

Marks are append-only: a mark moves the clock to a stage, one with no stage
ends the lesson. An end taken back (ctrl+b straight after it) is a mark of the
stage that was running when the lesson ended; an end followed next by a mark
of that same stage is read as withdrawn: the stage ran on from its first start,
through the gap (`withdrawn_ends_dropped`). Before that key existed ctrl+b
after an end marked the plan's last stage; that reads as before, except where
the last stage was the one running, which is the same resumption.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from uuid import UUID

from attrs import evolve, frozen

from lessonstudy.model import (
    Observation,
    ResearchLesson,
    Stage,
    StageMark,
    Study,
)

# ---------------------------------------------------------------------- the lesson's timeline


def withdrawn_ends_dropped(ordered: Sequence[StageMark]) -> list[StageMark]:
    """`ordered` (one lesson's marks, by time) without the ends taken back: end
    marks (one or several) followed next by a mark of the stage running before them."""
    kept: list[StageMark] = []
    index = 0
    while index < len(ordered):
        mark = ordered[index]
        if mark.stage_id is None and kept and kept[-1].stage_id is not None:
            after = index
            while after < len(ordered) and ordered[after].stage_id is None:
                after += 1
            if after < len(ordered) and ordered[after].stage_id == kept[-1].stage_id:
                index = after  # withdrawn: the stage ran on
                continue
        kept.append(mark)
        index += 1
    return kept


def stage_to_resume(marks: Iterable[StageMark], lesson: int) -> UUID | None:
    """The stage running when the lesson ended (None: it has not ended, or no stage
    was running then): what taking the end back resumes."""
    ordered = withdrawn_ends_dropped(
        sorted((m for m in marks if m.lesson == lesson), key=lambda m: m.at)
    )
    if not ordered or ordered[-1].stage_id is not None:
        return None
    before = [m for m in ordered if m.stage_id is not None]
    return before[-1].stage_id if before else None


def running_since(marks: Iterable[StageMark], lesson: int) -> dt.datetime | None:
    """When the stage running now began: its first mark of this run, an end taken
    back and repeated marks of it not breaking the run (None: nothing running)."""
    ordered = withdrawn_ends_dropped(
        sorted((m for m in marks if m.lesson == lesson), key=lambda m: m.at)
    )
    if not ordered or ordered[-1].stage_id is None:
        return None
    since = ordered[-1].at
    for mark in reversed(ordered):
        if mark.stage_id != ordered[-1].stage_id:
            break
        since = mark.at
    return since


@frozen
class Timeline:
    """A research lesson's one timeline: its stage marks, whoever made them, in order.

    The stage running at a moment is the stage of the latest mark at or before
    it; None before the first mark, after the end-of-lesson mark, or while a
    stage no longer in the plan was running.
    """

    lesson: int
    times: tuple[dt.datetime, ...]
    stage_ids: tuple[UUID | None, ...]
    planned: frozenset[UUID]  # the stages in the plan now

    def stage_at(self, at: dt.datetime) -> UUID | None:
        index = bisect.bisect_right(self.times, at) - 1
        if index < 0:
            return None
        stage_id = self.stage_ids[index]
        return stage_id if stage_id in self.planned else None

    @property
    def started(self) -> dt.datetime | None:
        """When the first stage began."""
        for at, stage_id in zip(self.times, self.stage_ids, strict=True):
            if stage_id is not None:
                return at
        return None


def timeline(lesson: ResearchLesson, marks: Iterable[StageMark]) -> Timeline:
    return timeline_of(lesson.number, [stage.id for stage in lesson.stages], marks)


def timeline_of(
    lesson_number: int, stage_ids: Iterable[UUID], marks: Iterable[StageMark]
) -> Timeline:
    """The timeline of lesson `lesson_number`, whose plan has the stages `stage_ids`."""
    # Python's sort is stable: of two marks at the same instant, the later one
    # given wins, as in running_stage.
    ordered = withdrawn_ends_dropped(
        sorted((m for m in marks if m.lesson == lesson_number), key=lambda m: m.at)
    )
    return Timeline(
        lesson_number,
        tuple(m.at for m in ordered),
        tuple(m.stage_id for m in ordered),
        frozenset(stage_ids),
    )


def place_notes(
    notes: Iterable[Observation], lessons: Iterable[ResearchLesson], marks: Sequence[StageMark]
) -> None:
    """Fill in, in place, the stage of every note whose stage nobody chose: the stage
    running at its time on its lesson's timeline (None: unplaced)."""
    timelines = {lesson.number: timeline(lesson, marks) for lesson in lessons}
    for note in notes:
        if note.stage_chosen:
            continue
        line = timelines.get(note.lesson)
        note.stage_id = line.stage_at(note.at) if line is not None else None


def placed(note: Observation, line: Timeline) -> Observation:
    """`note` with its stage from `line` unless a person chose it (a new object if it moved)."""
    if note.stage_chosen or note.lesson != line.lesson:
        return note
    stage_id = line.stage_at(note.at)
    return note if stage_id == note.stage_id else evolve(note, stage_id=stage_id)


def running_stage(
    lesson: ResearchLesson, marks: list[StageMark], at: dt.datetime | None = None
) -> Stage | None:
    """The stage running at `at` (default: now) on the lesson's one shared timeline.

    The lesson's stage marks, whoever made them, form one timeline: the stage
    running at a moment is the one of the latest mark at or before it (None
    before the first mark, after the end-of-lesson mark, or for a stage no
    longer in the plan).
    """
    line = timeline(lesson, marks)
    if at is None:
        return None if not line.times else lesson.stage_by_id(line.stage_ids[-1])
    return lesson.stage_by_id(line.stage_at(at))


def latest_mark(marks: Iterable[StageMark], lesson: int) -> StageMark | None:
    """The mark that set the lesson's clock where it is now (None: not started)."""
    latest: StageMark | None = None
    for mark in marks:
        if mark.lesson == lesson and (latest is None or mark.at >= latest.at):
            latest = mark
    return latest


# ---------------------------------------------------------------------- lesson clock


@frozen
class ClockRow:
    number: int
    stage: Stage
    planned_minutes: int | None
    started: dt.datetime | None
    actual_minutes: float | None  # None while the stage is running or never reached


def lesson_clock(lesson: ResearchLesson, marks: list[StageMark]) -> list[ClockRow]:
    """Planned against actual time per stage, from the lesson's one timeline.

    A stage starts at its first mark; it ends at the next mark of a different
    stage (or the end-of-lesson mark), whoever moved the clock.
    """
    chosen = withdrawn_ends_dropped(
        sorted((m for m in marks if m.lesson == lesson.number), key=lambda m: m.at)
    )
    # Collapse repeated marks of the same stage into its first moment.
    line: list[StageMark] = []
    for mark in chosen:
        if not line or line[-1].stage_id != mark.stage_id:
            line.append(mark)
    starts: dict[UUID, dt.datetime] = {}
    ends: dict[UUID, dt.datetime] = {}
    following_marks: list[StageMark | None] = [*line[1:], None] if line else []
    for current, following in zip(line, following_marks, strict=True):
        if current.stage_id is None or current.stage_id in starts:
            continue
        starts[current.stage_id] = current.at
        if following is not None:
            ends[current.stage_id] = following.at
    rows = []
    for number, stage in enumerate(lesson.stages, start=1):
        start, end = starts.get(stage.id), ends.get(stage.id)
        actual = (end - start).total_seconds() / 60 if start and end else None
        rows.append(ClockRow(number, stage, stage.minutes, start, actual))
    return rows


def day_taught(study: Study, lesson: int) -> dt.date | None:
    """The day `lesson` was taught, from its own record: the day its clock first moved
    to a stage, else the day of its earliest note (each in the time zone it was taken
    in); None when nothing was recorded in it (not taught yet, or a study without its
    notes loaded)."""
    starts = [m.at for m in study.marks if m.lesson == lesson and m.stage_id is not None]
    if starts:
        return min(starts).date()  # the clock's first move to a stage
    # Study.notes are in time order: the first of the lesson's is its earliest.
    first = next((n.at for n in study.notes if n.lesson == lesson and not n.deleted), None)
    return first.date() if first is not None else None


def lesson_day(study: Study, lesson: ResearchLesson) -> dt.date | None:
    """The day of a research lesson: the day it was taught, else the day it is planned
    for. A lesson moved to another day keeps its planned date in the plan; what the
    group recorded in it says when it happened (seen in a trial: a report dated a
    lesson taught on 8 December by its plan's 3 February, and its discussion "308
    days later")."""
    return day_taught(study, lesson.number) or lesson.date
