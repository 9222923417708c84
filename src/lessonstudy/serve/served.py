"""Which lesson a serve session is for: a research lesson, or the open house.

The open house teaches one of the plans again (usually the last); its notes and
stage marks carry OPEN_HOUSE_LESSON, so they run on a timeline of their own
and never mix with the research lesson whose plan it borrows.
"""

from __future__ import annotations

from uuid import UUID

import attrs
from attrs import frozen

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import OPEN_HOUSE_LESSON, ResearchLesson, Study
from lessonstudy.process import lesson_to_observe
from lessonstudy.store import StudyFile, documents


@frozen
class Served:
    study_id: UUID
    study_title: str
    number: int  # the `lesson` its notes and stage marks carry
    plan_number: int  # the plan whose stages and predictions the page shows
    title: str  # as the page and the terminal say it: "RL2"

    @property
    def open_house(self) -> bool:
        return self.number == OPEN_HOUSE_LESSON

    def documents(self) -> set[tuple[str, str]]:
        """The documents whose change the pages must see."""
        return {("lesson", str(self.plan_number)), ("pupils", ""), ("members", "")}

    def read_plan(self, study_file: StudyFile) -> ResearchLesson:
        found = study_file.find(documents.lesson(self.plan_number))
        if found is None:
            return ResearchLesson(number=self.number)
        plan = found.value
        # Numbered as the notes are: the open house's stage marks make its own timeline.
        return attrs.evolve(plan, number=self.number)


def choose_lesson(study_file: StudyFile, lesson: int | None) -> Served:
    """The research lesson to serve: `lesson`, or the first not yet observed."""
    study = study_file.load(notes=False)  # every document, no notes
    numbers = [plan.number for plan in study.lessons]
    if lesson is None:
        lesson = lesson_to_observe(study_file.load())
    if lesson is None or lesson not in numbers:
        have = ", ".join(f"RL{n}" for n in numbers) or "no lessons"
        raise LessonStudyError(f"{study_file.path}: there is no RL{lesson} (the study has {have})")
    _check_group(study_file, study)
    return Served(
        study_id=study.id,
        study_title=study.overview.title,
        number=lesson,
        plan_number=lesson,
        title=f"RL{lesson}",
    )


def choose_open_house(study_file: StudyFile) -> Served:
    """The open house: the plan it teaches, on its own timeline."""
    study = study_file.load(notes=False)
    plan = study.open_house_plan()
    if plan is None:
        raise LessonStudyError(f"{study_file.path}: the study has no lesson for the open house")
    _check_group(study_file, study)
    return Served(
        study_id=study.id,
        study_title=study.overview.title,
        number=OPEN_HOUSE_LESSON,
        plan_number=plan.number,
        title=f"Open house (RL{plan.number})",
    )


def _check_group(study_file: StudyFile, study: Study) -> None:
    if not study.members:
        raise LessonStudyError(
            f"{study_file.path}: the group has no members yet; add them at the initial "
            "meeting, so that each observer can say who they are"
        )
