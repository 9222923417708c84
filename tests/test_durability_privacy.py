"""Saved means saved, deleted text does not leave, erased text is gone for good,
merges are all or nothing and never mix two studies, and a full disk is a full disk."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import attrs
import pytest

from cli_runner import run_cli
from lessonstudy import files
from lessonstudy.errors import LessonStudyError
from lessonstudy.store import export
from lessonstudy.store.connection import connect
from lessonstudy.store.merge import merge_all, merge_into
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, note, planned_study, snapshot_files

SECRET = "Amira Khan"  # a child's real name, typed by mistake


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # In this process (see cli_runner); test_cli runs each command as a real process.
    return run_cli(*args, cwd=cwd)


def all_bytes(path: Path) -> bytes:
    """The study file and its journal, as they lie on the disk."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --------------------------------------------------------------------------- durability


def test_every_connection_syncs_each_commit_and_overwrites_what_it_deletes(tmp_path):
    """The README promised a note survives a power cut; NORMAL synced only at checkpoints."""
    path, _ = make_file(tmp_path / "s.lessonstudy")
    for read_only in (False, True):
        con = connect(path, read_only=read_only)
        try:
            assert con.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert con.execute("PRAGMA secure_delete").fetchone()[0] == 1
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            con.close()


# --------------------------------------------------------------------------- privacy


def test_exports_leave_out_the_text_of_deleted_notes(tmp_path):
    study = planned_study()
    kept, deleted = note(study, "counts on"), note(study, f"{SECRET} counts on", deleted=True)
    study.notes += [kept, deleted]
    text = export.dumps(study)
    assert SECRET not in text
    back = export.loads(text, where="x")
    assert {n.id: n.text for n in back.notes} == {kept.id: "counts on", deleted.id: ""}


@pytest.fixture
def named(tmp_path) -> tuple[Path, Path, object]:
    """A study whose note named a child, corrected and then deleted, and an observer's
    copy that still has it (taken before the erase)."""
    path, study = make_file(tmp_path / "main.lessonstudy")
    bad = note(study, f"{SECRET} put 1/2 first")
    with StudyFile.open(path) as study_file:
        # As an older version did: corrected with secure_delete off, the old text left in
        # the page's free space.
        study_file._con.execute("PRAGMA secure_delete = OFF")
        study_file.add_note(bad)
        corrected = study_file.update_note(attrs.evolve(bad, text=f"{SECRET} placed 1/2"))
        deleted = study_file.update_note(attrs.evolve(corrected, deleted=True))
        copy = tmp_path / "copy.lessonstudy"
        study_file.backup(copy)
    assert SECRET.encode() in all_bytes(path)
    return path, copy, deleted


def test_an_erased_note_leaves_nothing_of_its_text_in_the_file(named):
    path, _copy, deleted = named
    with StudyFile.open(path) as study_file:
        assert study_file.erase_notes([deleted.id]) is True
        [erased] = study_file.notes()
        assert (erased.text, erased.deleted) == ("", True)
        assert study_file.erased_notes() == {deleted.id}
    assert SECRET.encode() not in all_bytes(path)


def test_a_merge_never_brings_an_erased_note_back_and_carries_the_erasure(named, tmp_path):
    path, copy, deleted = named
    with StudyFile.open(copy) as theirs:  # the copy corrected it again meanwhile
        theirs.update_note(attrs.evolve(deleted, text=f"{SECRET} again", deleted=False))
    with StudyFile.open(path) as ours:
        ours.erase_notes([deleted.id])
        merge_into(ours, copy)
        [merged] = ours.notes()
        assert merged.text == "" and ours.conflicts() == []
    assert SECRET.encode() not in all_bytes(path)
    # The other way: the copy learns the erasure, and loses the text too.
    with StudyFile.open(copy) as theirs:
        merge_into(theirs, path)
        assert [n.text for n in theirs.notes()] == [""]
    assert SECRET.encode() not in all_bytes(copy)


def test_notes_erase_on_the_command_line(named):
    path, _copy, deleted = named
    listed = run("notes", "list", str(path), "--containing", "amira")
    assert listed.returncode == 0 and str(deleted.id)[:8] in listed.stdout
    erased = run("notes", "erase", str(path), str(deleted.id)[:8])
    assert erased.returncode == 0, erased.stderr
    assert "Erased 1 note" in erased.stdout
    assert SECRET.encode() not in all_bytes(path)
    again = run("notes", "erase", str(path), "zzzzzzzz")
    assert again.returncode == 2 and "nothing erased" in again.stderr


# --------------------------------------------------------------------------- merging


def test_merging_several_copies_is_all_or_nothing(tmp_path):
    """merge STUDY A B merged A, then failed on B."""
    main, study = make_file(tmp_path / "main.lessonstudy")
    good, bad = tmp_path / "a.lessonstudy", tmp_path / "b.lessonstudy"
    with StudyFile.open(main) as study_file:
        study_file.backup(good)
        study_file.backup(bad)
    with StudyFile.open(good) as theirs:
        theirs.add_note(note(study, "from A"))
    with closing(sqlite3.connect(bad)) as con:
        con.execute("UPDATE document SET body = '{' WHERE kind = 'findings'")
        con.commit()
    before = snapshot_files(main)
    result = run("merge", str(main), str(good), str(bad))
    assert result.returncode == 2
    assert "b.lessonstudy: damaged study file" in result.stderr
    assert snapshot_files(main) == before
    with StudyFile.open(main) as study_file, pytest.raises(LessonStudyError):
        merge_all(study_file, [good, bad])
    with StudyFile.open(main) as study_file:
        assert len(study_file.notes()) == 0


