"""A copy of the study file made while the app is open holds the work.

With a write-ahead log, commits live in the `-wal` file beside the study until a
checkpoint; a teacher who copies the study file (a USB stick, an e-mail) while
the app is open copies only the study file. `settle()` (run by the app's and the
server's polls once writing pauses) puts the commits into the file itself."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from lessonstudy.model import CLASS, Observation, new_study
from lessonstudy.store import StudyFile


def note(text: str) -> Observation:
    return Observation(
        lesson=1,
        observer="Ruth",
        at=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC),
        about=CLASS,
        text=text,
    )


def copied_notes(path: Path, folder: Path) -> list[str]:
    """Copy the study file alone (not its -wal), as a teacher would, and read it."""
    copy = folder / f"copy-{len(list(folder.iterdir()))}.lessonstudy"
    shutil.copyfile(path, copy)
    with StudyFile.open(copy, read_only=True) as copied:
        return [n.text for n in copied.load().notes]


def test_a_copy_made_while_open_holds_the_notes_once_writing_pauses(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    copies = tmp_path / "copies"
    copies.mkdir()
    with StudyFile.create(path, new_study("Copy me")):
        pass
    with StudyFile.open(path) as study_file:
        study_file.add_note(note("first"))
        assert copied_notes(path, copies) == []  # in the log only: what the trial saw
        assert study_file.settle(after_idle=60) is False  # still typing: not yet
        assert study_file.settle(after_idle=0) is True
        assert copied_notes(path, copies) == ["first"]
        assert study_file.settle(after_idle=0) is False  # nothing new: nothing to do
        study_file.add_note(note("second"))
        assert study_file.settle(after_idle=0) is True
        assert sorted(copied_notes(path, copies)) == ["first", "second"]
