"""What makes a study file damaged, found before anything reads or writes it.

`check` and every open use the same findings, so a file `check` calls
damaged is never read as if sound nor written into:

- SQLite's own check of pages and indexes (`integrity_check`, about 10 ms on
  a 9,000-note study; `quick_check` misses index damage),
- the tables and columns this version of the program made,
- the study's id in the `meta` table,
- every document: a known kind, a revision, a body that is JSON and whose
  SHA-256 is the hash stored beside it (so a flipped bit in stored text is
  found, not read back as what someone typed),
- every note and stage mark: values of the kinds the program writes (checked
  in SQL, so 9,000 notes cost a few milliseconds), pointing at a lesson of the
  study and at a case pupil or the class.

Standard library only: `lessonstudy info` uses it without loading the model.
Whether each document also fits the model is `structure_problems` in
`check`/`study_file` (that needs the converter).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from typing import Any

from lessonstudy.store import schema

# Every kind of document a study file may hold (store.documents.BODY_TYPES, by name;
# tests/test_damage.py keeps the two the same). Written out: `info` must not load
# the model to check a file.
DOCUMENT_KINDS = frozenset(
    {
        "overview",
        "members",
        "pupils",
        "lesson",
        "discussion",
        "interview",
        "findings",
        "open_house",
        "private_words",
    }
)
# Every study has these from the day it is created (documents.SINGLE_DOCUMENTS).
SINGLE_KINDS = ("overview", "members", "pupils", "findings", "open_house")
# Kinds stored under the empty key (one per study), present or not.
_UNKEYED_KINDS = (*SINGLE_KINDS, "private_words")

_JUDGEMENTS = "('as_predicted', 'better', 'less', 'unexpected')"
# A note's or mark's lesson: a research lesson of the study, or 0, the open house's
# own timeline (model.OPEN_HOUSE_LESSON).
_LESSONS = "(SELECT 0 UNION SELECT CAST(key AS INTEGER) FROM document WHERE kind = 'lesson')"
_LABELS = (
    "(SELECT json_extract(item.value, '$.label') FROM document AS pupils,"
    " json_each(pupils.body) AS item WHERE pupils.kind = 'pupils')"
)


def _not_time(column: str) -> str:
    """SQL true when `column` is not an ISO 8601 time with its UTC offset."""
    return (
        f"(typeof({column}) != 'text' OR julianday({column}) IS NULL"
        f" OR substr({column}, -6, 1) NOT IN ('+', '-') OR substr({column}, -3, 1) != ':')"
    )


# Rows the program could not have written (ids are looked at in Python: _UUID).
_BAD_NOTE = f"""
    typeof(seq) != 'integer'
    OR typeof(lesson) != 'integer'
    OR typeof(observer) != 'text'
    OR {_not_time("at")}
    OR typeof(about) != 'text'
    OR typeof(text) != 'text'
    OR (judgement IS NOT NULL AND judgement NOT IN {_JUDGEMENTS})
    OR typeof(critical) != 'integer' OR critical NOT IN (0, 1)
    OR typeof(deleted) != 'integer' OR deleted NOT IN (0, 1)
    OR typeof(revision) != 'integer' OR revision < 1
    OR typeof(stage_chosen) != 'integer' OR stage_chosen NOT IN (0, 1)
    OR typeof(starred) != 'integer' OR starred NOT IN (0, 1)
"""
_BAD_MARK = f"""
    typeof(lesson) != 'integer'
    OR typeof(observer) != 'text'
    OR {_not_time("at")}
"""
# str(uuid): a regular expression beats SQLite's string functions here (9,000 notes:
# about 10 ms against 25).
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


@functools.cache
def expected_columns(version: int = schema.SCHEMA_VERSION) -> dict[str, tuple[str, ...]]:
    """The tables and columns a file of schema `version` has (from the migrations)."""
    con = sqlite3.connect(":memory:")
    try:
        schema.migrate(con, 0, version)
        tables = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: tuple(row[1] for row in con.execute(f"PRAGMA table_info({table})"))
            for table in tables
        }
    finally:
        con.close()


def integrity_problem(con: sqlite3.Connection, *, thorough: bool = True) -> str | None:
    """SQLite's own verdict on the pages and indexes, in one line (None: sound)."""
    pragma = "integrity_check" if thorough else "quick_check"
    rows = [row[0] for row in con.execute(f"PRAGMA {pragma}").fetchall()]
    if rows == ["ok"]:
        return None
    first = " ".join(str(rows[0]).split())  # SQLite's report spans lines; ours is one
    more = f" (and {len(rows) - 1} more findings)" if len(rows) > 1 else ""
    return f"SQLite's integrity check found {first}{more}"


