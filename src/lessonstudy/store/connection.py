"""Opening a study file safely: recognise it, refuse what is not ours, connect.

Standard library only, so fast paths (`lessonstudy info`) can use it without
loading the model.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import SQLITE_HEADER
from lessonstudy.store import schema


def _is_read_only(path: Path) -> bool:
    # Check the mode bits rather than os.access: root may write anything, but a
    # file or folder the user made read-only says "do not change me".
    return not stat.S_IMODE(path.stat().st_mode) & 0o222


def check_readable(path: Path) -> None:
    """Raise LessonStudyError unless `path` looks like one of our study files."""
    if not path.exists():
        raise LessonStudyError(f"{path}: no such file")
    if path.is_dir():
        raise LessonStudyError(f"{path}: is a folder, not a study file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise LessonStudyError(f"{path}: cannot be read ({error.strerror})") from None
    if not header.startswith(SQLITE_HEADER):
        raise LessonStudyError(f"{path}: not a study file (not an SQLite database)")
    if len(header) < 100:
        raise LessonStudyError(f"{path}: damaged study file (truncated header)")
    application_id = int.from_bytes(header[68:72], "big")
    user_version = int.from_bytes(header[60:64], "big")
    if application_id != schema.APPLICATION_ID:
        raise LessonStudyError(f"{path}: an SQLite database, but not a lessonstudy study file")
    if user_version > schema.SCHEMA_VERSION:
        raise LessonStudyError(
            f"{path}: made by a newer lessonstudy (file schema {user_version}, this version "
            f"reads up to {schema.SCHEMA_VERSION}); upgrade lessonstudy to open it"
        )


def check_writable(path: Path) -> None:
    if path.exists() and _is_read_only(path):
        raise LessonStudyError(f"{path}: the file is read-only; changes cannot be saved")
    folder = path.parent
    if folder.exists() and _is_read_only(folder):
        raise LessonStudyError(
            f"{folder}: the folder is read-only; the study cannot be saved there"
        )


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection set up as design.md asks: WAL, busy timeout, autocommit.

    Read-only connections open read-write with `query_only`: a `mode=ro`
    connection to a WAL file leaves -wal/-shm files behind that it may not
    remove, while this one reads the same, never writes a row, and tidies up
    when it is the last to close. (If the system refuses writing, SQLite
    opens it read-only anyway.)
    """
    uri = f"{path.resolve().as_uri()}?mode={'rw' if read_only else 'rwc'}"
    try:
        con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise LessonStudyError(f"{path}: cannot be opened ({error})") from None
    try:
        con.execute("PRAGMA busy_timeout = 5000")
        if read_only:
            con.execute("PRAGMA query_only = ON")
        else:
            con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        con.close()
        raise damaged(path, error) from None
    return con


def verify(con: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick check (milliseconds even on a large study): never read a
    damaged file as if it were sound, nor write into one."""
    result = con.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        first = " ".join(result.split())  # SQLite's report spans lines; ours is one
        raise LessonStudyError(f"{path}: damaged study file ({first})")


def damaged(path: Path, error: sqlite3.Error) -> LessonStudyError:
    return LessonStudyError(f"{path}: damaged study file ({error})")
