"""Use cases the screens share, tested without Pilot (issue 11: each once, out of
the screens)."""

from __future__ import annotations

import datetime as dt

import pytest

from lessonstudy import protocols
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Answer, Interview, Member, Role
from lessonstudy.store import StudyFile, documents
from lessonstudy.usecases import example, interviews
from lessonstudy.usecases.placing import place_in_stage
from store_helpers import make_file, note, planned_study


def test_a_note_in_no_stage_is_placed_in_a_stage_of_the_plan_as_the_file_has_it(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    loose = note(study, "before the lesson began", stage_id=None)
    with StudyFile.open(path) as study_file:
        study_file.add_note(loose)
        assert not place_in_stage(study_file, loose, 1, 0)  # no stage 0
        assert not place_in_stage(study_file, loose, 1, 99)
        assert not place_in_stage(study_file, loose, 9, 1)  # no RL9
        assert place_in_stage(study_file, loose, 1, 2)
        (stored,) = study_file.notes(1)
    assert stored.stage_id == study.lessons[0].stages[1].id
    assert stored.stage_chosen


def test_a_new_interview_is_for_the_first_pupil_not_yet_interviewed_with_the_studys_prompts():
    study = planned_study()
    study.members = [Member("Ruth", [Role.OBSERVER]), Member("Sam")]
    study.interviews.append(Interview(lesson=1, interviewee="A", interviewer="Sam"))
    protocol = protocols.load_protocol()
    prompts = interviews.interview_prompts(study.overview, protocol)
    assert prompts == list(study.overview.interview_prompts or protocol.interview_prompts)
    fresh = interviews.new_interview(study, 1, ["What did you learn?"])
    assert (fresh.lesson, fresh.interviewee, fresh.interviewer) == (1, "B", "Ruth")
    assert fresh.answers == [Answer("What did you learn?")]
    # After the other lesson nobody was interviewed yet: A comes first again.
    assert interviews.new_interview(study, 2, []).interviewee == "A"


def test_the_group_edits_its_own_prompts_and_new_interviews_take_them(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    protocol = protocols.load_protocol()
    study.overview.interview_prompts = ["Which bit was hard?"]
    assert interviews.interview_prompts(study.overview, protocol) == ["Which bit was hard?"]
    with StudyFile.open(path) as study_file:
        started, saved = interviews.start_interview(study_file, study, 1, ["Which bit was hard?"])
        assert saved.revision == 1
        assert study_file.read(documents.interview(started)).value == started


def test_a_study_whose_protocol_is_gone_runs_by_the_english_model_and_says_why():
    chosen = protocols.protocol_or_default("our-school")
    assert chosen.protocol.name == protocols.DEFAULT_PROTOCOL
    assert "our-school" in chosen.problem and "using the English model" in chosen.problem
    assert protocols.protocol_or_default("").problem == ""
    assert protocols.protocol_or_default("us").protocol.name == "us"


def test_two_example_copies_made_in_the_same_second_are_two_files(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path))

    class FrozenClock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> FrozenClock:
            return cls(2026, 3, 4, 9, 30, 0)

    monkeypatch.setattr(example.dt, "datetime", FrozenClock)
    first, second = example.make_example_copy(), example.make_example_copy()
    assert first != second and first.exists() and second.exists()
    with StudyFile.open(first) as one, StudyFile.open(second) as other:
        assert one.load().id != other.load().id  # two studies, never merged into one


def test_an_example_copy_never_overwrites_a_file(tmp_path):
    path = example.create_example(tmp_path / "mine.lessonstudy")
    with pytest.raises(LessonStudyError, match="already exists"):
        example.create_example(path)
