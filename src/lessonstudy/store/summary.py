"""The study at a glance (what `lessonstudy info` prints), cached in the file.

Building the summary needs the whole model (attrs, cattrs, the process),
which costs several times Python's own start-up. So the summary is kept in
the `meta` table together with a stamp of everything it was built from; a
reader that finds a matching stamp prints it without importing the model.
Any write (a note, a stage mark, a document revision, a conflict) changes
the stamp, so a stale summary is never shown: it is rebuilt instead.

This module imports only the standard library on the fast path.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonstudy import __version__, cycle
from lessonstudy.store.connection import check_readable, connect, damaged, explain
from lessonstudy.store.damage import find_damage

if TYPE_CHECKING:
    from lessonstudy.model import Study

# Revisions only grow and seq is bumped by every note change, so these numbers
# change whenever anything the summary depends on changes.
_STAMP_SQL = """
SELECT (SELECT coalesce(sum(revision), 0) || '/' || count(*) FROM document)
    || ':' || (SELECT coalesce(max(seq), 0) || '/' || count(*) FROM note)
    || ':' || (SELECT count(*) FROM stage_mark)
    || ':' || (SELECT count(*) || '/' || coalesce(sum(dismissed), 0) FROM conflict)
"""


SUMMARY_FORMAT = 3  # bump when the summary's shape changes: older caches are rebuilt


def stamp(con: sqlite3.Connection) -> str:
    # The documents' hashes too: a document rewritten outside the program (with a
    # hash to match) must not be summed up from an older reading of it.
    hashes = (
        con.execute(
            "SELECT group_concat(hash, ',') FROM (SELECT hash FROM document ORDER BY kind, key)"
        ).fetchone()[0]
        or ""
    )
    import hashlib  # here: OpenSSL's load (2-3 ms) only for a command that stamps

    digest = hashlib.sha256(str(hashes).encode()).hexdigest()[:16]
    made_by = f"{__version__}/{SUMMARY_FORMAT}/{cycle.fingerprint()}"
    return f"{made_by}:{con.execute(_STAMP_SQL).fetchone()[0]}:{digest}"


def read_cached(con: sqlite3.Connection) -> dict[str, Any] | None:
    """The cached summary, or None when there is none or it is out of date.

    Stamp and summary are read in one transaction so they belong together.
    """
    con.execute("BEGIN")
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'summary'").fetchone()
        current = stamp(con)
    finally:
        con.execute("COMMIT")
    if row is None:
        return None
    try:
        cached = json.loads(row[0])
    except (TypeError, ValueError, RecursionError):
        return None  # only a cache: rebuilt from the study
    if not isinstance(cached, dict) or cached.get("stamp") != current:
        return None
    glance = cached.get("summary")
    return glance if isinstance(glance, dict) else None


def read_cached_at(path: Path, *, thorough: bool = True) -> dict[str, Any] | None:
    """Open `path` just to read its cached summary (None when out of date).

    Refuses what is not a sound study file with one clear line, like any open."""
    check_readable(path)
    con = connect(path, read_only=True)
    try:
        con.execute("BEGIN")
        try:
            # Not thorough: the app paints its first map from the cache, then opens the
            # study (which checks it all) right after the paint.
            problems = find_damage(con, thorough=thorough, rows=thorough)
        finally:
            con.execute("ROLLBACK")
        if problems:
            raise damaged(path, problems[0])
        return read_cached(con)
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise explain(path, error) from None
    finally:
        con.close()


def write_cached(con: sqlite3.Connection, summary: dict[str, Any]) -> None:
    """Store `summary`; the caller holds the write transaction it was built in."""
    value = json.dumps({"stamp": stamp(con), "summary": summary}, ensure_ascii=False)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('summary', ?)", (value,))


def build(study: Study, conflicts: int) -> dict[str, Any]:
    """The summary of `study` as plain data."""
    from lessonstudy import process

    o = study.overview
    upcoming = process.next_step(study)
    return {
        "title": o.title,
        "focus": o.focus,
        "research_question": o.research_question,
        "members": [m.name for m in study.members],
        "pupils": [[p.label, p.pseudonym, p.learner_group] for p in study.pupils],
        "steps": [
            [s.id, s.title, s.state.value, s.detail, s == upcoming] for s in process.steps(study)
        ],
        "next": upcoming.title if upcoming else None,
        "conflicts": conflicts,
    }
