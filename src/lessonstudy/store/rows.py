"""Rows of the study file <-> model objects, and the writes every writer shares.

Used inside a transaction the caller holds (StudyFile, merge, notes import,
check): nothing here begins or commits one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs

from lessonstudy import model
from lessonstudy.model import (
    Interview,
    Judgement,
    Observation,
    StageMark,
    Study,
)
from lessonstudy.process import place_notes
from lessonstudy.store import documents
from lessonstudy.store.converter import structure, to_json


@attrs.frozen
class Saved:
    """The outcome of saving a document."""

    revision: int
    conflict: bool = False  # someone else's newer version was kept aside as a conflict
    # What was saved when it is not what was given: our changes put onto someone
    # else's newer version (StudyFile.save_edit).
    merged: Any = attrs.field(default=None, eq=False)


@attrs.frozen
class Conflict:
    id: str
    kind: str
    key: str
    body: str
    source: str
    found_at: str


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


NOTE_COLUMNS = (
    "id, lesson, observer, at, stage_id, about, text, judgement, critical, deleted, revision,"
    " stage_chosen, starred"
)
NOTE_REVISION = 10  # index of `revision` in a row of NOTE_COLUMNS


def note_from_row(row: tuple[Any, ...]) -> Observation:
    """A note as stored. A stage nobody chose is not stored (it is the timeline's):
    `place_notes` fills it in for whoever reads the note."""
    (
        id_,
        lesson,
        observer,
        at,
        stage_id,
        about,
        text,
        judgement,
        critical,
        deleted,
        rev,
        chosen,
        starred,
    ) = row
    return Observation(
        id=UUID(id_),
        lesson=lesson,
        observer=observer,
        at=dt.datetime.fromisoformat(at),
        stage_id=UUID(stage_id) if stage_id else None,
        about=about,
        text=text,
        judgement=Judgement(judgement) if judgement else None,
        critical=bool(critical),
        deleted=bool(deleted),
        revision=rev,
        stage_chosen=bool(chosen),
        starred=bool(starred),
    )


def in_time_order(notes: Iterable[Observation]) -> list[Observation]:
    # Sorted on the real instant: the stored text would misorder different UTC offsets.
    return sorted(notes, key=lambda note: note.at)


def note_values(note: Observation) -> tuple[object, ...]:
    # A stage the timeline gave is not stored: it follows the timeline (a mark
    # committed a moment after the note, a stage moved or removed).
    stage_id = note.stage_id if note.stage_chosen else None
    return (
        str(note.id),
        note.lesson,
        note.observer,
        note.at.isoformat(),
        str(stage_id) if stage_id else None,
        note.about,
        note.text,
        note.judgement.value if note.judgement else None,
        int(note.critical),
        int(note.deleted),
        note.revision,
        int(note.stage_chosen),
        int(note.starred),
    )


def _next_seq(con: sqlite3.Connection) -> int:
    return con.execute("SELECT coalesce(max(seq), 0) + 1 FROM note").fetchone()[0]


def insert_note(con: sqlite3.Connection, note: Observation) -> None:
    if note.at.tzinfo is None:
        raise ValueError("a note's time must be timezone-aware")
    con.execute(
        f"INSERT INTO note (seq, {NOTE_COLUMNS}) VALUES ({', '.join('?' * 14)})",
        (_next_seq(con), *note_values(note)),
    )


def replace_note(con: sqlite3.Connection, note: Observation) -> None:
    values = note_values(note)
    con.execute(
        "UPDATE note SET seq = ?, lesson = ?, observer = ?, at = ?, stage_id = ?, about = ?,"
        " text = ?, judgement = ?, critical = ?, deleted = ?, revision = ?, stage_chosen = ?,"
        " starred = ? WHERE id = ?",
        (_next_seq(con), *values[1:], values[0]),
    )


MARK_COLUMNS = "id, lesson, observer, stage_id, at"


def mark_from_row(row: tuple[Any, ...]) -> StageMark:
    id_, lesson, observer, stage_id, at = row
    return StageMark(
        id=UUID(id_),
        lesson=lesson,
        observer=observer,
        stage_id=UUID(stage_id) if stage_id else None,
        at=dt.datetime.fromisoformat(at),
    )


def insert_mark(con: sqlite3.Connection, mark: StageMark) -> None:
    con.execute(
        "INSERT INTO stage_mark (id, lesson, observer, stage_id, at) VALUES (?, ?, ?, ?, ?)",
        (
            str(mark.id),
            mark.lesson,
            mark.observer,
            str(mark.stage_id) if mark.stage_id else None,
            mark.at.isoformat(),
        ),
    )


def save_document(
    con: sqlite3.Connection,
    kind: str,
    key: str,
    body: str,
    base_revision: int | None,
    *,
    source: str,
) -> Saved:
    if kind not in documents.BODY_TYPES:
        raise ValueError(f"unknown document kind {kind!r}")
    digest = body_hash(body)
    row = con.execute(
        "SELECT revision, body, hash FROM document WHERE kind = ? AND key = ?", (kind, key)
    ).fetchone()
    now = model.now().isoformat()
    if row is None:
        revision, conflict = 1, False
        con.execute(
            "INSERT INTO document VALUES (?, ?, ?, ?, ?, ?)", (kind, key, 1, body, digest, now)
        )
    else:
        current_revision, current_body, current_hash = row
        if current_hash == digest:
            return Saved(current_revision)
        conflict = base_revision is not None and base_revision != current_revision
        if conflict:
            keep_conflict(con, kind, key, current_body, current_hash, source=source)
        revision = current_revision + 1
        con.execute(
            "UPDATE document SET revision = ?, body = ?, hash = ?, saved_at = ?"
            " WHERE kind = ? AND key = ?",
            (revision, body, digest, now, kind, key),
        )
    con.execute(
        "INSERT OR IGNORE INTO document_history VALUES (?, ?, ?, ?)", (kind, key, revision, digest)
    )
    return Saved(revision, conflict)


def keep_conflict(
    con: sqlite3.Connection, kind: str, key: str, body: str, digest: str, *, source: str
) -> bool:
    """Keep a version that did not become current. False if it was kept already."""
    cursor = con.execute(
        "INSERT OR IGNORE INTO conflict (id, kind, key, body, hash, source, found_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (str(model.new_id()), kind, key, body, digest, source, model.now().isoformat()),
    )
    return cursor.rowcount > 0


def structure_body(path: Path, kind: str, body: str) -> Any:
    return structure(json.loads(body), documents.BODY_TYPES[kind], where=f"{path} ({kind})")


def insert_study(con: sqlite3.Connection, study: Study) -> None:
    """Write every part of `study` as documents and rows (a new, empty file)."""
    for document, obj in documents_of(study):
        save_document(con, document.kind, document.key, to_json(obj), None, source="create")
    for note in study.notes:
        insert_note(con, note)
    for mark in study.marks:
        insert_mark(con, mark)


def documents_of(study: Study) -> Iterator[tuple[documents.Document[Any], object]]:
    yield documents.OVERVIEW, study.overview
    yield documents.MEMBERS, study.members
    yield documents.PUPILS, study.pupils
    for lesson in study.lessons:
        yield documents.lesson(lesson.number), lesson
    for discussion in study.discussions:
        yield documents.discussion(discussion.lesson), discussion
    for interview in study.interviews:
        yield documents.interview(interview), interview
    yield documents.FINDINGS, study.findings
    yield documents.OPEN_HOUSE, study.open_house


def load_study(
    path: Path, con: sqlite3.Connection, lesson: int | None = None, *, with_notes: bool = True
) -> Study:
    """The whole study; the caller holds a transaction, so this is one snapshot.

    With `lesson`, only that lesson's notes and marks (every document still):
    a screen about one lesson need not read the others' thousands of notes.
    Without notes, no notes and no marks (a write-up that prints none)."""
    where, args = ("WHERE lesson = ?", (lesson,)) if lesson is not None else ("", ())
    if not with_notes:
        where, args = "WHERE 0", ()
    docs = con.execute("SELECT kind, key, body FROM document").fetchall()
    notes = con.execute(f"SELECT {NOTE_COLUMNS} FROM note {where} ORDER BY seq", args).fetchall()
    marks = con.execute(
        f"SELECT id, lesson, observer, stage_id, at FROM stage_mark {where} ORDER BY at", args
    ).fetchall()
    study_id = UUID(con.execute("SELECT value FROM meta WHERE key = 'study_id'").fetchone()[0])
    study = Study(id=study_id)
    for kind, _key, body in docs:
        obj = structure_body(path, kind, body)
        if kind == "overview":
            study.overview = obj
        elif kind == "members":
            study.members = obj
        elif kind == "pupils":
            study.pupils = obj
        elif kind == "lesson":
            study.lessons.append(obj)
        elif kind == "discussion":
            study.discussions.append(obj)
        elif kind == "interview":
            study.interviews.append(obj)
        elif kind == "findings":
            study.findings = obj
        elif kind == "open_house":
            study.open_house = obj
    study.lessons.sort(key=lambda lesson: lesson.number)
    study.discussions.sort(key=lambda discussion: discussion.lesson)
    study.interviews.sort(key=_interview_order)
    study.notes = in_time_order(note_from_row(row) for row in notes)
    study.marks = [mark_from_row(row) for row in marks]
    open_house = study.open_house_lesson()  # its notes run on a timeline of their own
    place_notes(study.notes, [*study.lessons, *([open_house] if open_house else [])], study.marks)
    return study


def _interview_order(interview: Interview) -> tuple[int, bool, str, str]:
    started = interview.started.isoformat() if interview.started else ""
    return (interview.lesson, interview.started is None, started, str(interview.id))
