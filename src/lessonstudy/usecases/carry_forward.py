"""Carrying the changes a discussion agreed into the next research lesson's plan.

Once, and without a key to press: whenever the agreed changes are saved (and
whenever the next plan is opened) the next plan's checklist is brought in line
with them. A next plan that is still blank starts as a copy of this lesson's
plan (`process.carry_forward`), its predictions marked as carried over.
"""

from __future__ import annotations

import attrs

from lessonstudy import process
from lessonstudy.model import ResearchLesson
from lessonstudy.store import StudyFile, documents
from lessonstudy.words import counted


@attrs.frozen
class Carried:
    """Where the next plan stands after carrying: what a screen says, in one message."""

    next_lesson: int | None  # None: this was the last research lesson
    copied: bool = False  # the next plan was blank and starts now as a copy
    on_checklist: int = 0  # agreed changes on the next plan's checklist
    added: int = 0  # of them, put there just now
    to_work_in: int = 0  # not ticked as worked into the plan yet

    def words(self, lesson: int) -> str:
        if self.next_lesson is None:
            return f"RL{lesson} is the last research lesson: there is no next plan."
        following = f"RL{self.next_lesson}"
        if not self.on_checklist:
            return f"No agreed changes yet for {following}'s plan."
        head = (
            f"{following}'s plan starts from RL{lesson}'s, with"
            if self.copied
            else f"{following}'s checklist has"
        )
        return (
            f"{head} {counted(self.on_checklist, 'agreed change')} ({self.to_work_in} to work in)."
        )


def carry_into_next_plan(study_file: StudyFile, lesson: int) -> Carried:
    """Bring lesson `lesson`'s agreed changes onto the next plan's checklist (and start a
    blank next plan as a copy of this one). Saves only when something changed."""
    if lesson + 1 not in study_file.lesson_numbers():
        return Carried(None)
    following, revision = study_file.read(documents.lesson(lesson + 1))
    discussion, _ = study_file.read(documents.discussion(lesson))
    agreed = discussion.agreed_changes
    current, _ = study_file.read(documents.lesson(lesson))
    copied = False
    plan: ResearchLesson
    if process.is_blank_plan(following) and agreed:
        if not process.is_blank_plan(current):
            plan = attrs.evolve(
                process.carry_forward(current, discussion, lesson + 1), date=following.date
            )
            copied = True
        else:
            plan = attrs.evolve(following)
    else:
        plan = attrs.evolve(following)
    before = [item.text for item in following.carried_changes]
    plan.carried_changes = process.checklist(following.carried_changes, agreed)
    if copied or plan.carried_changes != following.carried_changes:
        study_file.save(documents.lesson(lesson + 1), plan, revision)
    texts = [item.text for item in plan.carried_changes]
    return Carried(
        lesson + 1,
        copied=copied,
        on_checklist=len(texts),
        added=len([t for t in texts if t not in before]),
        to_work_in=sum(1 for item in plan.carried_changes if not item.done),
    )


def start_from_previous(study_file: StudyFile, lesson: int) -> ResearchLesson | None:
    """The plan lesson `lesson` would start as (a copy of the previous one with its agreed
    changes), or None when it has a plan of its own or there is nothing to copy."""
    numbers = study_file.lesson_numbers()
    if lesson not in numbers or lesson - 1 not in numbers:
        return None
    plan, _ = study_file.read(documents.lesson(lesson))
    if not process.is_blank_plan(plan):
        return None
    previous, _ = study_file.read(documents.lesson(lesson - 1))
    if process.is_blank_plan(previous):
        return None
    discussion, _ = study_file.read(documents.discussion(lesson - 1))
    copy = process.carry_forward(previous, discussion, lesson)
    return attrs.evolve(
        copy,
        date=plan.date,
        carried_changes=process.checklist(plan.carried_changes, discussion.agreed_changes),
    )
