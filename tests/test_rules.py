"""Rules a sound study keeps: unique ids and references that point somewhere."""

from __future__ import annotations

import datetime as dt

from lessonstudy.model import (
    Discussion,
    Interview,
    Member,
    Observation,
    ResearchLesson,
    StageMark,
    new_study,
)
from lessonstudy.rules import study_problems

T0 = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


def test_a_new_study_breaks_no_rule() -> None:
    assert study_problems(new_study("x")) == []


def test_repeated_ids_are_named_with_their_path() -> None:
    study = new_study("x")
    note = Observation(1, "Ann", T0, "A", "counts on")
    study.lessons.append(ResearchLesson(2))
    study.members = [Member("Ann"), Member("Ann")]
    study.notes = [note, note]
    study.discussions = [Discussion(1), Discussion(1)]
    assert study_problems(study, root="$.study") == [
        "member Ann appears twice @ $.study.members[1]",
        "lesson 2 appears twice @ $.study.lessons[3]",
        "discussion of lesson 1 appears twice @ $.study.discussions[1]",
        f"note {note.id} appears twice @ $.study.notes[1]",
    ]


def test_references_must_point_at_something() -> None:
    study = new_study("x")
    study.notes = [Observation(7, "Ann", T0, "Z", "who?")]
    study.marks = [StageMark(9, "Ann", T0, None)]
    study.interviews = [Interview(5, "A")]
    assert study_problems(study) == [
        "lesson 5 is not in the study @ $.interviews[0].lesson",
        "lesson 7 is not in the study @ $.notes[0].lesson",
        "'Z' is neither a case pupil nor 'class' @ $.notes[0].about",
        "lesson 9 is not in the study @ $.marks[0].lesson",
    ]
