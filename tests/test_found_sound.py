"""A study file found sound is not checked again until it changes (store.found_sound).

Each test has its own cache folder (XDG_CACHE_HOME). Files made by a test are
seconds old at most, younger than found_sound.SETTLED_SECONDS, so the tests that
need one remembered move the clock the check reads forward instead of waiting.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import StudyFile, found_sound, open_checks
from store_helpers import make_file, note, planned_study


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def later(monkeypatch) -> Callable[[], None]:
    """From its call on, checks run as if a minute after the files were written."""
    return lambda: monkeypatch.setattr(found_sound, "_now_ns", lambda: time.time_ns() + 60 * 10**9)


def checks_counted(monkeypatch) -> list[Path]:
    counted: list[Path] = []
    real = open_checks.sqlite_problem

    def counting(con: sqlite3.Connection) -> str | None:
        counted.append(Path(con.execute("PRAGMA database_list").fetchone()[2]))
        return real(con)

    monkeypatch.setattr(open_checks, "sqlite_problem", counting)
    return counted


def change_a_byte_in_place(path: Path, text: bytes) -> None:
    """Overwrite `text` in the file (everywhere) with as many x's, keeping its size and its
    modification time: only the change time (which nothing can set) tells."""
    before = os.stat(path)
    data = path.read_bytes()
    assert text in data
    path.write_bytes(data.replace(text, b"x" * len(text)))  # the same inode, rewritten
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_sound_file_is_checked_once_until_it_changes(tmp_path, monkeypatch, later):
    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study("Ratio tables"))
    later()
    counted = checks_counted(monkeypatch)
    StudyFile.open(path, read_only=True).close()
    assert found_sound.is_known_sound(path)
    StudyFile.open(path, read_only=True).close()
    StudyFile.open(path).close()
    assert len(counted) == 1  # the second and third opens trusted the first check

    remembered = found_sound.state_of(path)
    change_a_byte_in_place(path, b"Ratio tables")
    assert os.stat(path).st_size == remembered[0][2]
    assert not found_sound.is_known_sound(path)
    with pytest.raises(LessonStudyError, match="damaged"):
        StudyFile.open(path, read_only=True)
    assert len(counted) == 2
    assert not found_sound.is_known_sound(path)


def test_a_write_through_the_program_has_the_file_checked_again(tmp_path, monkeypatch, later):
    path, study = make_file(tmp_path / "s.lessonstudy", planned_study())
    later()
    counted = checks_counted(monkeypatch)
    StudyFile.open(path).close()
    with StudyFile.open(path) as study_file:  # trusted: no second check
        study_file.add_note(note(study, "counts on in halves"))
    assert len(counted) == 1
    assert not found_sound.is_known_sound(path)
    StudyFile.open(path, read_only=True).close()
    assert len(counted) == 2


def test_a_file_changed_just_before_its_check_is_not_remembered(tmp_path):
    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study())
    StudyFile.open(path, read_only=True).close()  # the file is moments old
    assert not found_sound.is_known_sound(path)


def test_a_damaged_file_is_never_remembered(tmp_path, later):
    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study("Ratio tables"))
    later()
    change_a_byte_in_place(path, b"Ratio tables")
    for _ in range(2):
        with pytest.raises(LessonStudyError, match="damaged"):
            StudyFile.open(path, read_only=True)
    assert not found_sound.memory_path().exists()


def test_checks_run_alongside_a_write_up_remember_a_sound_file(tmp_path, monkeypatch, later):
    monkeypatch.setattr(open_checks, "ALONGSIDE_FROM_BYTES", 0)
    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study())
    later()
    with StudyFile.open_to_make(path) as study_file:
        assert study_file._checks is not None  # the threads ran the checks
        study_file.load()
    assert found_sound.is_known_sound(path)
    with StudyFile.open_to_make(path) as study_file:
        assert study_file._checks is None  # known sound: nothing to wait for


def test_the_memory_keeps_the_newest_files_and_survives_being_garbage(tmp_path, later):
    paths = [make_file(tmp_path / f"s{n}.lessonstudy", planned_study())[0] for n in range(3)]
    later()
    found_sound.memory_path().parent.mkdir(parents=True, exist_ok=True)
    found_sound.memory_path().write_text("{not json")
    for path in paths:
        StudyFile.open(path, read_only=True).close()
    assert all(found_sound.is_known_sound(path) for path in paths)

    found_sound.KEPT, kept = 2, found_sound.KEPT
    try:
        StudyFile.open(paths[0], read_only=True).close()  # known: not written again
        found_sound.remember(paths[0], found_sound.state_of(paths[0]))
    finally:
        found_sound.KEPT = kept
    assert [found_sound.is_known_sound(path) for path in paths] == [True, False, True]


def test_a_file_check_finds_sound_opens_without_checking_again(tmp_path, monkeypatch, later):
    from lessonstudy.store.check import check_study

    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study())
    later()
    assert check_study(path).problems == []
    counted = checks_counted(monkeypatch)
    StudyFile.open(path, read_only=True).close()
    assert counted == []


def test_a_backup_of_a_file_found_sound_is_the_same_copy_without_the_checks(
    tmp_path, monkeypatch, later
):
    """`lessonstudy backup` of a file found sound copies it without opening it as a
    StudyFile (no model): the same complete copy; a file changed since is checked
    first, and a damaged one gives no copy."""
    from lessonstudy.store import export
    from lessonstudy.store.check import check_study
    from lessonstudy.store.copies import backup

    path, study = make_file(tmp_path / "s.lessonstudy", planned_study("Ratio tables"))
    with StudyFile.open(path) as study_file:
        study_file.add_note(note(study, "counts on in halves"))  # in the write-ahead log
    later()
    StudyFile.open(path, read_only=True).close()
    assert found_sound.is_known_sound(path)
    counted = checks_counted(monkeypatch)
    backup(path, tmp_path / "copy.lessonstudy")
    assert counted == []
    assert check_study(tmp_path / "copy.lessonstudy").sound
    with (
        StudyFile.open(path, read_only=True) as a,
        StudyFile.open(tmp_path / "copy.lessonstudy") as b,
    ):
        assert export.dumps(a.load()) == export.dumps(b.load())
    with pytest.raises(LessonStudyError, match="already exists"):
        backup(path, tmp_path / "copy.lessonstudy")

    change_a_byte_in_place(path, b"Ratio tables")
    with pytest.raises(LessonStudyError, match="damaged"):
        backup(path, tmp_path / "second.lessonstudy")
    # Checked this time (the copy was checked once, opened above).
    assert [checked.name for checked in counted] == ["copy.lessonstudy", "s.lessonstudy"]
    assert not (tmp_path / "second.lessonstudy").exists()
