"""Bad input: one clear line naming the file and the problem; the input left as it was.

Study files: missing, a folder, not SQLite, SQLite but not a study, truncated,
corrupted, from a newer schema, read-only file, read-only folder. JSON
exports: invalid JSON, wrong types, unknown keys, missing fields, a newer
format version. We run as root in CI, so "read-only" is the mode bits.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import export
from lessonstudy.store.check import check_study
from lessonstudy.store.merge import merge_into
from lessonstudy.store.notes_text import import_notes
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, note, planned_study, snapshot_files

PAGE = 4096


def error_line(action: Callable[[], object]) -> str:
    """Run `action`, which must fail with LessonStudyError; its message, checked to be one line."""
    try:
        action()
    except LessonStudyError as error:
        message = str(error)
    else:
        raise AssertionError("no LessonStudyError was raised")
    gc.collect()  # a connection the failed call left behind would hold -wal/-shm open
    assert message, "empty message"
    assert "\n" not in message and "\r" not in message
    return message


def _good(path: Path) -> Path:
    study = planned_study()
    study.notes.extend(note(study, "x" * 500) for _ in range(200))
    make_file(path, study)
    return path


def _missing(path: Path) -> Path:
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _not_sqlite(path: Path) -> Path:
    path.write_text("Lesson plan, stage 1: counting on\n" * 20, encoding="utf-8")
    return path


def _sqlite_not_study(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE recipe (name TEXT)")
        con.execute("INSERT INTO recipe VALUES ('scones')")
        con.commit()
    return path


def _cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _overwrite_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // PAGE // 2 * PAGE
    data[middle : middle + 2 * PAGE] = b"\xa5" * (2 * PAGE)
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> Path:
    _cut_in_half(_good(path))
    return path


def _truncated_header(path: Path) -> Path:
    data = _good(path).read_bytes()
    path.write_bytes(data[:60])
    return path


def _corrupted(path: Path) -> Path:
    _overwrite_middle(_good(path))
    return path


def _newer(path: Path) -> Path:
    _good(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("PRAGMA user_version = 99")
    return path


def _read_only_file(path: Path) -> Path:
    _good(path).chmod(0o444)
    return path


def _read_only_folder(path: Path) -> Path:
    _good(path)
    path.parent.chmod(0o555)
    return path


# case -> (make it, words the message must contain)
UNREADABLE = {
    "missing": (_missing, "no such file"),
    "folder": (_folder, "is a folder"),
    "not-sqlite": (_not_sqlite, "not an SQLite database"),
    "sqlite-not-study": (_sqlite_not_study, "not a lessonstudy study file"),
    "truncated-header": (_truncated_header, "damaged"),
    "newer": (_newer, "made by a newer lessonstudy"),
}
DAMAGED = {"truncated": _truncated, "corrupted": _corrupted}
DAMAGE = {"truncated": _cut_in_half, "corrupted": _overwrite_middle}
READ_ONLY = {"file": _read_only_file, "folder": _read_only_folder}


@pytest.fixture
def where(tmp_path):
    return tmp_path / "box" / "s.lessonstudy"


def prepare(make: Callable[[Path], Path], path: Path) -> dict[str, object]:
    path.parent.mkdir(exist_ok=True)
    make(path)
    return {
        "files": snapshot_files(path),
        "listing": sorted(p.name for p in path.parent.iterdir()),
        "tree": _tree(path),
    }


def _tree(path: Path) -> dict[str, bytes]:
    """Bytes of every file under a folder the case made (the "folder" case)."""
    if not path.is_dir():
        return {}
    return {str(p): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def unchanged(path: Path, before: dict[str, object]) -> bool:
    return before == {
        "files": snapshot_files(path),
        "listing": sorted(p.name for p in path.parent.iterdir()),
        "tree": _tree(path),
    }


def open_and_load(path: Path) -> None:
    with StudyFile.open(path) as study_file:
        study_file.load()


def open_read_only_and_load(path: Path) -> None:
    with StudyFile.open(path, read_only=True) as study_file:
        study_file.load()


@pytest.fixture
def other(tmp_path):
    """A sound study of our own, to merge bad files into."""
    path, _study = make_file(tmp_path / "ours.lessonstudy")
    return path


def merge_from(ours: Path) -> Callable[[Path], object]:
    def action(path: Path) -> object:
        with StudyFile.open(ours) as study_file:
            return merge_into(study_file, path)

    return action


# ---------------------------------------------------------------------- study files


@pytest.mark.parametrize("case", list(UNREADABLE))
@pytest.mark.parametrize("operation", ["open", "open-read-only", "check", "merge-from"])
def test_an_unreadable_study_is_refused_in_one_line(case, operation, where, other):
    make, words = UNREADABLE[case]
    before = prepare(make, where)
    action = {
        "open": open_and_load,
        "open-read-only": open_read_only_and_load,
        "check": check_study,
        "merge-from": merge_from(other),
    }[operation]
    other_before = snapshot_files(other)
    message = error_line(lambda: action(where))
    assert message.startswith(f"{where}: ")
    assert words in message
    assert unchanged(where, before)
    assert snapshot_files(other) == other_before


@pytest.mark.parametrize("case", list(DAMAGED))
@pytest.mark.parametrize("operation", ["open", "merge-from"])
def test_a_damaged_study_is_refused_in_one_line(case, operation, where, other):
    before = prepare(DAMAGED[case], where)
    action = {"open": open_and_load, "merge-from": merge_from(other)}[operation]
    other_before = snapshot_files(other)
    message = error_line(lambda: action(where))
    assert message.startswith(f"{where}: ")
    assert "damaged" in message or "malformed" in message
    assert unchanged(where, before)
    assert snapshot_files(other) == other_before


@pytest.mark.parametrize("case", list(DAMAGED))
def test_check_reports_a_damaged_study(case, where):
    before = prepare(DAMAGED[case], where)
    try:
        report = check_study(where)
    except LessonStudyError as error:  # so damaged it cannot even be opened
        assert str(error).startswith(f"{where}: damaged")
    else:
        assert not report.sound
        assert all(problem.startswith("damaged") for problem in report.problems)
    gc.collect()
    assert unchanged(where, before)


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_study_opened_read_only_leaves_nothing_behind(case, where):
    before = prepare(DAMAGED[case], where)
    error_line(lambda: open_read_only_and_load(where))
    assert unchanged(where, before)


@pytest.mark.parametrize("case", list(READ_ONLY))
def test_a_read_only_study_is_not_opened_for_writing(case, where):
    before = prepare(READ_ONLY[case], where)
    try:
        message = error_line(lambda: open_and_load(where))
        if case == "file":
            assert message == f"{where}: the file is read-only; changes cannot be saved"
        else:
            assert message.startswith(f"{where.parent}: the folder is read-only")
        assert unchanged(where, before)
    finally:
        where.parent.chmod(0o755)


@pytest.mark.parametrize("case", ["file", "folder"])
def test_a_read_only_study_can_still_be_checked_and_merged_from(case, where, tmp_path):
    where.parent.mkdir()
    _good(where)
    ours = tmp_path / "ours.lessonstudy"
    with StudyFile.open(where) as study_file:
        study_file.add_note(note(study_file.load(), "only in the read-only copy"))
        study_file.backup(ours)
        study_file.add_note(note(study_file.load(), "also only there"))
    (where if case == "file" else where.parent).chmod(0o444 if case == "file" else 0o555)
    before = prepare(lambda path: path, where)
    try:
        assert check_study(where).sound
        with StudyFile.open(ours) as study_file:
            assert merge_into(study_file, where).notes_added == 1
        gc.collect()
        assert unchanged(where, before)
    finally:
        where.parent.chmod(0o755)


def test_notes_are_not_imported_into_a_read_only_study(where, tmp_path):
    before = prepare(_read_only_file, where)
    notes_file = tmp_path / "notes.txt"
    notes_file.write_text("09:05 A 1 text\n", encoding="utf-8")

    def action() -> None:
        with StudyFile.open(where) as study_file:
            import_notes(study_file, notes_file, observer="Ruth", lesson=1)

    assert "read-only" in error_line(action)
    assert unchanged(where, before)


def test_a_study_is_not_created_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "box"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        message = error_line(lambda: StudyFile.create(folder / "s.lessonstudy", planned_study()))
        assert message.startswith(f"{folder}: the folder is read-only")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_merge_into_a_study_opened_read_only_is_refused(where, tmp_path):
    prepare(_good, where)
    copy = tmp_path / "copy.lessonstudy"
    with StudyFile.open(where) as study_file:
        study_file.backup(copy)
    before = snapshot_files(where)
    with StudyFile.open(where, read_only=True) as study_file:
        message = error_line(lambda: merge_into(study_file, copy))
    assert message == f"{where}: opened read-only"
    gc.collect()
    assert snapshot_files(where)["file"] == before["file"]


# ---------------------------------------------------------------------- JSON exports


def _export_dict() -> dict:
    study = planned_study()
    study.notes.append(note(study))
    return export.to_envelope(study)


def _set_minutes(data: dict) -> None:
    data["study"]["lessons"][0]["stages"][2]["minutes"] = "ten"


def _bool_minutes(data: dict) -> None:
    data["study"]["lessons"][0]["stages"][2]["minutes"] = True


def _unknown_key(data: dict) -> None:
    data["study"]["lessons"][1]["colour"] = "blue"


def _missing_field(data: dict) -> None:
    del data["study"]["lessons"][0]["number"]


def _newer_version(data: dict) -> None:
    data["version"] = 99


def _naive_time(data: dict) -> None:
    data["study"]["notes"][0]["at"] = "2026-03-04T09:15:00"


JSON_CASES = {
    "wrong-type": (_set_minutes, "@ $.study.lessons[0].stages[2].minutes"),
    "bool-as-number": (_bool_minutes, "@ $.study.lessons[0].stages[2].minutes"),
    "unknown-key": (_unknown_key, "@ $.study.lessons[1]"),
    "missing-field": (_missing_field, "@ $.study.lessons[0].number"),
    "newer-version": (_newer_version, "made by a newer lessonstudy"),
    "time-without-zone": (_naive_time, "@ $.study.notes[0].at"),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_a_bad_export_names_the_field(case, tmp_path):
    spoil, words = JSON_CASES[case]
    data = _export_dict()
    spoil(data)
    path = tmp_path / "study.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    before = path.read_bytes()
    message = error_line(lambda: export.read_json(path))
    assert message.startswith(f"{path}: ")
    assert words in message
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["study.json"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"format": "lessonstudy", "version": 1, "study": {', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "expected a lessonstudy export"),
        (b'{"format": "other", "version": 1, "study": {}}', "not a lessonstudy export"),
        (b'{"format": "lessonstudy", "version": 1, "study": {}, "x": 1}', "extra fields found"),
        (b'{"format": "lessonstudy", "version": 1}', "required field missing @ $.study"),
        (b'{"format": "lessonstudy", "version": 1, "study": {"lessons": 5}}', "@ $.study.lessons"),
        (
            b'{"format": "lessonstudy", "version": 1, "study": {"findings": {"to_share": "\xe9"}}}',
            "not UTF-8",
        ),
    ],
    ids=[
        "cut-off",
        "empty",
        "a-list",
        "other-format",
        "extra-key",
        "no-study",
        "lessons-number",
        "latin-1",
    ],
)
def test_an_unreadable_export_is_refused_in_one_line(content, words, tmp_path):
    path = tmp_path / "study.json"
    path.write_bytes(content)
    message = error_line(lambda: export.read_json(path))
    assert message.startswith(f"{path}: ")
    assert words in message
    assert path.read_bytes() == content


@pytest.mark.parametrize("make", [_missing, _folder], ids=["missing", "folder"])
def test_a_missing_export_or_a_folder_is_named(make, tmp_path):
    path = make(tmp_path / "study.json")
    message = error_line(lambda: export.read_json(path))
    assert message.startswith(f"{path}: ")
