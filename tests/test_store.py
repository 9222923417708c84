"""The study file: create, open, save with revisions, conflicts, backup, notes, marks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Discussion, Overview, new_study
from lessonstudy.store import documents, schema
from lessonstudy.store.study_file import NoSuchDocument, StudyFile
from store_helpers import make_file, mark, note, planned_study


def test_create_then_load_gives_back_the_study(tmp_path):
    study = planned_study()
    study.notes.append(note(study))
    study.marks.append(mark(study))
    path = tmp_path / "s.lessonstudy"
    with StudyFile.create(path, study) as study_file:
        loaded = study_file.load()
    assert loaded == study


def test_create_refuses_an_existing_file_and_leaves_it(tmp_path):
    path = tmp_path / "s.lessonstudy"
    path.write_bytes(b"mine")
    with pytest.raises(LessonStudyError, match="already exists"):
        StudyFile.create(path, planned_study())
    assert path.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.lessonstudy"]


def test_file_is_ours_wal_and_current_schema(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert con.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_save_bumps_the_revision_and_reads_back(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        overview, revision = study_file.read(documents.OVERVIEW)
        assert revision == 1
        saved = study_file.save(documents.OVERVIEW, attrs.evolve(overview, focus="number lines"), 1)
        assert (saved.revision, saved.conflict) == (2, False)
        again = study_file.save(documents.OVERVIEW, attrs.evolve(overview, focus="number lines"), 2)
        assert again.revision == 2  # an unchanged body is not a new revision
        assert study_file.read(documents.OVERVIEW) == (
            attrs.evolve(overview, focus="number lines"),
            2,
        )
        assert study_file.revisions()[("overview", "")] == 2
    assert study.overview.focus == ""


def test_a_stale_save_keeps_the_other_version_as_a_conflict(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as first, StudyFile.open(path) as second:
        overview, revision = first.read(documents.OVERVIEW)
        first.save(documents.OVERVIEW, attrs.evolve(overview, focus="first"), revision)
        saved = second.save(documents.OVERVIEW, attrs.evolve(overview, focus="second"), revision)
        assert saved.conflict
        assert first.read(documents.OVERVIEW)[0].focus == "second"
        [conflict] = first.conflicts()
        assert (conflict.kind, conflict.key) == ("overview", "")
        assert '"focus":"first"' in conflict.body
        first.dismiss_conflict(conflict.id)
        assert first.conflicts() == []


def test_a_document_never_saved_reads_as_its_default_and_one_that_cannot_exist_is_an_error(
    tmp_path,
):
    """Issue 11: reading a kind that does not exist, or a lesson the study does not
    have, used to give (None, 0), exactly as a document never saved."""
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        assert study_file.read(documents.discussion(1)) == (Discussion(lesson=1), 0)
        assert study_file.read(documents.FINDINGS).revision == 1  # made with the study
        with pytest.raises(NoSuchDocument, match="the plan of RL9 is not in this study"):
            study_file.read(documents.lesson(9))
        with pytest.raises(NoSuchDocument, match="the discussion of RL9"):
            study_file.read(documents.discussion(9))
        assert study_file.find(documents.lesson(9)) is None
        assert study_file.find(documents.lesson(1)) == (study.lessons[0], 1)
    with pytest.raises(ValueError, match="no kind of document is called 'lessons'"):
        documents.Document("lessons", "2", Discussion, None)


def test_notes_after_seq_returns_only_changes(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    first, second = note(study, "one"), note(study, "two")
    with StudyFile.open(path) as study_file:
        study_file.add_note(first)
        seq = study_file.last_seq()
        study_file.add_note(second)
        assert [n.text for n in study_file.notes(after_seq=seq)] == ["two"]
        corrected = study_file.update_note(attrs.evolve(first, text="one, corrected"))
        assert corrected.revision == 2
        changed = study_file.notes(after_seq=seq)
        assert {n.text for n in changed} == {"two", "one, corrected"}
        assert [n.text for n in study_file.notes(lesson=2)] == []


def test_a_note_or_mark_sent_twice_is_stored_once(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    sent, moved = note(study, "sent twice over a flaky connection"), mark(study)
    with StudyFile.open(path) as study_file:
        assert study_file.add_note(sent) is True
        corrected = study_file.update_note(attrs.evolve(sent, text="corrected meanwhile"))
        assert study_file.add_note(sent) is False  # the late copy
        assert study_file.notes() == [corrected]
        assert study_file.add_mark(moved) is True
        assert study_file.add_mark(moved) is False
        assert study_file.marks() == [moved]


def test_add_notes_is_all_or_nothing(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    good = note(study, "good")
    with StudyFile.open(path) as study_file:
        # The same id twice fails the second insert; the first must not stay.
        with pytest.raises((LessonStudyError, sqlite3.IntegrityError)):
            study_file.add_notes([good, good])
        assert study_file.notes() == []


def test_marks_are_kept_in_time_order(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    later = attrs.evolve(mark(study, stage=1), at=mark(study).at.replace(minute=30))
    with StudyFile.open(path) as study_file:
        study_file.add_mark(later)
        study_file.add_mark(mark(study))
        assert [m.stage_id for m in study_file.marks(1)] == [
            study.lessons[0].stages[0].id,
            study.lessons[0].stages[1].id,
        ]
        assert study_file.marks(2) == []


def test_another_connection_sees_a_commit_through_data_version(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as watcher, StudyFile.open(path) as writer:
        before = watcher.data_version()
        writer.add_note(note(study))
        assert watcher.data_version() != before


def test_backup_is_a_complete_copy(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    copy = tmp_path / "copy.lessonstudy"
    with StudyFile.open(path) as study_file:
        study_file.add_note(note(study))
        study_file.backup(copy)
        with pytest.raises(LessonStudyError, match="already exists"):
            study_file.backup(copy)
        original = study_file.load()
    with StudyFile.open(copy) as backup:
        assert backup.load() == original


def test_read_only_study_file_refuses_writes(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path, read_only=True) as study_file:
        with pytest.raises(LessonStudyError, match="read-only"):
            study_file.add_note(note(study))
        with pytest.raises(LessonStudyError, match="read-only"):
            study_file.save(documents.OVERVIEW, Overview(title="x"), None)


def test_a_stale_note_correction_keeps_the_other_one(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    original = note(study, "first")
    with StudyFile.open(path) as first, StudyFile.open(path) as second:
        first.add_note(original)
        first.update_note(attrs.evolve(original, text="corrected by Ruth"))
        second.update_note(attrs.evolve(original, text="corrected by Sam"))  # from revision 1
        kept = {n.text for n in first.notes()} | {c.body for c in first.conflicts()}
    assert any("corrected by Ruth" in text for text in kept)


def test_a_new_study_never_picks_up_a_deleted_studys_log(tmp_path):
    path = tmp_path / "s.lessonstudy"
    old = StudyFile.create(path, new_study("Old study"))
    old.save(documents.OVERVIEW, Overview(title="Old study, edited"), None)
    # The writer dies (its -wal stays), then someone deletes the study file itself.
    path.unlink()
    assert Path(f"{path}-wal").exists()
    with StudyFile.create(path, new_study("New study")) as fresh:
        assert fresh.load().overview.title == "New study"
    old._con.close()


def test_a_file_made_and_not_opened_again_is_already_in_wal_mode(tmp_path: Path) -> None:
    """`new`, `demo` and `import` make the file without opening it again: it must come
    out in WAL mode (header bytes 18-19 = 2), or its first open switches it over, a
    write into the user's file even when what opened it then refuses (a merge)."""
    from lessonstudy.store.study_file import create_file

    path = tmp_path / "made.lessonstudy"
    create_file(path, planned_study())
    header = path.read_bytes()[:20]
    assert (header[18], header[19]) == (2, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made.lessonstudy"]
    before = path.read_bytes()
    with StudyFile.open(path, read_only=True):
        pass
    assert path.read_bytes() == before


def test_lesson_counts_count_notes_deleted_too_and_marks(tmp_path):
    from lessonstudy.process import lesson_contents

    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        assert study_file.lesson_counts() == {}
        study_file.add_note(note(study, "one"))
        study_file.add_note(note(study, "two", deleted=True))  # it can come back: it counts
        study_file.add_note(note(study, "three", lesson=2))
        study_file.add_mark(mark(study, lesson=3))
        assert study_file.lesson_counts() == {1: (2, 0), 2: (1, 0), 3: (0, 1)}
        # What a lesson holds reads the same from the counts as from every note.
        whole, documents_only = study_file.load(), study_file.load(notes=False)
        counts = study_file.lesson_counts()
        for lesson in whole.lessons:
            assert lesson_contents(
                documents_only, lesson.number, counts=counts.get(lesson.number, (0, 0))
            ) == lesson_contents(whole, lesson.number)
