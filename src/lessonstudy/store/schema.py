"""The study file's SQLite schema and its migrations.

`PRAGMA application_id` marks a file as ours; `PRAGMA user_version` is the
schema version. Each migration runs inside the caller's BEGIN IMMEDIATE
transaction, so a file is either fully migrated or untouched.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x4C537479  # "LSty"
SCHEMA_VERSION = 4
READABLE_FROM = 3
"""Files from this schema on are read (exported, reported, merged from) as they are,
without an upgrade: the later schemas only added tables, which readers take as empty
when missing. Older files are upgraded by opening them once for writing."""

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Edited documents (overview, members, pupils, each lesson plan, each discussion,
-- each interview, findings, open house): a JSON body with a revision.
CREATE TABLE document (
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    revision INTEGER NOT NULL,
    body     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
-- Hash of every revision a document has had: merge uses it to tell an edit
-- that builds on ours (take it) from one made beside ours (keep both).
CREATE TABLE document_history (
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    revision INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    PRIMARY KEY (kind, key, hash)
);
-- Versions that lost a race or a merge: kept, shown, never dropped silently.
-- A dismissed one stays (hidden) so that merging the same copy again does not
-- bring it back.
CREATE TABLE conflict (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    body     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    source   TEXT NOT NULL,
    found_at TEXT NOT NULL,
    dismissed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, key, hash)
);
-- Observation notes: append-only facts with UUIDs. `seq` orders changes so a
-- screen can fetch only what is new since it last looked.
CREATE TABLE note (
    id        TEXT PRIMARY KEY,
    seq       INTEGER NOT NULL,
    lesson    INTEGER NOT NULL,
    observer  TEXT NOT NULL,
    at        TEXT NOT NULL,
    stage_id  TEXT,
    about     TEXT NOT NULL,
    text      TEXT NOT NULL,
    judgement TEXT,
    critical  INTEGER NOT NULL,
    deleted   INTEGER NOT NULL,
    revision  INTEGER NOT NULL
);
CREATE INDEX note_lesson ON note (lesson, at);
CREATE UNIQUE INDEX note_seq ON note (seq);
CREATE TABLE stage_mark (
    id       TEXT PRIMARY KEY,
    lesson   INTEGER NOT NULL,
    observer TEXT NOT NULL,
    stage_id TEXT,
    at       TEXT NOT NULL
);
CREATE INDEX stage_mark_lesson ON stage_mark (lesson, at);
"""

# One lesson, one timeline. A note's stage is now the stage running at its time
# on the lesson's shared timeline unless someone chose it (`stage_chosen`).
# Notes already in a file keep the stage they were filed under (their observer's
# own clock, as it was); a note filed under no stage, or under a stage since
# taken out of its plan, takes the stage the shared timeline gives it (or
# stays unplaced): nothing points at a stage that no longer exists.
_V2 = [
    "ALTER TABLE note ADD COLUMN stage_chosen INTEGER NOT NULL DEFAULT 1",
    """UPDATE note SET stage_id = NULL, stage_chosen = 0
       WHERE stage_id IS NULL OR stage_id NOT IN (
           SELECT json_extract(stage.value, '$.id')
           FROM document, json_each(
               CASE WHEN json_valid(document.body) THEN document.body ELSE '{}' END, '$.stages'
           ) AS stage
           WHERE document.kind = 'lesson' AND document.key = CAST(note.lesson AS TEXT))""",
]

# Notes starred for the write-up.
_V3 = ["ALTER TABLE note ADD COLUMN starred INTEGER NOT NULL DEFAULT 0"]

# Notes erased for good (`lessonstudy notes erase`): their text is gone from the
# file, and a merge must never bring it back from a copy that still has it.
_V4 = [
    """CREATE TABLE erased_note (
    id        TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL
)"""
]

# MIGRATIONS[n] takes a file from schema n to n + 1: a list of statements (not
# one script split on ";", which a trigger or a string literal would break).
MIGRATIONS: dict[int, list[str]] = {
    0: [s for s in _V1.split(";\n") if s.strip()],
    1: _V2,
    2: _V3,
    3: _V4,
}


def migrate(con: sqlite3.Connection, from_version: int, to_version: int = SCHEMA_VERSION) -> None:
    """Bring the schema up to `to_version`. Caller holds BEGIN IMMEDIATE."""
    for version in range(from_version, to_version):
        # executescript would COMMIT first; run statements one by one instead.
        for statement in MIGRATIONS[version]:
            con.execute(statement)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {to_version}")
