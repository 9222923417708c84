"""Relabelling a case pupil: "B" becomes "K", everywhere at once.

A group that starts with the default A, B, C often renames its pupils to their
initials. The label changes in one transaction in the pupils, every plan
(predictions, what was observed, success criteria, observers' assignments),
every note about the pupil, interviews, the group's judgements, where the pupil
ended (the findings) and the private words that stand for them, so the
evidence stays with the pupil and nothing points at a label that is gone.

Text people typed is never rewritten: a discussion point that says "pupil B"
keeps its words (a letter inside a sentence cannot be told from the pupil).
"""

from __future__ import annotations

from collections.abc import Sequence

from lessonstudy.model import label_problem
from lessonstudy.store import StudyFile, reshape


def relabel_problem(labels: Sequence[str], old: str, new: str) -> str | None:
    """Why `old` cannot be relabelled `new` among `labels` (None: it can)."""
    new = new.strip()
    problem = label_problem(new)
    if problem:
        return problem
    for label in labels:
        if label != old and label.casefold() == new.casefold():
            return f"another case pupil is labelled {label} already"
    return None


def relabel_pupil(study_file: StudyFile, old: str, new: str) -> int:
    """Label case pupil `old` as `new` everywhere; returns how many notes moved with
    them. LessonStudyError (saying why) for a label the rules refuse."""
    return reshape.relabel_pupil(study_file, old, new.strip())
