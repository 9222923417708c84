"""A research lesson's plan: its predictions, and the next plan started from it.

How a plan's predictions came to be (written for this lesson, carried over,
missing, changed after the lesson began), and carry-forward: the next plan
starts as a copy of the previous one, its agreed changes a checklist.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable

from attrs import evolve, frozen

from lessonstudy.model import (
    ChangeItem,
    Discussion,
    PredictionRecord,
    ResearchLesson,
    Stage,
    StageMark,
    Study,
    new_id,
)


def missing_predictions(lesson: ResearchLesson, labels: list[str]) -> list[tuple[int, str]]:
    """(stage number, pupil label) for every empty prediction."""
    return [
        (number, label)
        for number, stage in enumerate(lesson.stages, start=1)
        for label in labels
        if not stage.predictions.get(label, "").strip()
    ]


def carried_predictions(lesson: ResearchLesson, labels: list[str]) -> list[tuple[int, str]]:
    """(stage number, pupil label) for every prediction copied from the previous plan
    that the group has not yet edited or confirmed for this lesson."""
    return [
        (number, label)
        for number, stage in enumerate(lesson.stages, start=1)
        for label in labels
        if stage.predictions.get(label, "").strip() and stage.record(label).carried_from is not None
    ]


@frozen
class PredictionCounts:
    """How a plan's predictions came to be (what the plan and the write-up count)."""

    cells: int  # stages x case pupils
    written: int  # written (or confirmed) for this lesson
    carried: int  # copied from the previous plan, not looked at again yet
    missing: int
    before_teaching: int  # first written before the lesson began (dated ones only)
    undated: int  # written before lessonstudy kept the date
    changed_after_start: int  # changed after the lesson began


def prediction_counts(
    lesson: ResearchLesson, labels: list[str], started: dt.datetime | None = None
) -> PredictionCounts:
    """Count a plan's predictions; `started` is when the lesson's first stage began."""
    written = carried = missing = before = undated = changed = 0
    for stage in lesson.stages:
        for label in labels:
            record = stage.record(label)
            changed += record.changed_after_start
            if not stage.predictions.get(label, "").strip():
                missing += 1
            elif record.carried_from is not None:
                carried += 1
            else:
                written += 1
                if record.written_at is None:
                    undated += 1
                elif started is not None and record.written_at <= started:
                    before += 1
    return PredictionCounts(
        len(lesson.stages) * len(labels), written, carried, missing, before, undated, changed
    )


def pupil_words(study: Study, label: str) -> str:
    """A case pupil as a person: "K (Kit)", or "K" while the pseudonym is blank."""
    pupil = study.pupil(label)
    pseudonym = pupil.pseudonym.strip() if pupil else ""
    return f"{label} ({pseudonym})" if pseudonym else label


def unobserved_pupils(lesson: ResearchLesson, labels: list[str]) -> list[str]:
    """Case pupils no observer is assigned to."""
    watched = {label for pupils in lesson.watching.values() for label in pupils}
    return [label for label in labels if label not in watched]


# ---------------------------------------------------------------------- carry-forward


def carry_forward(
    previous: ResearchLesson, discussion: Discussion | None, number: int
) -> ResearchLesson:
    """The next plan starts as a copy of the previous one, to be refined, not retyped.

    What was observed is cleared (it belongs to the lesson that was taught);
    the discussion's agreed changes become the checklist to work through.
    """
    plan = copy.deepcopy(previous)  # a copy to refine: editing it leaves the taught plan alone
    for stage in plan.stages:
        stage.id = new_id()
        stage.observed = {}
        stage.patterns = ""
        # Each copied prediction is "carried over" until the group edits or confirms
        # it: a copy is not a prediction made for this lesson.
        stage.prediction_records = {
            label: PredictionRecord(
                written_at=stage.record(label).written_at, carried_from=previous.number
            )
            for label, text in stage.predictions.items()
            if text.strip()
        }
    plan.number = number
    plan.copied_from = previous.number
    plan.date = None
    plan.time = ""
    plan.teacher = ""
    plan.initial_thoughts = ""
    plan.interview_questions = ""
    plan.carried_changes = checklist([], discussion.agreed_changes if discussion else [])
    return plan


def is_blank_plan(lesson: ResearchLesson) -> bool:
    """True while a plan has nothing of its own in it: it can still start from the
    previous one (a checklist of agreed changes alone does not count: it is carried)."""
    return not (
        lesson.stages or lesson.learning_intentions or lesson.success_criteria or lesson.teacher
    )


def checklist(current: list[ChangeItem], agreed: list[str]) -> list[ChangeItem]:
    """The next plan's checklist after the discussion agreed `agreed`.

    Every agreed change is on it once, in the discussion's order, keeping its tick;
    a change the discussion took back goes, unless it was already worked in
    (ticked): that is part of the plan now.
    """
    by_text = {item.text: item for item in current}
    wanted = [text for text in dict.fromkeys(t.strip() for t in agreed) if text]
    items = [by_text.get(text) or ChangeItem(text) for text in wanted]
    items += [item for item in current if item.done and item.text not in wanted]
    return items


def record_prediction(
    stage: Stage, label: str, text: str, *, at: dt.datetime, lesson_started: bool
) -> None:
    """Write `label`'s prediction at `stage`, keeping the facts the write-up needs.

    The first time it has text, when it was written is kept; a carried-over
    prediction becomes this lesson's own. Once the lesson has begun, the text it
    had then is kept (sealed) and the change is dated; changing it back to the
    sealed text takes the mark away again.
    """
    old = stage.predictions.get(label, "")
    if text == old:
        return
    record = evolve(stage.record(label), carried_from=None)
    if record.written_at is None and text.strip():
        record = evolve(record, written_at=at)
    if lesson_started:
        if record.sealed_text is None:
            record = evolve(record, sealed_text=old, changed_at=at)
        elif text == record.sealed_text:
            record = evolve(record, sealed_text=None, changed_at=None)
        else:
            record = evolve(record, changed_at=at)
    stage.predictions[label] = text
    stage.prediction_records[label] = record


def confirm_prediction(stage: Stage, label: str, *, at: dt.datetime) -> bool:
    """The group keeps a carried-over prediction for this lesson; False if it was not one."""
    record = stage.record(label)
    if record.carried_from is None or not stage.predictions.get(label, "").strip():
        return False
    stage.prediction_records[label] = evolve(record, carried_from=None, written_at=at)
    return True


def lesson_start(marks: Iterable[StageMark], lesson: int) -> dt.datetime | None:
    """When the lesson's first stage began (its first mark of a stage), or None."""
    times = [m.at for m in marks if m.lesson == lesson and m.stage_id is not None]
    return min(times) if times else None
