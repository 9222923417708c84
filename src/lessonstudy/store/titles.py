"""A study's title read straight from its file, for lists of studies (the start
screen's recent studies).

The cached summary (`summary.py`) is out of date after every note another
process writes until someone closes the study, and a list then showed the file
name instead of the title (seen in a trial). The overview document is small:
its title is read from it, and only from a body whose stored hash matches (a
damaged file is listed by name; opening it says what is wrong).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from lessonstudy.errors import LessonStudyError
from lessonstudy.store.connection import check_readable, connect
from lessonstudy.store.damage import body_hash


def title_at(path: Path) -> str:
    """The study's title ("" when it has none or the file cannot be read as a study)."""
    try:
        check_readable(path)
        con = connect(path, read_only=True)
    except LessonStudyError:
        return ""
    try:
        row = con.execute("SELECT body, hash FROM document WHERE kind = 'overview'").fetchone()
        if row is None or not isinstance(row[0], str) or body_hash(row[0]) != row[1]:
            return ""
        data = json.loads(row[0])
    except (sqlite3.Error, UnicodeDecodeError, ValueError, RecursionError):
        return ""
    finally:
        con.close()
    title = data.get("title") if isinstance(data, dict) else None
    return title.strip() if isinstance(title, str) else ""
