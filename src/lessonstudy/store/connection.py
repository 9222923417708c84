"""Opening a study file safely: recognise it, refuse what is not ours, connect.

Standard library only, so fast paths (`lessonstudy info`) can use it without
loading the model.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import SQLITE_HEADER, open_regular_file, regular_file_size
from lessonstudy.store import schema


def _is_read_only(path: Path) -> bool:
    # Check the mode bits rather than os.access: root may write anything, but a
    # file or folder the user made read-only says "do not change me".
    return not stat.S_IMODE(path.stat().st_mode) & 0o222


def check_readable(path: Path) -> None:
    """Raise LessonStudyError unless `path` looks like one of our study files.

    Only ordinary files: a FIFO named *.lessonstudy would make SQLite (and
    every command) wait forever, a device never ends.

    The file is looked at through SQLite only, never through a descriptor of
    our own: this process may already hold connections to it, and closing any
    other descriptor of the file drops every lock the process holds on it
    (POSIX advisory locks belong to the process). Another process could then
    checkpoint and reset the write-ahead log under those connections. Seen: the
    app's worker opening the study while an observer wrote left the file
    "malformed", three times in three. SQLite itself keeps such descriptors open
    until its last lock on the file goes.
    """
    if regular_file_size(path, what="a study file") < 100:  # less than SQLite's header
        raise LessonStudyError(_not_a_database(path))
    try:
        # Read-write with query_only, as connect() makes read-only connections: one
        # opened with mode=ro would leave the write-ahead log's files behind.
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as error:
        raise explain(path, error) from None
    try:
        probe.execute("PRAGMA query_only = ON")
        application_id = probe.execute("PRAGMA application_id").fetchone()[0]
        user_version = probe.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            raise LessonStudyError(_not_a_database(path)) from None
        raise explain(path, error) from None
    finally:
        probe.close()
    if application_id != schema.APPLICATION_ID:
        raise LessonStudyError(f"{path}: an SQLite database, but not a lessonstudy study file")
    if user_version > schema.SCHEMA_VERSION:
        raise LessonStudyError(
            f"{path}: made by a newer lessonstudy (file schema {user_version}, this version "
            f"reads up to {schema.SCHEMA_VERSION}); upgrade lessonstudy to open it"
        )


def _not_a_database(path: Path) -> str:
    """What to say of a file SQLite cannot read as a database. Its first bytes may be
    read here: SQLite holds no lock on a file it does not take for a database (nor
    on one shorter than its header)."""
    try:
        with os.fdopen(open_regular_file(path, what="a study file"), "rb") as handle:
            header = handle.read(100)
    except (OSError, LessonStudyError):
        header = b""
    if not header.startswith(SQLITE_HEADER):
        return f"{path}: not a study file (not an SQLite database)"
    if len(header) < 100:
        return f"{path}: damaged study file (truncated header)"
    return f"{path}: damaged study file (its header cannot be read)"


def check_writable(path: Path) -> None:
    if path.exists() and _is_read_only(path):
        raise LessonStudyError(f"{path}: the file is read-only; changes cannot be saved")
    folder = path.parent
    if folder.exists() and _is_read_only(folder):
        raise LessonStudyError(
            f"{folder}: the folder is read-only; the study cannot be saved there"
        )


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection set up as design.md asks: WAL, busy timeout, autocommit,
    synchronous=FULL and secure_delete.

    synchronous=FULL: in WAL mode each commit is synced to the disk, so a note
    is kept through a power cut the moment Enter saved it (NORMAL would only
    sync at checkpoints). secure_delete: text that is changed or deleted is
    overwritten, not left in the file's free space (a real name typed by
    mistake and then corrected must not stay readable in the file).

    Read-only connections open read-write with `query_only`: a `mode=ro`
    connection to a WAL file leaves -wal/-shm files behind that it may not
    remove, while this one reads the same, never writes a row, and tidies up
    when it is the last to close. (If the system refuses writing, SQLite
    opens it read-only anyway.)
    """
    uri = f"{path.resolve().as_uri()}?mode={'rw' if read_only else 'rwc'}"
    try:
        con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise LessonStudyError(f"{path}: cannot be opened ({error})") from None
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if read_only:
            con.execute("PRAGMA query_only = ON")
        else:
            con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA secure_delete = ON")
    except (sqlite3.Error, UnicodeDecodeError) as error:
        con.close()
        raise explain(path, error) from None
    return con


BUSY_TIMEOUT_MS = 5000


def damaged(path: Path, error: Exception | str) -> LessonStudyError:
    return LessonStudyError(f"{path}: damaged study file ({error})")


def explain(
    path: Path, error: sqlite3.Error | UnicodeDecodeError, doing: str = ""
) -> LessonStudyError:
    """An SQLite error as one line a teacher can act on.

    Only real damage is called damage: a full disk, a file another program
    holds or a file the system will not let us write is not a damaged study,
    and a teacher told "damaged" may throw away a good file. `doing` says what
    did not happen ("the note was not saved")."""
    if isinstance(error, UnicodeDecodeError):
        # SQLite's own message named something whose bytes are broken (a table's name).
        return damaged(path, "text in the file's own records is not UTF-8")
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)
    undone = f"; {doing}" if doing else ""
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text or _disk_full(path):
        return LessonStudyError(
            f"{path}: the disk is full; {doing or 'nothing was changed'}. "
            "Free some space, then try again"
        )
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return LessonStudyError(
            f"{path}: another program is holding the study (waited "
            f"{BUSY_TIMEOUT_MS // 1000} seconds){undone}; try again in a moment, or close "
            "the other program"
        )
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text:
        return LessonStudyError(f"{path}: read-only; changes cannot be saved{undone}")
    if primary == sqlite3.SQLITE_IOERR:
        return LessonStudyError(f"{path}: cannot be read or written ({text}){undone}")
    if primary == sqlite3.SQLITE_CANTOPEN:
        return LessonStudyError(f"{path}: cannot be opened ({text}){undone}")
    return damaged(path, text)


def _disk_full(path: Path) -> bool:
    """Less than a page or two free where the study lives (SQLite may say "I/O error")."""
    try:
        usage = os.statvfs(path.parent if path.parent.exists() else Path("."))
    except OSError:
        return False
    return usage.f_bavail * usage.f_frsize < 64 * 1024


@contextlib.contextmanager
def closed_if_refused(con: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Opening: a file refused (or an SQLite error, said in one line) closes `con`."""
    try:
        yield
    except (sqlite3.Error, UnicodeDecodeError) as error:
        con.close()
        raise explain(path, error) from None
    except LessonStudyError:
        con.close()
        raise


def migrate_if_older(con: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    """Bring a file made by an older lessonstudy up to date (read-only: refuse one
    that cannot be read as it is)."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version < schema.READABLE_FROM or (version < schema.SCHEMA_VERSION and not read_only):
        if read_only:
            raise LessonStudyError(
                f"{path}: made by an older lessonstudy; open it once to upgrade it"
            )
        with write_transaction(con):
            schema.migrate(con, version)


@contextlib.contextmanager
def write_transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: take the write lock up front, so a concurrent writer waits
    (busy_timeout) instead of failing with "database is locked" mid-transaction.
    The study file and the library's index both write through it."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        # Also when COMMIT itself failed (a full disk): never keep the write lock.
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
