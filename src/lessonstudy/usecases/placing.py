"""Placing a note that is in no stage (taken before the first stage began or after
the lesson ended) into a stage of its lesson's plan.

The observer does it at the end of the lesson, the group in the discussion: the
same rule either way. The note then counts in that stage's evidence.
"""

from __future__ import annotations

import attrs

from lessonstudy.model import Observation
from lessonstudy.store import StudyFile, documents


def place_in_stage(study_file: StudyFile, note: Observation, lesson: int, number: int) -> bool:
    """Put `note` into stage `number` (from 1) of RL`lesson`'s plan as the file has it.

    False when the plan has no such stage (nothing is saved); LessonStudyError
    when the file cannot take the change."""
    plan = study_file.find(documents.lesson(lesson))
    stages = plan.value.stages if plan is not None else []
    if not 1 <= number <= len(stages):
        return False
    placed = attrs.evolve(note, stage_id=stages[number - 1].id, stage_chosen=True)
    study_file.update_note(placed, note)
    return True