def table_problems(con: sqlite3.Connection) -> list[str]:
    """Tables or columns missing (for the file's own schema version)."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    have: dict[str, set[str]] = {}
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        have[name] = {row[1] for row in con.execute(f'PRAGMA table_info("{name}")')}
    problems = []
    for table, columns in expected_columns(min(version, schema.SCHEMA_VERSION)).items():
        if table not in have:
            problems.append(f"the {table} table is missing")
            continue
        missing = [column for column in columns if column not in have[table]]
        if missing:
            problems.append(f"the {table} table has no {', '.join(missing)} column")
    return problems


def meta_problems(con: sqlite3.Connection) -> list[str]:
    row = con.execute("SELECT value FROM meta WHERE key = 'study_id'").fetchone()
    if row is None:
        return ["the study's id is missing"]
    if not isinstance(row[0], str) or not _UUID.match(row[0]):
        return [f"the study's id {row[0]!r} is not an id"]
    return []


def body_hash(body: str) -> str:
    import hashlib  # here: OpenSSL's load (2-3 ms) only for a command that checks hashes

    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def document_row_problems(con: sqlite3.Connection) -> list[str]:
    """Each document: a known kind, a revision, JSON text whose hash is the one stored."""
    problems = []
    seen: set[str] = set()
    for kind, key, revision, body, digest in con.execute(
        "SELECT kind, key, revision, body, hash FROM document"
    ):
        if kind not in DOCUMENT_KINDS:
            problems.append(f"document {kind!r} {key!r}: unknown kind of document")
            continue
        seen.add(kind)
        name = describe_document(kind, key if isinstance(key, str) else repr(key), body)
        if not isinstance(key, str) or (kind in _UNKEYED_KINDS) != (key == ""):
            problems.append(f"{name}: stored under a key it cannot have")
        if type(revision) is not int or revision < 1:
            problems.append(f"{name}: its revision {revision!r} is not a number from 1")
        if not isinstance(body, str):
            problems.append(f"{name}: its body is not text")
        elif body_hash(body) != digest:
            problems.append(f"{name}: its text does not match its stored hash (changed on disk)")
    for kind in SINGLE_KINDS:
        if kind not in seen:
            problems.append(f"{describe_document(kind, '')} is missing")
    # json_each (the pupils' labels) reads only bodies that are JSON: say which are not.
    for kind, key in con.execute(
        "SELECT kind, key FROM document WHERE typeof(body) = 'text' AND NOT json_valid(body)"
    ):
        problems.append(f"{describe_document(kind, key)}: not valid JSON")
    return problems


def describe_document(kind: str, key: str, body: object = None) -> str:
    """A document's name as the group would say it: "lesson 2 plan". `body`: its text,
    or its JSON already parsed."""
    names = {
        "overview": "the overview",
        "members": "the members list",
        "pupils": "the case pupils",
        "findings": "the findings",
        "open_house": "the open house",
        "private_words": "the private words",
        "lesson": f"lesson {key} plan",
        "discussion": f"lesson {key} discussion",
    }
    if kind in names:
        return names[kind]
    data: Any = body
    if isinstance(body, str):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
    if not isinstance(data, dict):
        data = {}
    if kind == "interview":
        who = data.get("interviewee") or key[:8]
        lesson = data.get("lesson")
        return f"interview with {who}" + (f" (lesson {lesson})" if lesson is not None else "")
    if kind == "note":
        text = str(data.get("text", ""))
        text = text if len(text) <= 40 else text[:39] + "…"
        return f"lesson {data.get('lesson', '?')} note by {data.get('observer', '?')} ({text!r})"
    return f"{kind} {key}".strip()


def row_problems(con: sqlite3.Connection) -> list[str]:
    """Notes and stage marks the program could not have written, counted in SQL."""
    problems = []
    checks = [
        ("note", f"SELECT count(*) FROM note WHERE {_BAD_NOTE}"),
        ("stage mark", f"SELECT count(*) FROM stage_mark WHERE {_BAD_MARK}"),
        (
            "note",
            "SELECT count(*) FROM note WHERE typeof(lesson) = 'integer'"
            f" AND lesson NOT IN {_LESSONS}",
        ),
        (
            "stage mark",
            "SELECT count(*) FROM stage_mark WHERE typeof(lesson) = 'integer'"
            f" AND lesson NOT IN {_LESSONS}",
        ),
    ]
    words = [
        "cannot be read (values of the wrong kind)",
        "cannot be read (values of the wrong kind)",
        "point at a lesson that is not in the study",
        "point at a lesson that is not in the study",
    ]
    for table, what in (("note", "note"), ("stage_mark", "stage mark")):
        count = _bad_ids(con, table)
        if count:
            problems.append(f"{count} {what}{'' if count == 1 else 's'} with an id that is not one")
    for (what, sql), word in zip(checks, words, strict=True):
        count = con.execute(sql).fetchone()[0]
        if count:
            problems.append(f"{count} {what}{'' if count == 1 else 's'} {word}")
    misplaced = _misplaced_notes(con)
    if misplaced:
        problems.append(
            f"{misplaced} note{'' if misplaced == 1 else 's'} placed in a stage that is not "
            "in their lesson's plan"
        )
    pupils_json = con.execute(
        "SELECT count(*) FROM document WHERE kind = 'pupils' AND json_valid(body)"
        " AND json_type(body) = 'array'"
    ).fetchone()[0]
    if pupils_json:
        count = con.execute(
            f"SELECT count(*) FROM note WHERE about != 'class' AND about NOT IN {_LABELS}"
        ).fetchone()[0]
        if count:
            problems.append(
                f"{count} note{'' if count == 1 else 's'} about neither a case pupil nor the class"
            )
    return problems


def _misplaced_notes(con: sqlite3.Connection) -> int:
    """Notes placed by a person in a stage their lesson's plan does not have (removing
    a stage moves its notes, so the program never leaves one there). The open
    house's notes (lesson 0) run on the plan it teaches: its own lesson, or the last."""
    plans: dict[int, set[str]] = {}
    for key, body in con.execute("SELECT key, body FROM document WHERE kind = 'lesson'"):
        try:
            stages = json.loads(body).get("stages") or []
            plans[int(key)] = {str(stage.get("id")) for stage in stages}
        except (ValueError, TypeError, AttributeError, RecursionError):
            continue  # an unreadable plan is reported as such
    row = con.execute("SELECT body FROM document WHERE kind = 'open_house'").fetchone()
    try:
        taught = json.loads(row[0]).get("lesson") if row else None
    except (ValueError, TypeError, AttributeError, RecursionError):
        taught = None
    if taught not in plans:
        taught = max(plans, default=None)
    if taught is not None:
        plans[0] = plans[taught]
    if not plans:
        return 0
    # One scan; each lesson's stage ids are a list built once (90,000 notes: about
    # 35 ms against 60 ms row by row in Python).
    cases = " ".join(
        f"WHEN {lesson} THEN stage_id NOT IN (SELECT value FROM json_each(?))" for lesson in plans
    )
    return int(
        con.execute(
            "SELECT count(*) FROM note WHERE stage_chosen = 1 AND stage_id IS NOT NULL"
            f" AND CASE lesson {cases} ELSE 0 END",
            [json.dumps(sorted(stage_ids)) for stage_ids in plans.values()],
        ).fetchone()[0]
    )


