"""Rows of the study file <-> model objects, and the writes every writer shares.

Used inside a transaction the caller holds (StudyFile, merge, notes import,
check): nothing here begins or commits one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, SafeUUID

import attrs

from lessonstudy import model
from lessonstudy.bulk import collection_paused
from lessonstudy.errors import LessonStudyError
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
from lessonstudy.store.damage import describe_document


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


class DamagedContent(ValueError):
    """Something read back from the file is not what the program wrote: the file is
    damaged. Its text names what (the StudyFile adds the file)."""


def body_hash(body: str) -> str:
    # Imported here: hashlib loads OpenSSL (2-3 ms), and a command that only reads a
    # file found sound before (a write-up, an export, a backup) hashes nothing.
    import hashlib

    return hashlib.sha256(body.encode()).hexdigest()


NOTE_COLUMNS = (
    "id, lesson, observer, at, stage_id, about, text, judgement, critical, deleted, revision,"
    " stage_chosen, starred"
)
NOTE_REVISION = 10  # index of `revision` in a row of NOTE_COLUMNS


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _number(value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    return value


def _flag(value: object) -> bool:
    """A yes/no column as the program writes it: 0 or 1 (what damage.row_problems,
    run at every open, holds it to; `check` must call damaged what open refuses)."""
    if _number(value) not in (0, 1):
        raise ValueError(f"expected 0 or 1, got {value}")
    return bool(value)


def _revision(value: object) -> int:
    revision = _number(value)
    if revision < 1:
        raise ValueError(f"a revision starts at 1, got {revision}")
    return revision


def _uuid(value: object) -> UUID:
    """An id as the program writes it (str(uuid)): "ABC..." or "{...}" is not one,
    although UUID() would take it, so a flipped bit in an id is damage."""
    text = _text(value)
    parsed = UUID(text)
    if str(parsed) != text:
        raise ValueError(f"{text!r} is not an id as the program writes it")
    return parsed


def _time(value: object) -> dt.datetime:
    at = dt.datetime.fromisoformat(_text(value))
    if at.tzinfo is None:
        raise ValueError(f"time {value!r} has no time zone")
    return at


def note_from_row(row: tuple[Any, ...]) -> Observation:
    """A note as stored; DamagedContent if the row is not one the program wrote.
    A stage nobody chose is not stored (it is the timeline's): `place_notes` fills
    it in for whoever reads the note."""
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
    # The fast path: the row as the program writes it (types, canonical ids,
    # an aware time), checked inline; anything else goes through the checks
    # below, which say what is damaged.
    try:
        if (
            type(id_) is str
            and _CANONICAL_ID(id_)
            and type(lesson) is int
            and type(observer) is str
            and type(about) is str
            and type(text) is str
            # A stage's id is checked canonical once a stage, with its UUID (below).
            and (stage_id is None or type(stage_id) is str)
            and (judgement is None or judgement in _JUDGEMENTS)
            and type(critical) is int
            and type(deleted) is int
            and type(rev) is int
            and type(chosen) is int
            and type(starred) is int
            and (critical | deleted | chosen | starred) in (0, 1)  # each 0 or 1
            and rev > 0
            and type(at) is str
        ):
            stage = _stage_uuid(stage_id) if stage_id is not None else None
            when = _from_iso(at)
            if when.tzinfo is not None and (stage is not None or stage_id is None):
                # By position, in Observation's field order (test_rows holds it): a
                # call with thirteen keywords takes twice as long (9,000 notes: 6 ms).
                return Observation(
                    lesson,
                    observer,
                    when,
                    about,
                    text,
                    stage,
                    _JUDGEMENTS[judgement] if judgement is not None else None,
                    bool(critical),
                    bool(deleted),
                    rev,
                    _canonical_uuid(id_),
                    bool(chosen),
                    bool(starred),
                )
    except ValueError:
        pass  # a time that is not one: said below
    try:
        return Observation(
            id=_uuid(id_),
            lesson=_number(lesson),
            observer=_text(observer),
            at=_time(at),
            stage_id=_uuid(stage_id) if stage_id is not None else None,
            about=_text(about),
            text=_text(text),
            judgement=Judgement(judgement) if judgement is not None else None,
            critical=_flag(critical),
            deleted=_flag(deleted),
            revision=_revision(rev),
            stage_chosen=_flag(chosen),
            starred=_flag(starred),
        )
    except (ValueError, TypeError) as error:
        raise DamagedContent(f"note {id_!r} cannot be read ({error})") from None


_JUDGEMENTS = {judgement.value: judgement for judgement in Judgement}
# str(UUID) and nothing else: what _uuid() accepts, checked without parsing twice.
_CANONICAL_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
).fullmatch
_from_iso = dt.datetime.fromisoformat
_SAFE_UNKNOWN = SafeUUID.unknown
_new_object = object.__new__
_set = object.__setattr__


def _canonical_uuid(text: str) -> UUID:
    """UUID(text) for an id already checked canonical, about three times faster
    (two UUID parses per note were 40 % of loading a study)."""
    uuid = _new_object(UUID)
    _set(uuid, "int", int(text.replace("-", ""), 16))
    _set(uuid, "is_safe", _SAFE_UNKNOWN)
    return uuid


@functools.lru_cache(maxsize=256)
def _stage_uuid(text: str) -> UUID | None:
    """A stage's id as _uuid() reads it, None if it is not one: a study has a few
    dozen stages and tens of thousands of notes in them, each checked once."""
    return _canonical_uuid(text) if _CANONICAL_ID(text) else None


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
    seq: int = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM note").fetchone()[0]
    return seq


_INSERT_NOTE = f"INSERT INTO note (seq, {NOTE_COLUMNS}) VALUES ({', '.join('?' * 14)})"


def insert_note(con: sqlite3.Connection, note: Observation) -> None:
    if note.at.tzinfo is None:
        raise ValueError("a note's time must be timezone-aware")
    con.execute(_INSERT_NOTE, (_next_seq(con), *note_values(note)))


def insert_notes(con: sqlite3.Connection, notes: Iterable[Observation]) -> None:
    """Add notes in turn, each with the next sequence number (found once, not per note)."""
    rows = []
    seq = _next_seq(con)
    for note in notes:
        if note.at.tzinfo is None:
            raise ValueError("a note's time must be timezone-aware")
        rows.append((seq, *note_values(note)))
        seq += 1
    con.executemany(_INSERT_NOTE, rows)


def replace_note(con: sqlite3.Connection, note: Observation) -> None:
    values = note_values(note)
    con.execute(
        "UPDATE note SET seq = ?, lesson = ?, observer = ?, at = ?, stage_id = ?, about = ?,"
        " text = ?, judgement = ?, critical = ?, deleted = ?, revision = ?, stage_chosen = ?,"
        " starred = ? WHERE id = ?",
        (_next_seq(con), *values[1:], values[0]),
    )


MARK_COLUMNS = "id, lesson, observer, stage_id, at"


def erase_note_rows(con: sqlite3.Connection, note_id: str, erased_at: str) -> bool:
    """Erase a note for good inside the caller's transaction: its text is blanked
    (overwritten on disk: connections run with secure_delete), it is marked
    deleted, every kept version of it goes, and it is recorded as erased so a
    merge never brings it back. False if there was no such note here (it is
    recorded all the same: a copy that has it must not bring it in)."""
    found = con.execute("SELECT 1 FROM note WHERE id = ?", (note_id,)).fetchone() is not None
    if found:
        con.execute(
            "UPDATE note SET text = '', deleted = 1, starred = 0, revision = revision + 1,"
            " seq = ? WHERE id = ?",
            (_next_seq(con), note_id),
        )
    con.execute("DELETE FROM conflict WHERE kind = 'note' AND key = ?", (note_id,))
    con.execute("INSERT OR IGNORE INTO erased_note VALUES (?, ?)", (note_id, erased_at))
    return found


def read_erased(con: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, when) of every note erased for good; none in a file from before erasing
    existed (schema 3, read as it is)."""
    exists = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'erased_note'"
    ).fetchone()
    if exists is None:
        return []
    return con.execute("SELECT id, erased_at FROM erased_note").fetchall()


