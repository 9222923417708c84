"""Taking a stage out of a lesson plan without losing what points at it.

A stage nothing happened in (no notes, the clock never reached it) goes like
any edit. A stage the lesson was taught through has notes that must go
somewhere: the group says where (the stage before or after) and the store
moves them, the timeline's marks of the stage and the group's judgements of it
in the same transaction as the plan. Nothing is left pointing at a stage that
no longer exists.
"""

from __future__ import annotations

from uuid import UUID

from lessonstudy import process
from lessonstudy.errors import LessonStudyError
from lessonstudy.store import Saved, StudyFile, documents


def stage_evidence(
    study_file: StudyFile, lesson: int, stage_id: UUID
) -> process.StageEvidence | None:
    """What points at the stage (read from the file now); None: no such stage."""
    study = study_file.load(lesson=lesson)
    return process.stage_evidence(study, lesson, stage_id)


def remove_stage(study_file: StudyFile, lesson: int, stage_id: UUID, move_to: UUID | None) -> Saved:
    """Remove the stage; its notes (and clock marks, and the group's judgements of it)
    go to `move_to`. Refused (LessonStudyError, saying why) when the stage was
    taught and `move_to` is not given."""
    evidence = stage_evidence(study_file, lesson, stage_id)
    if evidence is None:
        raise LessonStudyError(f"RL{lesson}'s plan has no such stage (removed meanwhile?)")
    if evidence.taught and move_to is None:
        raise LessonStudyError(
            f"Stage {evidence.number} has {evidence.notes} notes from the lesson: "
            "say which stage they go to"
        )
    revision = study_file.revision(documents.lesson(lesson))
    return study_file.remove_stage(lesson, stage_id, move_to, revision)
