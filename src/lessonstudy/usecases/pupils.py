"""Removing a case pupil: never while evidence points at them.

The rule is `process.pupil_removal_problem`; the screens (the initial meeting,
and the case-pupils screen to come) ask this module before they take a pupil
away, and show its one-line reason when it refuses.
"""

from __future__ import annotations

from lessonstudy import process
from lessonstudy.store import StudyFile, reshape


def removal_problem(study_file: StudyFile, label: str) -> str | None:
    """Why `label` cannot be removed now, or None."""
    return process.pupil_removal_problem(study_file.load(), label)


def remove_pupil(study_file: StudyFile, label: str) -> None:
    """Remove case pupil `label` and every plan's mention of them, in one transaction;
    refused with the reason (LessonStudyError) while evidence points at them."""
    reshape.remove_pupil(study_file, label)


def plan_mentions(study_file: StudyFile, label: str) -> list[str]:
    """What the plans and findings hold about `label` that removing them takes away
    (to ask first)."""
    return process.pupil_plan_mentions(study_file.load(), label)
