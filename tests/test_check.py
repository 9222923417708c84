"""`check`: integrity, strict documents and notes that point at things that exist."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import attrs
import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import documents
from lessonstudy.store.check import check_study
from lessonstudy.store.rows import body_hash
from lessonstudy.store.study_file import StudyFile
from store_helpers import AT, make_file, mark, note, planned_study, snapshot_files


@pytest.fixture
def study_path(tmp_path):
    study = planned_study()
    study.notes.append(note(study))
    study.marks.append(mark(study))
    path, _study = make_file(tmp_path / "s.lessonstudy", study)
    return path


def run_sql(path, sql, *args):
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute(sql, args)


def test_a_fresh_study_is_sound_and_untouched(study_path):
    before = snapshot_files(study_path)
    report = check_study(study_path)
    assert report.problems == []
    assert report.notes == []
    assert report.sound
    assert snapshot_files(study_path) == before


def test_a_note_on_a_lesson_that_does_not_exist(study_path):
    run_sql(study_path, "UPDATE note SET lesson = 7")
    [problem] = check_study(study_path).problems
    assert "lesson 7 is not in the study" in problem


def test_a_note_placed_in_a_stage_no_longer_in_the_plan_is_a_problem(study_path):
    # Removing a stage moves its notes now (and the schema migration unplaced the
    # notes an earlier version left behind), so this is damage, and `check` says so.
    run_sql(study_path, "UPDATE note SET stage_id = '00000000-0000-0000-0000-000000000001'")
    report = check_study(study_path)
    [problem] = report.problems
    assert "placed in a stage that is not in lesson 1's plan" in problem
    [note] = report.notes
    assert "lesson 1: 1 of its 1 notes are in no stage" in note


def test_notes_in_no_stage_are_reported(study_path):
    run_sql(study_path, "UPDATE note SET stage_id = NULL, stage_chosen = 0")
    # The note takes the stage running at its time: the fixture's mark starts stage 1.
    assert check_study(study_path).notes == []
    run_sql(study_path, "DELETE FROM stage_mark")  # now no stage was running
    report = check_study(study_path)
    assert report.sound
    [note] = report.notes
    assert "lesson 1: 1 of its 1 notes are in no stage" in note


def test_a_note_about_someone_unknown(study_path):
    run_sql(study_path, "UPDATE note SET about = 'Z'")
    [problem] = check_study(study_path).problems
    assert "about 'Z', neither a case pupil nor the class" in problem


def test_a_stage_mark_on_a_missing_stage(study_path):
    run_sql(study_path, "UPDATE stage_mark SET stage_id = '00000000-0000-0000-0000-000000000001'")
    [note] = check_study(study_path).notes
    assert note.startswith("stage mark ")
    assert "its stage is not in lesson 1's plan" in note


def lesson_body(path) -> str:
    with closing(sqlite3.connect(path)) as con:
        body = con.execute("SELECT body FROM document WHERE kind = 'lesson' AND key = '1'")
        return body.fetchone()[0]


def test_a_document_with_a_wrong_type_names_the_field(study_path):
    text = lesson_body(study_path).replace('"minutes":10', '"minutes":"ten"', 1)
    # Written with its hash, as a program that knew the format would: only the type is wrong.
    run_sql(
        study_path,
        "UPDATE document SET body = ?, hash = ? WHERE kind = 'lesson' AND key = '1'",
        text,
        body_hash(text),
    )
    [problem] = check_study(study_path).problems
    assert problem.startswith("lesson 1 plan: ")
    assert "@ $.stages[0].minutes" in problem


def test_one_flipped_bit_in_a_document_is_found_by_its_hash(study_path):
    """Most single-bit flips in stored text used to pass: the hash was never compared."""
    body = lesson_body(study_path).encode()
    at = body.index(b"Stage 1") + 2
    flipped = body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]  # "Stage" -> "Suage"
    run_sql(
        study_path,
        "UPDATE document SET body = ? WHERE kind = 'lesson' AND key = '1'",
        flipped.decode(),
    )
    [problem] = check_study(study_path).problems
    assert problem == "lesson 1 plan: its text does not match its stored hash (changed on disk)"
    with pytest.raises(LessonStudyError, match=r"damaged study file \(lesson 1 plan: its text"):
        StudyFile.open(study_path)


def test_a_document_under_the_wrong_key(study_path):
    run_sql(study_path, "UPDATE document SET key = '9' WHERE kind = 'lesson' AND key = '1'")
    assert check_study(study_path).problems == [
        "lesson 9 plan: stored under key '9' but it says '1'"
    ]


def test_an_interview_of_a_lesson_that_does_not_exist(study_path):
    with StudyFile.open(study_path) as study_file:
        interview = study_file.load().interviews[0]
        study_file.save(documents.interview(interview), attrs.evolve(interview, lesson=8), None)
    [problem] = check_study(study_path).problems
    assert problem == "interview with A (lesson 8): lesson 8 is not in the study"


def test_a_missing_overview(study_path):
    run_sql(study_path, "DELETE FROM document WHERE kind = 'overview'")
    assert check_study(study_path).problems == ["the overview is missing"]


def test_pending_conflicts_are_notes_not_problems(study_path):
    with StudyFile.open(study_path) as first, StudyFile.open(study_path) as second:
        plan, revision = first.read(documents.lesson(2))
        first.save(documents.lesson(2), attrs.evolve(plan, objective="a"), revision)
        second.save(documents.lesson(2), attrs.evolve(plan, objective="b"), revision)
    report = check_study(study_path)
    assert report.sound
    [line] = report.notes
    assert line.startswith("lesson 2 plan: a conflicting version from edit")


def test_a_corrupted_study_has_problems_and_is_left_as_it_was(tmp_path):
    study = planned_study()
    study.notes.extend(note(study, "x" * 500) for _ in range(200))
    path, _study = make_file(tmp_path / "s.lessonstudy", study)
    data = bytearray(path.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    data[middle : middle + 2 * page] = b"\xa5" * (2 * page)
    path.write_bytes(bytes(data))
    before = snapshot_files(path)
    try:
        report = check_study(path)
    except LessonStudyError as error:  # damage so bad the file cannot be opened: also fine
        assert str(error).startswith(f"{path}: ")
    else:
        assert not report.sound
        assert report.problems[0].startswith("damaged")
    assert snapshot_files(path) == before


def test_an_index_out_of_step_with_its_table_is_one_problem(tmp_path):
    study = planned_study()
    study.notes.extend(note(study, f"note {n}", at=AT.replace(minute=n)) for n in range(30))
    path, _study = make_file(tmp_path / "s.lessonstudy", study)
    # Redefine the index over other columns: its stored entries no longer match.
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("PRAGMA writable_schema = ON")
        con.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX note_lesson ON note (observer, text)'"
            " WHERE name = 'note_lesson'"
        )
    [problem] = check_study(path).problems  # one line, however many findings
    assert problem.startswith("damaged: SQLite's integrity check found ")
    assert "note_lesson" in problem
    assert problem.endswith("(and 29 more findings)")


def test_a_missing_file_cannot_be_checked(tmp_path):
    with pytest.raises(LessonStudyError, match="no such file"):
        check_study(tmp_path / "nope.lessonstudy")
