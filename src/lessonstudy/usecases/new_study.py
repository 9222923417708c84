"""Creating a study file: from the start screen's dialog and from `lessonstudy new`.

Both ask the same things (a title, how many research lessons, the case
pupils' labels) and create the same study: the English protocol's interview
prompts and the default ground rules, whose example of a note names one of
the study's own pupils rather than a "pupil B" it may not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Study, new_study
from lessonstudy.protocols import default_ground_rules, load_protocol
from lessonstudy.store.study_file import create_file

DEFAULT_EXAMPLE_PUPIL = "pupil B"


def ground_rules_for(labels: Sequence[str]) -> str:
    """The default ground rules, their example naming one of this study's pupils."""
    rules = default_ground_rules()
    if labels and "B" not in labels:
        example = labels[1] if len(labels) > 1 else labels[0]
        rules = rules.replace(DEFAULT_EXAMPLE_PUPIL, f"pupil {example}")
    return rules


def study_for(title: str, lessons: int, labels: Sequence[str]) -> Study:
    """A new study as the group described it; LessonStudyError saying why not."""
    try:
        return new_study(
            title,
            lesson_count=lessons,
            labels=list(labels),
            interview_prompts=list(load_protocol("english").interview_prompts),
            protocol_text=ground_rules_for(labels),
        )
    except ValueError as error:
        raise LessonStudyError(str(error)) from None


def create_study(path: Path, title: str, lessons: int, labels: Sequence[str]) -> Path:
    """Create the study file at `path` (never over an existing file); returns it."""
    create_file(path, study_for(title, lessons, labels))
    return path
