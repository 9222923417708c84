"""Whole study files put in place: a complete, consistent copy made through SQLite
(`lessonstudy backup`: a plain copy of the file can miss what is still in its
write-ahead log), and a finished file moved to its name without overwriting one
made meanwhile (a new study, a copy).

Standard library only: a file found sound before is copied without loading the
model (`backup`), which is most of what opening it as a StudyFile costs.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import building, os_error
from lessonstudy.store import found_sound
from lessonstudy.store.connection import (
    check_readable,
    closed_if_refused,
    connect,
    explain,
    migrate_if_older,
)


def backup(path: Path, dest: Path) -> None:
    """Copy the study at `path` to `dest` (a new file), as StudyFile.backup does once
    the study is opened: a file found sound since it last changed is opened as
    `StudyFile.open` would open it, without the model its checks need; any other
    through StudyFile.open_to_make, which checks it while the copy is made."""
    check_readable(path)
    if not found_sound.is_known_sound(path):
        from lessonstudy.store.study_file import StudyFile

        with StudyFile.open_to_make(path) as study_file:
            study_file.backup(dest)
        return
    con = connect(path, read_only=True)
    with closed_if_refused(con, path):
        migrate_if_older(con, path, read_only=True)
    try:
        copy_into(con, dest, read_only=True)
    finally:
        con.close()


def copy_into(
    con: sqlite3.Connection,
    dest: Path,
    *,
    read_only: bool,
    before_moving: Callable[[], None] = lambda: None,
) -> None:
    """A complete, consistent copy of the study `con` reads, made at `dest` (a new
    file); `before_moving` is called once it is made, before it takes the name."""
    if dest.exists():
        raise LessonStudyError(f"{dest}: already exists; choose another name")
    try:
        with building(dest) as partial:
            # VACUUM INTO only reads this file, but query_only refuses it all the same.
            con.execute("PRAGMA query_only = OFF")
            con.execute("VACUUM INTO ?", (str(partial),))
            before_moving()
            move_into_place(partial, dest)
    except FileExistsError:
        raise LessonStudyError(f"{dest}: already exists; choose another name") from None
    except OSError as error:
        raise os_error(dest, error, "cannot be written") from None
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise explain(dest, error, "no copy was made") from None
    finally:
        if read_only:
            con.execute("PRAGMA query_only = ON")


def move_into_place(partial: Path, path: Path) -> None:
    """Move a finished file to `path`, never overwriting a file made meanwhile."""
    # A -wal/-shm left by a study that was deleted after a crash would be read
    # as part of the new file (the old study's content coming back): remove
    # them while no main file exists that they could belong to.
    if not path.exists():
        for orphan in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            orphan.unlink(missing_ok=True)
    try:
        os.link(partial, path)  # atomic, and fails if `path` exists
    except FileExistsError:
        raise
    except OSError:
        # Some filesystems (FAT on a USB stick) have no hard links: a rename after
        # a last look is the best they allow.
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(partial, path)