def test_two_demo_copies_are_two_studies_and_never_merge(tmp_path):
    """Merging two demo copies overwrote one title with the other and mixed their notes."""
    for name in ("one", "two"):
        assert run("demo", str(tmp_path / f"{name}.lessonstudy"), "--no-open").returncode == 0
    before = snapshot_files(tmp_path / "one.lessonstudy")
    result = run("merge", str(tmp_path / "one.lessonstudy"), str(tmp_path / "two.lessonstudy"))
    assert result.returncode == 2
    message = result.stderr
    assert "a different study" in message and "a copy of the example study" in message
    assert "made 20" in message  # when each was made tells them apart
    assert snapshot_files(tmp_path / "one.lessonstudy") == before


def test_two_imports_of_one_export_are_two_studies(tmp_path):
    source, _ = make_file(tmp_path / "s.lessonstudy")
    exported = tmp_path / "s.json"
    assert run("export", str(source), "-o", str(exported)).returncode == 0
    for name in ("a", "b"):
        made = tmp_path / f"{name}.lessonstudy"
        assert run("import", str(exported), "-o", str(made)).returncode == 0
    result = run("merge", str(tmp_path / "a.lessonstudy"), str(tmp_path / "b.lessonstudy"))
    assert result.returncode == 2 and "imported from s.json" in result.stderr


def test_a_backup_of_a_damaged_file_says_so_and_makes_nothing(tmp_path):
    """backup reported "Copied" for a damaged file; one such copy held 0 of 117 notes."""
    study = planned_study()
    study.notes += [note(study, f"note {n}") for n in range(20)]
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA writable_schema = ON")
        con.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX note_lesson ON note (observer, text)'"
            " WHERE name = 'note_lesson'"
        )
        con.commit()
    result = run("backup", str(path), str(tmp_path / "copy.lessonstudy"))
    assert result.returncode == 2
    assert "damaged study file" in result.stderr and "no backup made" in result.stderr
    assert not (tmp_path / "copy.lessonstudy").exists()


# --------------------------------------------------------------------------- a full disk


def test_a_full_disk_is_named_and_the_study_is_left_as_it_was(tmp_path):
    """Was "damaged study file (disk I/O error)": a teacher may throw away a good file.
    SQLite's own limit on the file's size gives the same SQLITE_FULL as a full disk."""
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        pages = study_file._con.execute("PRAGMA page_count").fetchone()[0]
        study_file._con.execute(f"PRAGMA max_page_count = {pages}")
        before = len(study_file.notes())
        with pytest.raises(LessonStudyError) as caught:
            study_file.add_notes([note(study, "x" * 3000) for _ in range(40)])
        assert "the disk is full; nothing was saved" in str(caught.value)
        assert "damaged" not in str(caught.value)
        assert len(study_file.notes()) == before


def test_an_export_on_a_full_disk_leaves_the_old_export(tmp_path, monkeypatch):
    dest = tmp_path / "e.json"
    dest.write_text("the old export", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(LessonStudyError, match="the disk is full"):
        files.write_atomically(dest, b"new", what="export")
    assert dest.read_text(encoding="utf-8") == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["e.json"]  # no partial file left


@contextlib.contextmanager
def small_filesystem(folder: Path, kilobytes: int) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small filesystem here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.long
@pytest.mark.slow
def test_new_import_and_demo_on_a_small_filesystem(tmp_path):
    """Tracebacks with little space left; now one line naming the full disk, no litter."""
    exported = tmp_path / "e.json"
    make_file(tmp_path / "s.lessonstudy")
    assert run("export", str(tmp_path / "s.lessonstudy"), "-o", str(exported)).returncode == 0
    with small_filesystem(tmp_path / "tiny", 320) as tiny:
        outcomes = []
        for number in range(8):
            for args in (
                ["new", str(tiny / f"n{number}.lessonstudy"), "--title", "x"],
                ["import", str(exported), "-o", str(tiny / f"i{number}.lessonstudy")],
                ["demo", str(tiny / f"d{number}.lessonstudy"), "--no-open"],
            ):
                result = run(*args)
                assert "Traceback" not in result.stderr
                assert result.returncode in (0, 2), result.stderr
                if result.returncode == 2:
                    assert "the disk is full" in result.stderr, result.stderr
                    target = args[1] if args[0] != "import" else args[-1]
                    assert not Path(target).exists()
                outcomes.append(result.returncode)
        assert 2 in outcomes  # the disk did fill up
        assert not [p for p in tiny.iterdir() if p.name.endswith(".partial")]
        for study in tiny.glob("*.lessonstudy"):
            assert run("check", str(study)).returncode == 0  # what was made is whole
