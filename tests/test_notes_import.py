"""Importing notes typed elsewhere: `HH:MM WHO STAGE [MARK] TEXT`, one per line."""

from __future__ import annotations

import datetime as dt

import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CLASS, Judgement, Member
from lessonstudy.store.notes_text import ImportResult, import_notes, parse_notes
from lessonstudy.store.study_file import StudyFile
from store_helpers import TZ, make_file, planned_study, snapshot_files

NOTES = """\
# Ruth, lesson 2, table 3
09:05 A 1 = counts on in ones along the line

09:12 class 2 ! half the class put 1/2 at the end of the line
9:14 b 2 + ? placed 3/4 without the ruler
09:20 C 5 -  stuck on 2/3
09:21 a 3 !+ counted the jumps
09:22 0 3 ! - argues with a partner
"""


def parse(text: str, **kw: object):
    study = planned_study()
    values: dict[str, object] = {
        "where": "notes.txt",
        "lesson": study.lesson(2),
        "labels": study.labels,
        "observer": "Ruth",
        "day": dt.date(2026, 3, 2),
        "tz": TZ,
    }
    values.update(kw)
    return study, parse_notes(text, **values)  # type: ignore[arg-type]


def test_every_part_of_a_line_is_read():
    study, notes = parse(NOTES)
    stages = study.lesson(2).stages
    assert [(n.at.strftime("%H:%M"), n.about, n.stage_id) for n in notes] == [
        ("09:05", "A", stages[0].id),
        ("09:12", CLASS, stages[1].id),
        ("09:14", "B", stages[1].id),
        ("09:20", "C", stages[4].id),
        ("09:21", "A", stages[2].id),
        ("09:22", CLASS, stages[2].id),
    ]
    assert [n.judgement for n in notes] == [
        Judgement.AS_PREDICTED,
        None,
        Judgement.BETTER,
        Judgement.LESS,
        Judgement.BETTER,
        Judgement.LESS,
    ]
    # One grammar with the app's note line: `!` and the mark in either order, for
    # class notes too (`0 ! - argues` once saved "!-argues" as text, not critical).
    assert [n.critical for n in notes] == [False, True, False, False, True, True]
    assert [n.text for n in notes] == [
        "counts on in ones along the line",
        "half the class put 1/2 at the end of the line",
        "? placed 3/4 without the ruler",  # only one mark: the second ? is text
        "stuck on 2/3",
        "counted the jumps",
        "argues with a partner",
    ]
    assert all(n.stage_chosen for n in notes)  # the line names the stage
    assert {(n.lesson, n.observer) for n in notes} == {(2, "Ruth")}
    assert notes[0].at == dt.datetime(2026, 3, 2, 9, 5, tzinfo=TZ)


def test_ids_are_the_same_each_time_and_repeated_lines_differ():
    _study, first = parse("09:05 A 1 same words\n09:05 A 1 same words\n")
    _study, again = parse("09:05 A 1 same words\n09:05 A 1 same words\n")
    assert [n.id for n in first] == [n.id for n in again]
    assert first[0].id != first[1].id


def test_local_zone_when_no_zone_is_given():
    _study, [note] = parse("09:05 A 1 text", tz=None)
    assert note.at.tzinfo is not None
    assert note.at.replace(tzinfo=None) == dt.datetime(2026, 3, 2, 9, 5)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("09:05 A 9 text", "stage 9 is not in lesson 2's plan (it has 5 stages)"),
        ("09:05 A 0 text", "stage 0 is not in lesson 2's plan (it has 5 stages)"),
        ("09:05 A two text", "'two' is not a stage number"),
        ("9.05 A 1 text", "'9.05' is not a time (HH:MM, 00:00 to 23:59)"),
        ("24:00 A 1 text", "'24:00' is not a time"),
        ("09:05 Q 1 text", "'Q' is not a case pupil (use A, B, C, class)"),
        ("09:05 A 1", "expected HH:MM WHO STAGE [MARK] [!] TEXT"),
        ("09:05 A 1 =", "the note has no text"),
        ("09:05 A 1 = !", "the note has no text"),
    ],
)
def test_a_bad_line_names_its_number_and_problem(line, problem):
    with pytest.raises(LessonStudyError) as error:
        parse(f"# header\n09:00 A 1 fine\n\n{line}\n")
    message = str(error.value)
    assert message.startswith("notes.txt:4: ")
    assert problem in message
    assert "\n" not in message


