"""Changing a study's shape: removing stages, pupils and lessons, relabelling pupils.

Each removal first says what it would take with it (`*_removal_problem`,
`stage_evidence`) so nothing recorded goes without the group deciding; relabelling
renames a pupil everywhere a label is a key.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from attrs import evolve, frozen

from lessonstudy.model import (
    MIN_LESSONS,
    Discussion,
    Findings,
    Interview,
    IntervieweeKind,
    PrivateWords,
    ResearchLesson,
    Stage,
    Study,
)
from lessonstudy.words import counted, words_list

T = TypeVar("T")


# ---------------------------------------------------------------------- removing stages and pupils


@frozen
class StageEvidence:
    """What points at one stage of a plan: what removing the stage must take care of."""

    number: int
    title: str
    notes: int  # notes in the stage (not deleted), however they got there
    predictions: int
    marks: int  # times the lesson's clock moved to it
    judgements: int  # the group's judgements of it
    before: Stage | None  # where its notes can go
    after: Stage | None

    @property
    def taught(self) -> bool:
        """Something happened in this stage: its notes must go somewhere."""
        return bool(self.notes or self.marks)

    @property
    def needs_asking(self) -> bool:
        return bool(self.taught or self.predictions or self.judgements)


def stage_evidence(study: Study, lesson_number: int, stage_id: UUID) -> StageEvidence | None:
    """What removing `stage_id` from lesson `lesson_number`'s plan would touch (None: no
    such stage). `study` holds that lesson's notes placed on its timeline."""
    lesson = study.lesson(lesson_number)
    number = lesson.stage_number(stage_id) if lesson else None
    if lesson is None or number is None:
        return None
    stage = lesson.stages[number - 1]
    discussion = study.discussion(lesson_number)
    return StageEvidence(
        number,
        stage.title or f"stage {number}",
        sum(1 for n in study.live_notes(lesson_number) if n.stage_id == stage_id),
        sum(1 for text in stage.predictions.values() if text.strip()),
        sum(1 for m in study.marks if m.lesson == lesson_number and m.stage_id == stage_id),
        sum(1 for j in discussion.judgements if j.stage_id == stage_id) if discussion else 0,
        lesson.stages[number - 2] if number > 1 else None,
        lesson.stages[number] if number < len(lesson.stages) else None,
    )


def pupil_removal_problem(study: Study, label: str) -> str | None:
    """Why case pupil `label` cannot be removed from the study, or None when it can.

    A pupil with evidence (notes, even deleted ones that can be brought back, an
    interview as a case pupil, or the group's judgements) stays: removing them
    would leave that evidence pointing at nobody."""
    notes = sum(1 for n in study.notes if n.about == label)
    interviews = sum(1 for i in study.interviews if i.interviewee == label and not i.deleted)
    judged = sum(1 for d in study.discussions for j in d.judgements if j.pupil == label)
    reasons = []
    if notes:
        reasons.append(counted(notes, "observation note"))
    if interviews:
        reasons.append(counted(interviews, "interview"))
    if judged:
        reasons.append(counted(judged, "judgement of the group"))
    if not reasons:
        return None
    return (
        f"Case pupil {label} cannot be removed: the study holds {', '.join(reasons)} about "
        f"{label}. The evidence would point at nobody; give the label a new pseudonym instead."
    )


def pupil_plan_mentions(study: Study, label: str) -> list[str]:
    """What the plans and findings say about case pupil `label` (predictions, what
    was observed, success criteria, observers watching them, where they ended), in
    a few words each: what removing the pupil takes away, so the screen asks first."""
    predictions = observed = criteria = watchers = 0
    for lesson in study.lessons:
        for stage in lesson.stages:
            predictions += bool(stage.predictions.get(label, "").strip())
            observed += bool(stage.observed.get(label, "").strip())
        criteria += bool(lesson.pupil_success_criteria.get(label, "").strip())
        watchers += sum(1 for labels in lesson.assignments.values() if label in labels)
    mentions = []
    if predictions:
        mentions.append(counted(predictions, "prediction"))
    if observed:
        mentions.append(counted(observed, "summary") + " of what was observed")
    if criteria:
        mentions.append(f"{criteria} success criteri{'on' if criteria == 1 else 'a'}")
    if watchers:
        mentions.append(counted(watchers, "observer's assignment"))
    if study.findings.end_points.get(label, "").strip():
        mentions.append("where they ended, in the findings")
    return mentions


def without_pupil(lesson: ResearchLesson, label: str) -> None:
    """Take case pupil `label` out of a plan (in place): predictions, what was observed,
    success criteria and observers' assignments."""
    for stage in lesson.stages:
        stage.predictions.pop(label, None)
        stage.prediction_records.pop(label, None)
        stage.observed.pop(label, None)
    lesson.pupil_success_criteria.pop(label, None)
    for observer in list(lesson.assignments):
        watched = [x for x in lesson.assignments[observer] if x != label]
        if watched:
            lesson.assignments[observer] = watched
        else:
            del lesson.assignments[observer]