def mark_from_row(row: tuple[Any, ...]) -> StageMark:
    id_, lesson, observer, stage_id, at = row
    try:
        return StageMark(
            id=_uuid(id_),
            lesson=_number(lesson),
            observer=_text(observer),
            stage_id=_uuid(stage_id) if stage_id is not None else None,
            at=_time(at),
        )
    except (ValueError, TypeError) as error:
        raise DamagedContent(f"stage mark {id_!r} cannot be read ({error})") from None


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
    """A document's body as its model object; DamagedContent if it is not one."""
    try:
        return structure(json.loads(body), documents.BODY_TYPES[kind], where=kind)
    except (ValueError, TypeError, KeyError, RecursionError, LessonStudyError) as error:
        raise DamagedContent(f"the {kind} document cannot be read ({error})") from None


def insert_study(con: sqlite3.Connection, study: Study) -> None:
    """Write every part of `study` as documents and rows (a new, empty file)."""
    for document, obj in documents_of(study):
        save_document(con, document.kind, document.key, to_json(obj), None, source="create")
    insert_notes(con, study.notes)
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


def read_study_id(con: sqlite3.Connection) -> UUID:
    row = con.execute("SELECT value FROM meta WHERE key = 'study_id'").fetchone()
    try:
        return UUID(_text(row[0] if row else None))
    except (ValueError, TypeError):
        raise DamagedContent("the study's id is missing or not an id") from None


