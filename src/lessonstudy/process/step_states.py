"""Which steps a study has, in the cycle's order, and the state of each.

A step's state is worked out from what the group recorded, never a box to tick;
`detail` says in a few words what is still missing. The steps themselves (kind,
title, order) are declared in `lessonstudy.cycle`; adding one means a state
function here, listed in `STUDY_STEP_STATES` or `LESSON_STEP_STATES`.
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from lessonstudy.cycle import STEPS, StepKind, StepState, step_id, step_title
from lessonstudy.model import (
    ResearchLesson,
    Study,
)
from lessonstudy.process.plans import (
    carried_predictions,
    missing_predictions,
    pupil_words,
    unobserved_pupils,
)
from lessonstudy.words import counted


@frozen
class Step:
    kind: StepKind
    lesson: int | None
    state: StepState
    detail: str = ""  # what is missing, in a few words

    @property
    def id(self) -> str:
        return step_id(self.kind, self.lesson)

    @property
    def title(self) -> str:
        return step_title(self.kind, self.lesson)


def _state(done: bool, started: bool) -> StepState:
    if done:
        return StepState.DONE
    return StepState.IN_PROGRESS if started else StepState.NOT_STARTED


# ---------------------------------------------------------------------- step states


def initial_meeting_step(study: Study) -> Step:
    o = study.overview
    wanted = {
        "focus": o.focus,
        "research question": o.research_question,
        "technique": o.technique,
        "group members": study.members,
        "case pupils": all(p.pseudonym.strip() for p in study.pupils),
        "agreed protocol": o.protocol_agreed,
    }
    missing = [name for name, value in wanted.items() if not value]
    started = bool(
        o.focus
        or o.research_question
        or o.technique
        or o.evidence
        or o.aim
        or study.members
        or any(p.pseudonym or p.learner_group for p in study.pupils)
    )
    detail = "needs " + ", ".join(missing) if missing else ""
    return Step(StepKind.INITIAL, None, _state(not missing, started), detail)


def plan_step(study: Study, lesson: ResearchLesson) -> Step:
    labels = study.labels
    missing: list[str] = []
    if not lesson.teacher:
        missing.append("a teacher")
    if not lesson.stages:
        missing.append("stages")
    gaps = missing_predictions(lesson, labels)
    if gaps:
        missing.append(f"{len(gaps)} predictions")
    carried = carried_predictions(lesson, labels)
    if carried:
        missing.append(f"{len(carried)} carried-over predictions looked at again")
    unwatched = unobserved_pupils(lesson, labels)
    if unwatched:
        missing.append("an observer for " + ", ".join(pupil_words(study, u) for u in unwatched))
    open_changes = [c for c in lesson.carried_changes if not c.done]
    if open_changes:
        missing.append(f"{len(open_changes)} agreed changes to work in")
    started = bool(
        lesson.teacher
        or lesson.stages
        or lesson.learning_intentions
        or lesson.assignments
        or lesson.date
    )
    # A carried-forward plan starts as a copy: it is "in progress", not done, until
    # its checklist is worked through.
    started = started or bool(lesson.carried_changes)
    return Step(
        StepKind.PLAN,
        lesson.number,
        _state(not missing, started),
        "needs " + ", ".join(missing) if missing else "",
    )


def observe_step(study: Study, lesson: ResearchLesson) -> Step:
    notes = [n for n in study.notes if n.lesson == lesson.number and not n.deleted]
    marks = [m for m in study.marks if m.lesson == lesson.number]
    ended = any(m.stage_id is None for m in marks)
    later = bool(study.lesson_interviews(lesson.number) or study.discussion(lesson.number))
    done = bool(notes) and (ended or later)
    detail = counted(len(notes), "note") if notes else ""
    unplaced = sum(1 for n in notes if lesson.stage_number(n.stage_id) is None)
    if unplaced:
        detail += f" ({unplaced} in no stage)"
    return Step(StepKind.OBSERVE, lesson.number, _state(done, bool(notes or marks)), detail)


def interviews_step(study: Study, lesson: ResearchLesson) -> Step:
    interviews = study.lesson_interviews(lesson.number)
    answered = [i for i in interviews if any(a.answer.strip() for a in i.answers)]
    detail = counted(len(interviews), "interview") if interviews else ""
    return Step(
        StepKind.INTERVIEWS, lesson.number, _state(bool(answered), bool(interviews)), detail
    )


def discussion_step(study: Study, lesson: ResearchLesson) -> Step:
    discussion = study.discussion(lesson.number)
    if discussion is None:
        return Step(StepKind.DISCUSSION, lesson.number, StepState.NOT_STARTED)
    started = bool(discussion.records or discussion.agreed_changes or discussion.chair)
    last = lesson.number == study.overview.lesson_count
    # After the last lesson there is no next plan: the findings carry the conclusions.
    done = bool(discussion.records) and (bool(discussion.agreed_changes) or last)
    detail = "" if done else "needs the agreed changes" if discussion.records else ""
    return Step(StepKind.DISCUSSION, lesson.number, _state(done, started), detail)


def open_house_step(study: Study) -> Step:
    house = study.open_house
    started = bool(house.date or house.place or house.briefing or house.invitees)
    done = bool(house.date and house.briefing.strip() and house.visitor_notes.strip())
    return Step(StepKind.OPEN_HOUSE, None, _state(done, started))


def write_up_step(study: Study) -> Step:
    f = study.findings
    parts = [f.pupils_learning, f.practice_developed, f.to_share]
    done = all(p.strip() for p in parts)
    return Step(StepKind.WRITE_UP, None, _state(done, any(p.strip() for p in parts)))


# How each step of `cycle.STEPS` works out its state: once a study, or once a lesson.
STUDY_STEP_STATES: dict[StepKind, Callable[[Study], Step]] = {
    StepKind.INITIAL: initial_meeting_step,
    StepKind.OPEN_HOUSE: open_house_step,
    StepKind.WRITE_UP: write_up_step,
}
LESSON_STEP_STATES: dict[StepKind, Callable[[Study, ResearchLesson], Step]] = {
    StepKind.PLAN: plan_step,
    StepKind.OBSERVE: observe_step,
    StepKind.INTERVIEWS: interviews_step,
    StepKind.DISCUSSION: discussion_step,
}


def steps(study: Study) -> list[Step]:
    """Every step of the study, in the order a group works through them: the
    study's own steps that come before the first lesson's, each lesson's steps,
    then the study's steps that come after the last lesson."""
    before: list[Step] = []
    after: list[Step] = []
    each_lesson: list[Callable[[Study, ResearchLesson], Step]] = []
    for info in STEPS:
        if info.per_lesson:
            each_lesson.append(LESSON_STEP_STATES[info.kind])
        else:
            (after if each_lesson else before).append(STUDY_STEP_STATES[info.kind](study))
    lessons = [state(study, lesson) for lesson in study.lessons for state in each_lesson]
    return before + lessons + after


def next_step(study: Study) -> Step | None:
    """The first step that is not done, or None when the study is complete."""
    for step in steps(study):
        if step.state is not StepState.DONE:
            return step
    return None


def lesson_to_observe(study: Study) -> int | None:
    """The first research lesson not yet taught and observed, else the last one
    (None: the study has no lessons)."""
    for step in steps(study):
        if step.kind is StepKind.OBSERVE and step.state is not StepState.DONE:
            return step.lesson
    return study.lessons[-1].number if study.lessons else None