def test_a_plan_without_stages_is_reported():
    study = planned_study(stages=0)
    with pytest.raises(LessonStudyError, match=r"notes\.txt:1: lesson 2.s plan has no stages yet"):
        parse("09:05 A 1 text", lesson=study.lesson(2))


@pytest.fixture
def study_path(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    return path


def test_import_adds_every_note_then_nothing_the_second_time(study_path, tmp_path):
    notes_file = tmp_path / "ruth.txt"
    notes_file.write_text(NOTES, encoding="utf-8")
    with StudyFile.open(study_path) as study_file:
        assert import_notes(study_file, notes_file, observer="Ruth", lesson=2) == ImportResult(6, 0)
        assert import_notes(study_file, notes_file, observer="Ruth", lesson=2) == ImportResult(0, 6)
        notes = study_file.notes(lesson=2)
    assert len(notes) == 6
    assert {n.at.date() for n in notes} == {dt.date(2026, 3, 2)}  # the lesson's date


def test_a_bad_line_imports_nothing(study_path, tmp_path):
    notes_file = tmp_path / "ruth.txt"
    notes_file.write_text(NOTES + "09:30 Z 1 who is Z\n", encoding="utf-8")
    with StudyFile.open(study_path) as study_file:
        with pytest.raises(LessonStudyError, match=rf"ruth.txt:{NOTES.count(chr(10)) + 1}: 'Z'"):
            import_notes(study_file, notes_file, observer="Ruth", lesson=2)
        assert study_file.notes() == []


def test_a_byte_order_mark_is_fine(study_path, tmp_path):
    notes_file = tmp_path / "ruth.txt"
    notes_file.write_bytes("\ufeff09:05 A 1 text\r\n".encode())
    with StudyFile.open(study_path) as study_file:
        assert import_notes(study_file, notes_file, observer="Ruth", lesson=1).added == 1
        assert [n.text for n in study_file.notes()] == ["text"]


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b"09:05 A 1 caf\xe9\n"), "not a notes file (not UTF-8"),
    ],
    ids=["missing", "folder", "not-utf8"],
)
def test_an_unusable_notes_file_is_named(study_path, tmp_path, make, problem):
    notes_file = tmp_path / "ruth.txt"
    make(notes_file)
    before = snapshot_files(study_path)
    with StudyFile.open(study_path) as study_file, pytest.raises(LessonStudyError) as error:
        import_notes(study_file, notes_file, observer="Ruth", lesson=1)
    assert str(error.value).startswith(f"{notes_file}: {problem}")
    assert snapshot_files(study_path) == before


def test_a_lesson_not_in_the_study_is_named(study_path, tmp_path):
    notes_file = tmp_path / "ruth.txt"
    notes_file.write_text("09:05 A 1 text\n", encoding="utf-8")
    with StudyFile.open(study_path) as study_file, pytest.raises(LessonStudyError) as error:
        import_notes(study_file, notes_file, observer="Ruth", lesson=7)
    assert "lesson 7 is not in this study (lessons: 1, 2, 3)" in str(error.value)


def test_tabs_and_a_flag_next_to_the_mark_are_read():
    _study, notes = parse(
        "09:06\tclass\t2\t+\tall busy\n09:08 C 1 =!no space\n09:09 A 1 -3 is text\n"
    )
    assert [(n.judgement, n.critical, n.text) for n in notes] == [
        (Judgement.BETTER, False, "all busy"),
        (Judgement.AS_PREDICTED, True, "no space"),
        (None, False, "-3 is text"),
    ]


def test_the_observer_is_matched_to_the_group(tmp_path):
    study = planned_study()
    study.members = [Member("Tom Hughes"), Member("Ruth Ames")]
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    notes_file = tmp_path / "notes.txt"
    notes_file.write_text("09:05 A 1 = counts on\n", encoding="utf-8")
    with StudyFile.open(path) as study_file:
        first = import_notes(study_file, notes_file, observer="Tom Hughes", lesson=2)
        again = import_notes(study_file, notes_file, observer="tom hughes", lesson=2)
        assert (first.added, again.added) == (1, 0)
        assert [n.observer for n in study_file.notes()] == ["Tom Hughes"]
        with pytest.raises(LessonStudyError, match=r"'Tom' is not in the group \(members: "):
            import_notes(study_file, notes_file, observer="Tom", lesson=2)
