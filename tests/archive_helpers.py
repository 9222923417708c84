"""A school's folder of studies for the archive tests (not a test module)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from lessonstudy.model import (
    Answer,
    CasePupil,
    ClassDetails,
    Discussion,
    Interview,
    Observation,
    PrivateWord,
    PrivateWords,
    Stage,
    StageMark,
    Study,
    new_study,
)
from lessonstudy.store import StudyFile, documents
from report_fixtures import PRIVATE, PSEUDONYMS, make_study

ZONE = dt.timezone(dt.timedelta(hours=1))
REAL_NAME = "Bartholomew"  # case pupil A's real name in the fractions study: a private word
OTHER_PRIVATE = "Wilhelmina"  # a private word for no case pupil
READING_PSEUDONYMS = {"A": "Ottoline", "B": "Fenwick"}


def fractions_study() -> Study:
    """The write-up tests' study (Year 4 Mathematics, 2024/25), with a note that names
    pupil A by pseudonym and by real name, and one that names a private word."""
    study = make_study()
    lesson = study.lessons[0]
    study.notes.append(
        Observation(
            lesson=1,
            observer="Mr Patel",
            at=dt.datetime(2025, 1, 14, 9, 17, tzinfo=ZONE),
            about="A",
            text=f"{PSEUDONYMS['A']} told {REAL_NAME} the strip shows halves; "
            f"{OTHER_PRIVATE} agreed",
            stage_id=lesson.stages[0].id,
        )
    )
    return study


def fractions_private() -> PrivateWords:
    return PrivateWords([PrivateWord(REAL_NAME, "A"), PrivateWord(OTHER_PRIVATE, "")])


def reading_study() -> Study:
    """A second study: Year 6 English (2025/26), planned, one lesson taught."""
    study = new_study("Inference in whole-class reading", lesson_count=2, pupil_count=2)
    o = study.overview
    o.focus = "We want to learn how to improve the way pupils infer a character's feelings."
    o.research_question = "Does thinking aloud help pupils find evidence for an inference?"
    o.technique = "Reciprocal reading with a think-aloud model"
    o.class_details = ClassDetails("Y6", 30, "mixed attainment", "Mr Adeyemi", "English")
    study.members = []
    study.pupils = [
        CasePupil("A", READING_PSEUDONYMS["A"], "confident readers", private_note=PRIVATE),
        CasePupil("B", READING_PSEUDONYMS["B"], "pupils with EAL", private_note=PRIVATE),
    ]
    lesson = study.lessons[0]
    lesson.date = dt.date(2025, 10, 7)
    lesson.teacher = "Mr Adeyemi"
    lesson.stages = [Stage(title="Think-aloud model"), Stage(title="Reciprocal roles")]
    lesson.assignments = {"Ms Grey": ["A", "B"]}
    start = dt.datetime(2025, 10, 7, 10, 0, tzinfo=ZONE)
    study.marks = [StageMark(1, "Ms Grey", start, lesson.stages[0].id)]
    study.notes = [
        Observation(
            lesson=1,
            observer="Ms Grey",
            at=start + dt.timedelta(minutes=3),
            about="B",
            text=f"{READING_PSEUDONYMS['B']} underlined the word 'trembling' as evidence",
        )
    ]
    study.interviews = [
        Interview(
            lesson=1,
            interviewee="B",
            interviewer="Ms Grey",
            answers=[Answer("What did you learn?", "Clues are hiding in the verbs", quote=True)],
        )
    ]
    study.discussions = [
        Discussion(
            lesson=1,
            date=dt.date(2025, 10, 9),
            records={"evidence": ["B found evidence sooner than predicted"]},
            agreed_changes=["Model one inference with a wrong guess first"],
        )
    ]
    return study


def write_study(path: Path, study: Study, private: PrivateWords | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with StudyFile.create(path, study) as study_file:
        if private is not None:
            study_file.save(documents.PRIVATE_WORDS, private, None)
    return path


def make_school(folder: Path) -> dict[str, Path]:
    """maths/fractions.lessonstudy and reading.lessonstudy under `folder`."""
    return {
        "fractions": write_study(
            folder / "maths" / "fractions.lessonstudy", fractions_study(), fractions_private()
        ),
        "reading": write_study(folder / "reading.lessonstudy", reading_study()),
    }


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a hash of its bytes and its mtime."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(folder))] = f"{digest}:{path.stat().st_mtime_ns}"
    return found


SECRETS = [
    *PSEUDONYMS.values(),
    *READING_PSEUDONYMS.values(),
    REAL_NAME,
    OTHER_PRIVATE,
    PRIVATE,
    "Elm-Street",
]
