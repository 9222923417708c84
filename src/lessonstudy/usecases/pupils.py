"""Removing a case pupil: never while evidence points at them.

The rule is `process.pupil_removal_problem`; the screens (the initial meeting,
and the case-pupils screen to come) ask this module before they take a pupil
away, and show its one-line reason when it refuses.
"""

from __future__ import annotations

from lessonstudy import process
from lessonstudy.errors import LessonStudyError
from lessonstudy.store import StudyFile, documents


def removal_problem(study_file: StudyFile, label: str) -> str | None:
    """Why `label` cannot be removed now, or None."""
    return process.pupil_removal_problem(study_file.load(), label)


def remove_pupil(study_file: StudyFile, label: str) -> None:
    """Remove case pupil `label` and every plan's mention of them; refused with the
    reason (LessonStudyError) while evidence points at them."""
    study = study_file.load()
    problem = process.pupil_removal_problem(study, label)
    if problem is not None:
        raise LessonStudyError(problem)
    pupils, revision = study_file.read(documents.PUPILS)
    remaining = [p for p in pupils or [] if p.label != label]
    for lesson in study.lessons:
        plan, plan_revision = study_file.read(documents.lesson(lesson.number))
        if plan is None:
            continue
        before = documents.lesson(lesson.number)
        process.without_pupil(plan, label)
        study_file.save(before, plan, plan_revision)
    study_file.save(documents.PUPILS, remaining, revision)