def document_key(kind: str, obj: Any) -> str:
    """The key a document of `kind` is stored under: its lesson number or its id."""
    if kind == "lesson":
        return str(obj.number)
    if kind == "discussion":
        return str(obj.lesson)
    if kind == "interview":
        return str(obj.id)
    return ""


def structure_problems(con: sqlite3.Connection) -> list[str]:
    """Documents that do not read back as their model object, or sit under a key
    that does not match what they say (lesson 2's plan stored as lesson 3).
    Bodies that are not JSON at all are left to damage.find_damage."""
    return read_documents(con)[0]


# A document row as read_documents found it: its kind and key as stored, its name as
# describe_document gives it ("" where its body is not JSON text), and its model
# object (None where it does not read back as one).
ReadDocument = tuple[Any, Any, str, Any]


def read_documents(con: sqlite3.Connection) -> tuple[list[str], list[ReadDocument]]:
    """`structure_problems`, and every document row with its model object (None where
    it does not read back as one: its problem is among the problems, or left to
    damage.find_damage), each body parsed and structured once."""
    problems = []
    read: list[ReadDocument] = []
    for kind, key, body in con.execute("SELECT kind, key, body FROM document"):
        read.append((kind, key, "", None))
        if kind not in documents.BODY_TYPES or not isinstance(body, str):
            continue
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            continue
        name = describe_document(kind, key, data)
        read[-1] = (kind, key, name, None)
        try:
            obj = structure(data, documents.BODY_TYPES[kind], where=name)
        except RecursionError:
            problems.append(f"{name}: nested too deeply")
            continue
        except LessonStudyError as error:
            problems.append(str(error))
            continue
        read[-1] = (kind, key, name, obj)
        expected = document_key(kind, obj)
        if key != expected:
            problems.append(f"{name}: stored under key {key!r} but it says {expected!r}")
    return problems, read


def load_study(
    path: Path, con: sqlite3.Connection, lesson: int | None = None, *, with_notes: bool = True
) -> Study:
    """The whole study; the caller holds a transaction, so this is one snapshot.

    With `lesson`, only that lesson's notes and marks (every document still):
    a screen about one lesson need not read the others' thousands of notes.
    Without notes, no notes and no marks (a write-up that prints none)."""
    with collection_paused():
        return _load_study(path, con, lesson, with_notes=with_notes)


def _load_study(
    path: Path, con: sqlite3.Connection, lesson: int | None, *, with_notes: bool
) -> Study:
    where, args = ("WHERE lesson = ?", (lesson,)) if lesson is not None else ("", ())
    if not with_notes:
        where, args = "WHERE 0", ()
    docs = con.execute("SELECT kind, key, body FROM document").fetchall()
    notes = con.execute(f"SELECT {NOTE_COLUMNS} FROM note {where} ORDER BY seq", args).fetchall()
    marks = con.execute(
        f"SELECT id, lesson, observer, stage_id, at FROM stage_mark {where} ORDER BY at", args
    ).fetchall()
    study_id = read_study_id(con)
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
    study.notes = in_time_order([note_from_row(row) for row in notes])
    study.marks = [mark_from_row(row) for row in marks]
    open_house = study.open_house_lesson()  # its notes run on a timeline of their own
    place_notes(study.notes, [*study.lessons, *([open_house] if open_house else [])], study.marks)
    return study


def _interview_order(interview: Interview) -> tuple[int, bool, str, str]:
    started = interview.started.isoformat() if interview.started else ""
    return (interview.lesson, interview.started is None, started, str(interview.id))
