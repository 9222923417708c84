"""Group members: a rename reaches the lesson plans that name them.

A plan assigns observers by name (rules.py: to members of the group only), so
renaming a member at the initial meeting renames them as observer and teacher
in every plan, and a member who observes somewhere is taken off there before
leaving the group. Without this, an export of the study would not import.
"""

from __future__ import annotations

from lessonstudy.store import StudyFile, documents


def lessons_naming(study_file: StudyFile, name: str) -> list[int]:
    """The research lessons whose plan has `name` observing or teaching."""
    found = []
    for number in study_file.lesson_numbers():
        plan, _revision = study_file.read(documents.lesson(number))
        if name in plan.assignments or plan.teacher == name:
            found.append(number)
    return found


def rename_in_plans(study_file: StudyFile, old: str, new: str) -> list[int]:
    """Rename an observer and teacher in every plan; returns the lessons changed."""
    changed = []
    for number in study_file.lesson_numbers():
        plan, revision = study_file.read(documents.lesson(number))
        if old not in plan.assignments and plan.teacher != old:
            continue
        plan.assignments = {
            (new if observer == old else observer): labels
            for observer, labels in plan.assignments.items()
        }
        if plan.teacher == old:
            plan.teacher = new
        study_file.save(documents.lesson(number), plan, revision)
        changed.append(number)
    return changed