# ---------------------------------------------------------------------- the study's shape


def lesson_contents(
    study: Study, number: int, *, counts: tuple[int, int] | None = None
) -> list[str]:
    """What research lesson `number` holds, in a few words each ([]: nothing yet).

    A plan with anything typed in it, notes (deleted ones too: they can come
    back), clock marks, interviews (deleted ones too), its discussion, or the open
    house being this lesson. Agreed changes carried into the plan, none ticked, do
    not count: they stay in the previous discussion, and a lesson added later
    receives them again. `counts`: the lesson's notes and marks, counted apart
    (the study read without its notes); else counted in `study`."""
    lesson = study.lesson(number)
    held: list[str] = []
    if lesson is not None:
        plan = []
        if lesson.stages:
            plan.append(counted(len(lesson.stages), "stage"))
        if lesson.teacher:
            plan.append("a teacher")
        if lesson.date or lesson.time:
            plan.append("a date")
        if any(c.done for c in lesson.carried_changes):
            plan.append("agreed changes ticked")
        typed = [
            lesson.aspect,
            lesson.objective,
            lesson.learning_intentions,
            lesson.success_criteria,
            lesson.resources,
            lesson.initial_thoughts,
            lesson.interview_questions,
            *lesson.pupil_success_criteria.values(),
        ]
        if lesson.assignments:
            plan.append("observers")
        if any(text.strip() for text in typed):
            plan.append("text typed in it")
        if plan:
            held.append(f"a plan ({', '.join(plan)})")
    if counts is not None:
        notes, marks = counts
    else:
        notes = sum(1 for n in study.notes if n.lesson == number)
        marks = sum(1 for m in study.marks if m.lesson == number)
    if notes:
        held.append(counted(notes, "observation note"))
    if marks and not notes:
        held.append("a lesson clock that was started")
    interviews = sum(1 for i in study.interviews if i.lesson == number)
    if interviews:
        held.append(counted(interviews, "interview"))
    discussion = study.discussion(number)
    if discussion is not None and (
        discussion.records
        or discussion.agreed_changes
        or discussion.judgements
        or discussion.chair
        or discussion.recorder
        or discussion.commentator_remarks.strip()
    ):
        held.append("its post-lesson discussion")
    if study.open_house.lesson == number:
        held.append("the open house, which is to teach it")
    return held


def lesson_removal_problem(study: Study, number: int) -> str | None:
    """Why research lesson `number` cannot be removed, or None when it can.

    Only a lesson that holds nothing goes, and only from the end: lessons are
    numbered in the order they are taught, and every note, interview and
    discussion keeps the number it was made with."""
    numbers = [lesson.number for lesson in study.lessons]
    if number not in numbers:
        return f"The study has no RL{number}."
    if len(numbers) <= MIN_LESSONS:
        return f"RL{number} is the study's only research lesson: a study has at least one."
    held = lesson_contents(study, number)
    if held:
        return (
            f"RL{number} cannot be removed: it holds {words_list(held)}. "
            "Only a lesson that holds nothing yet can go."
        )
    later = [n for n in numbers if n > number and lesson_contents(study, n)]
    if later:
        return (
            f"RL{number} holds nothing, but RL{later[0]} after it does: lessons keep the "
            "numbers they were taught with, so only an empty lesson at the end can go."
        )
    return None


def relabel_plan(lesson: ResearchLesson, old: str, new: str) -> None:
    """Case pupil `old` is called `new` from now on, everywhere in a plan (in place)."""
    for stage in lesson.stages:
        stage.predictions = _renamed_key(stage.predictions, old, new)
        stage.prediction_records = _renamed_key(stage.prediction_records, old, new)
        stage.observed = _renamed_key(stage.observed, old, new)
    lesson.pupil_success_criteria = _renamed_key(lesson.pupil_success_criteria, old, new)
    lesson.assignments = {
        observer: [new if label == old else label for label in labels]
        for observer, labels in lesson.assignments.items()
    }


def relabel_discussion(discussion: Discussion, old: str, new: str) -> None:
    """The group's judgements of `old` are judgements of `new` (in place)."""
    discussion.judgements = [
        evolve(j, pupil=new) if j.pupil == old else j for j in discussion.judgements
    ]


def relabel_findings(findings: Findings, old: str, new: str) -> None:
    """Where case pupil `old` ended up is where `new` ended up (in place)."""
    findings.end_points = _renamed_key(findings.end_points, old, new)


def relabel_private_words(private: PrivateWords, old: str, new: str) -> None:
    """The private words that stand for `old` stand for `new` (in place)."""
    private.words = [evolve(w, pupil=new) if w.pupil == old else w for w in private.words]


def relabel_interview(interview: Interview, old: str, new: str) -> None:
    if interview.kind is IntervieweeKind.CASE_PUPIL and interview.interviewee == old:
        interview.interviewee = new


def _renamed_key(mapping: dict[str, T], old: str, new: str) -> dict[str, T]:
    """`mapping` with key `old` called `new`, in the same order."""
    return {new if key == old else key: value for key, value in mapping.items()}