def _bad_ids(con: sqlite3.Connection, table: str) -> int:
    """Rows whose id (or stage id) is not a UUID as the program writes it, and text
    that is not UTF-8 (sqlite3.OperationalError: damaged, not later in the middle
    of a command). A sound table is recognised from each column concatenated in
    SQL (90,000 notes: about 60 ms against 240 ms fetching every row into Python);
    only a table that is not gets looked at row by row, to count."""
    if _ids_and_text_sound(con, table):
        return 0
    return _bad_ids_by_row(con, table)


_ID_LENGTH = 36  # len(str(uuid)): eight, four, four, four and twelve hex digits
_DASHES_AT = (8, 13, 18, 23)
_HEX_AND_DASH = b"0123456789abcdef-"


def _ids_and_text_sound(con: sqlite3.Connection, table: str) -> bool:
    """True only when every id (and stage id) is str(uuid) and all text is UTF-8;
    False when anything may not be (the caller then counts row by row)."""
    if con.execute("PRAGMA encoding").fetchone()[0] != "UTF-8":
        return False  # the raw bytes below are UTF-8 only in a UTF-8 file (ours are)
    texts = "observer || char(10) || about || char(10) || text" if table == "note" else "observer"
    # Each id must be text of exactly 36 bytes (a blob length: text stops at a NUL);
    # then the ids' concatenation is cut at every 36th byte, and each piece checked.
    # Texts are joined by an ASCII line break, which can neither end nor start a
    # UTF-8 sequence, so the whole decodes exactly when every piece does.
    try:
        found = con.execute(
            "SELECT count(*),"
            " sum(typeof(id) = 'text' AND length(CAST(id AS BLOB)) = 36),"
            " CAST(group_concat(id, '') AS BLOB),"
            " count(stage_id),"
            " sum(typeof(stage_id) = 'text' AND length(CAST(stage_id AS BLOB)) = 36),"
            " CAST(group_concat(stage_id, '') AS BLOB),"
            f" CAST(group_concat({texts}, char(10)) AS BLOB)"
            f" FROM {table}"
        ).fetchone()
    except sqlite3.DataError:
        return False  # more text than one SQLite string holds (1 GB): row by row
    rows, ids, id_bytes, stage_rows, stage_ids, stage_bytes, text = found
    if ids != rows or not _all_ids(id_bytes or b"", rows):
        return False
    if stage_ids != stage_rows or not _all_ids(stage_bytes or b"", stage_rows):
        return False
    try:
        (text or b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _all_ids(joined: bytes, count: int) -> bool:
    """`joined` is `count` ids of 36 bytes each, every one of them str(uuid)."""
    if len(joined) != _ID_LENGTH * count or joined.translate(None, _HEX_AND_DASH):
        return False  # a byte that is neither a lower-case hex digit nor a dash
    if joined.count(b"-") != len(_DASHES_AT) * count:
        return False
    return all(joined[at::_ID_LENGTH].count(b"-") == count for at in _DASHES_AT)


def _bad_ids_by_row(con: sqlite3.Connection, table: str) -> int:
    """_bad_ids for a table that may hold bad ones: every row fetched, every text
    column too (text that is not UTF-8 raises sqlite3.OperationalError here)."""
    is_id = _UUID.match
    bad = 0
    texts = "observer, about, text" if table == "note" else "observer"
    for row_id, stage_id, *_ in con.execute(f"SELECT id, stage_id, {texts} FROM {table}"):
        if type(row_id) is not str or not is_id(row_id):
            bad += 1
            continue
        if stage_id is not None and (type(stage_id) is not str or not is_id(stage_id)):
            bad += 1
    return bad


def find_damage(
    con: sqlite3.Connection, *, integrity: bool = True, thorough: bool = True, rows: bool = True
) -> list[str]:
    """Everything that makes the file damaged, one line each (empty: none found).

    `integrity`: run SQLite's check too (`thorough`: integrity_check, else
    quick_check); `rows`: count notes and stage marks that cannot be read.
    Stops early where going on would only repeat the first finding (a file
    whose tables are missing has no rows worth counting)."""
    problem = integrity_problem(con, thorough=thorough) if integrity else None
    if problem:
        return [problem]
    problems = table_problems(con)
    if problems:
        return problems
    problems = meta_problems(con) + document_row_problems(con)
    if rows and not any(p.endswith("not valid JSON") for p in problems):
        problems += row_problems(con)
    return problems
