"""What every open checks before a study file is used, before or alongside the reading.

`StudyFile.open` refuses a file that is not sound: SQLite's integrity check,
then the rows and documents the program could not have written. On a large
study these take most of a command's time (90,000 notes: about 0.2 s and
0.3 s). A command that only reads the file to make something from it (a
write-up) may run them in threads while it reads and works (`Alongside`):
SQLite does them without holding Python's lock, so on two cores they cost
little more than nothing. Their verdict comes before anything made from the
file leaves the command, so a damaged file still gives nothing but its one
line saying what is wrong.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.store import damage, found_sound
from lessonstudy.store.connection import connect, damaged, explain
from lessonstudy.store.rows import structure_problems

# Below this size (a few thousand notes) the checks take a few milliseconds: run in
# turn they cost less than starting threads and sharing Python's lock with them
# (the bundled example: 5 ms in turn, 8 ms alongside; 9,000 notes: 88 ms, 77 ms).
ALONGSIDE_FROM_BYTES = 1_000_000


def sqlite_problem(con: sqlite3.Connection) -> str | None:
    """SQLite's own check of the file's pages and indexes (None: sound)."""
    return damage.integrity_problem(con)


def content_problems(con: sqlite3.Connection) -> list[str]:
    """What `check` calls damage beyond SQLite's check: tables, ids, hashes, rows,
    and documents that do not read back as their model object (one consistent view,
    even while others write)."""
    con.execute("BEGIN")
    try:
        problems = damage.find_damage(con, integrity=False)
        if not problems:
            problems = structure_problems(con)
    finally:
        con.execute("ROLLBACK")
    return problems


def refuse_content_damage(con: sqlite3.Connection, path: Path) -> None:
    """Raise the one line an open gives for `content_problems`."""
    problems = content_problems(con)
    if problems:
        raise _damaged_by(path, problems)


def _damaged_by(path: Path, problems: list[str]) -> LessonStudyError:
    more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
    return damaged(path, f"{problems[0]}{more}; 'lessonstudy check' lists them")


class Alongside:
    """The open's checks of `path`, each in a thread with its own read connection,
    started at once; `verdict()` waits for them and raises as the open would have."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._full_check = found_sound.FullCheck(path)
        self._sqlite: str | None = None
        self._content: list[str] = []
        self._errors: list[BaseException] = []
        self._threads = [
            threading.Thread(target=self._run, args=(check,), name=name, daemon=True)
            for name, check in (
                ("sqlite-check", self._check_sqlite),
                ("rows-check", self._check_content),
            )
        ]
        for thread in self._threads:
            thread.start()

    def _check_sqlite(self, con: sqlite3.Connection) -> None:
        self._sqlite = sqlite_problem(con)

    def _check_content(self, con: sqlite3.Connection) -> None:
        self._content = content_problems(con)

    def _run(self, check: Callable[[sqlite3.Connection], None]) -> None:
        try:
            con = connect(self.path, read_only=True)
            try:
                check(con)
            finally:
                con.close()
        except BaseException as error:  # handed to verdict(), in the caller's thread
            self._errors.append(error)

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()

    def verdict(self) -> None:
        """Wait for the checks; raise the open's one line if the file is not sound."""
        self.wait()
        if self._sqlite:  # first, as when checked in turn: the rest may be its echo
            raise damaged(self.path, self._sqlite)
        for error in self._errors:
            if isinstance(error, sqlite3.Error | UnicodeDecodeError):
                raise explain(self.path, error) from None
            raise error
        if self._content:
            raise _damaged_by(self.path, self._content)
        self._full_check.passed()
