"""Pupil interviews: a new interview and what it starts with.

A new interview is for the first case pupil not yet interviewed after this
lesson, led by the first member of the group, with the study's prompts (its
own if the group edited them, else its protocol's). Each guess can be changed
on the form; the interview is saved as soon as it is started.
"""

from __future__ import annotations

from lessonstudy.model import Answer, Interview, Overview, Study
from lessonstudy.protocols import Protocol
from lessonstudy.store import Saved, StudyFile, documents


def interview_prompts(overview: Overview, protocol: Protocol) -> list[str]:
    """The study's own prompts if the group has edited them, else the protocol's."""
    if overview.interview_prompts:
        return list(overview.interview_prompts)
    return list(protocol.interview_prompts)


def new_interview(study: Study, lesson: int, prompts: list[str]) -> Interview:
    """An interview after RL`lesson` with its defaults filled in (not saved)."""
    interviewed = {i.interviewee for i in study.lesson_interviews(lesson)}
    waiting = [label for label in study.labels if label not in interviewed]
    return Interview(
        lesson=lesson,
        interviewee=waiting[0] if waiting else "",
        interviewer=study.members[0].name if study.members else "",
        answers=[Answer(prompt) for prompt in prompts],
    )


def start_interview(
    study_file: StudyFile, study: Study, lesson: int, prompts: list[str]
) -> tuple[Interview, Saved]:
    """Start and save a new interview after RL`lesson` (LessonStudyError if it cannot be)."""
    interview = new_interview(study, lesson, prompts)
    return interview, study_file.save(documents.interview(interview), interview, None)
