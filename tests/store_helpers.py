"""Small builders shared by the store tests (not a test module)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lessonstudy.model import (
    CLASS,
    Interview,
    Judgement,
    Observation,
    Stage,
    StageMark,
    Study,
    new_study,
)
from lessonstudy.store.study_file import StudyFile

TZ = dt.timezone(dt.timedelta(hours=1))
AT = dt.datetime(2026, 3, 4, 9, 15, tzinfo=TZ)


def planned_study(title: str = "Fractions on a number line", stages: int = 5) -> Study:
    """A study whose lessons each have `stages` stages and a date."""
    study = new_study(title)
    for lesson in study.lessons:
        lesson.date = dt.date(2026, 3, lesson.number)
        lesson.stages = [
            Stage(title=f"Stage {n}", minutes=10, predictions={"A": "counts in ones"})
            for n in range(1, stages + 1)
        ]
        lesson.assignments = {"Ruth": ["A", "B"], "Sam": ["C"]}
    study.interviews.append(Interview(lesson=1, interviewee="A", interviewer="Ruth"))
    return study


def note(
    study: Study, text: str = "counts on in ones", *, lesson: int = 1, **kw: object
) -> Observation:
    plan = study.lesson(lesson)
    assert plan is not None
    values: dict[str, object] = {
        "lesson": lesson,
        "observer": "Ruth",
        "at": AT,
        "about": "A",
        "text": text,
        "stage_id": plan.stages[0].id,
        "judgement": Judgement.BETTER,
    }
    values.update(kw)
    return Observation(**values)  # type: ignore[arg-type]


def mark(study: Study, *, lesson: int = 1, stage: int = 0) -> StageMark:
    plan = study.lesson(lesson)
    assert plan is not None
    return StageMark(lesson=lesson, observer="Sam", at=AT, stage_id=plan.stages[stage].id)


def make_file(path: Path, study: Study | None = None) -> tuple[Path, Study]:
    study = study or planned_study()
    StudyFile.create(path, study).close()
    return path, study


def snapshot_files(path: Path) -> dict[str, bytes | None]:
    """The bytes of a file and of its -wal/-shm companions (None: absent)."""
    result: dict[str, bytes | None] = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        result[suffix or "file"] = companion.read_bytes() if companion.is_file() else None
    return result


__all__ = ["AT", "CLASS", "TZ", "make_file", "mark", "note", "planned_study", "snapshot_files"]
