"""store.damage keeps its own list of what a study file holds (standard library only,
for `lessonstudy info`): it must say the same as the store itself."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import damage, documents
from lessonstudy.store.check import check_study
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, mark, note, planned_study


def test_the_kinds_of_document_are_the_stores():
    assert set(damage.DOCUMENT_KINDS) == set(documents.BODY_TYPES)
    assert set(damage.SINGLE_KINDS) == {d.kind for d in documents.SINGLE_DOCUMENTS}


def test_a_new_study_has_exactly_the_expected_tables_and_no_damage(tmp_path):
    path, _ = make_file(tmp_path / "s.lessonstudy")
    with closing(sqlite3.connect(path)) as con:
        tables = {
            name: tuple(row[1] for row in con.execute(f"PRAGMA table_info({name})"))
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert tables == damage.expected_columns()
        assert damage.find_damage(con) == []


# Row damage the open-time check must find. It recognises a sound table from each
# column concatenated in SQL and counts row by row only when that fails: both ways
# must agree with `check`, and refuse the file at open.
ROW_DAMAGE = {
    "an upper-case id": "UPDATE note SET id = upper(id)",
    "an id in braces": "UPDATE note SET id = '{' || substr(id, 2, 34) || '}'",
    "an id with a dash moved": "UPDATE note SET id = substr(id, 1, 7) || '-' || substr(id, 8, 1)"
    " || substr(id, 10)",
    "an id with a NUL in it": "UPDATE note SET id = substr(id, 1, 35) || char(0)",
    "an id stored as bytes": "UPDATE note SET id = CAST(id AS BLOB)",
    "a stage id that is not one": "UPDATE note SET stage_id = 'g' || substr(stage_id, 2)",
    "a stage mark's id that is not one": "UPDATE stage_mark SET id = replace(id, '-', 'x')",
    "note text not UTF-8": "UPDATE note SET text = CAST(x'61ff62' AS TEXT)",
    "an observer not UTF-8": "UPDATE note SET observer = CAST(x'c3' AS TEXT)",
    "a stage mark's observer not UTF-8": "UPDATE stage_mark SET observer = CAST(x'80' AS TEXT)",
    "a note in a stage not in its plan": "UPDATE note SET stage_id = "
    "'00000000-0000-0000-0000-000000000001', stage_chosen = 1",
}


@pytest.mark.parametrize("damage_sql", ROW_DAMAGE.values(), ids=list(ROW_DAMAGE))
def test_row_damage_is_found_at_open_exactly_as_check_finds_it(tmp_path, damage_sql):
    study = planned_study()
    study.notes.extend(note(study, text=f"note {n}") for n in range(3))
    study.marks.append(mark(study))
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    with closing(sqlite3.connect(path)) as con:
        assert damage.row_problems(con) == []
        for table in ("note", "stage_mark"):
            assert damage._ids_and_text_sound(con, table)
        with con:
            con.execute(damage_sql)
    assert not check_study(path).sound
    with pytest.raises(LessonStudyError, match="damaged"):
        StudyFile.open(path).close()
    with closing(sqlite3.connect(path)) as con:
        for table in ("note", "stage_mark"):
            try:
                by_row = damage._bad_ids_by_row(con, table)
            except sqlite3.OperationalError:
                by_row = None  # text that is not UTF-8: damaged, whichever way
            if by_row != 0:
                assert not damage._ids_and_text_sound(con, table)
            if by_row is not None:
                assert damage._bad_ids(con, table) == by_row


def test_more_text_than_one_sqlite_string_holds_is_checked_row_by_row(tmp_path):
    study = planned_study()
    study.notes.extend(note(study, text=f"note {n}") for n in range(30))
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    with closing(sqlite3.connect(path)) as con:
        # Room for the query itself, not for 30 ids joined (1,080 bytes).
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 800)
        assert not damage._ids_and_text_sound(con, "note")
        assert damage._bad_ids(con, "note") == 0


@pytest.mark.parametrize(
    "damage_sql",
    [
        "UPDATE note SET revision = 0",
        "UPDATE note SET critical = 2",
        "UPDATE note SET starred = -1",
    ],
)
def test_check_calls_damaged_the_flags_and_revisions_open_refuses(tmp_path, damage_sql):
    """Found by the bit-flip property: a note's revision flipped from 1 to 0 was refused
    at open ("values of the wrong kind") while `check` called the file sound."""
    study = planned_study()
    study.notes.append(note(study, text="one"))
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    with closing(sqlite3.connect(path)) as con, con:
        con.execute(damage_sql)
    assert not check_study(path).sound
    with pytest.raises(LessonStudyError, match="damaged"):
        StudyFile.open(path).close()
