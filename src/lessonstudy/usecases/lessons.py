"""Adding a research lesson, and removing one that holds nothing yet.

Published studies have two research lessons, or four; the group decides at
the initial meeting and may add or drop one as it goes. A lesson that holds
anything (a plan with something typed in it, notes, interviews, its
discussion) is never removed: the refusal says what it holds. The rule is
`process.lesson_removal_problem`; the store applies it inside the transaction
that removes the lesson.
"""

from __future__ import annotations

from lessonstudy import process
from lessonstudy.store import StudyFile, reshape


def removal_problem(study_file: StudyFile, number: int) -> str | None:
    """Why RL`number` cannot be removed now (None: it can), to say before trying."""
    return process.lesson_removal_problem(study_file.load(), number)


def add_lesson(study_file: StudyFile) -> int:
    """A new, empty research lesson after the last; returns its number."""
    return reshape.add_lesson(study_file)


def remove_lesson(study_file: StudyFile, number: int) -> int:
    """Remove RL`number`; LessonStudyError (saying why) when it, or a lesson after it,
    holds anything. The lessons keep their numbers in order (the last empty one goes);
    returns the number that went."""
    return reshape.remove_lesson(study_file, number)
