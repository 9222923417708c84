"""The study file: one SQLite database per study, used as an application file.

Every connection runs in autocommit mode with WAL, a busy timeout and
`BEGIN IMMEDIATE` for each write, so several processes (observers, a merge,
the planning app) can write to one file at once without "database is locked"
and without ever leaving it half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import attrs

from lessonstudy.bulk import collection_paused
from lessonstudy.errors import LessonStudyError
from lessonstudy.files import building, os_error
from lessonstudy.model import (
    OPEN_HOUSE_LESSON,
    Discussion,
    Observation,
    ResearchLesson,
    StageMark,
    Study,
    now,
)
from lessonstudy.process import Timeline, placed, timeline_of
from lessonstudy.store import documents, found_sound, open_checks, schema, summary, three_way
from lessonstudy.store.connection import (
    check_readable,
    check_writable,
    closed_if_refused,
    connect,
    damaged,
    explain,
    migrate_if_older,
    write_transaction,
)
from lessonstudy.store.converter import structure, to_json, unstructure
from lessonstudy.store.copies import copy_into, move_into_place
from lessonstudy.store.documents import Document, Versioned
from lessonstudy.store.rows import (
    MARK_COLUMNS,
    NOTE_COLUMNS,
    Conflict,
    DamagedContent,
    Saved,
    body_hash,
    erase_note_rows,
    in_time_order,
    insert_mark,
    insert_note,
    insert_study,
    keep_conflict,
    load_study,
    mark_from_row,
    note_from_row,
    read_erased,
    read_study_id,
    replace_note,
    save_document,
    structure_body,
)

__all__ = ["AlreadyExists", "Conflict", "NoSuchDocument", "Saved", "StudyFile"]

T = TypeVar("T")


class AlreadyExists(LessonStudyError):
    """A new study file was asked for where a file is already (never overwritten)."""


class NoSuchDocument(LessonStudyError):
    """A document the study cannot have was asked for (the plan of RL7 of three)."""


# Seconds without a commit before the app copies the write-ahead log into the file.
SETTLE_AFTER_IDLE = 1.0


class StudyFile:
    """An open study file. Use as a context manager, or call close()."""

    def __init__(self, path: Path, con: sqlite3.Connection, *, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._con = con
        self._wrote = False
        self._checks: open_checks.Alongside | None = None  # open_to_make's, until the end
        # When this connection last committed, while its commits are still only in the
        # write-ahead log (settle() copies them into the study file itself).
        self._unsettled_since: float | None = None
        # plan key -> (plan revision, its stage ids): placing notes on the timeline
        # needs only the ids, not the whole plan read through the converter.
        self._stage_ids: dict[str, tuple[int, tuple[UUID, ...]]] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(
        cls, path: str | os.PathLike[str], study: Study, *, made_from: str = "new"
    ) -> StudyFile:
        """Create a new study file holding `study`. Refuses to overwrite anything.

        `made_from` says how ("new", "imported from x.json", "a copy of the
        example"): with the time it was made, it tells two studies apart."""
        create_file(path, study, made_from=made_from)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False) -> StudyFile:
        """Open a study file, refusing anything that is not a sound study of ours."""
        path = Path(path)
        check_readable(path)
        if not read_only:
            check_writable(path)
        con = connect(path, read_only=read_only)
        with closed_if_refused(con, path):
            if found_sound.is_known_sound(path):
                migrate_if_older(con, path, read_only=read_only)
                return cls(path, con, read_only=read_only)
            with found_sound.checking(path):
                # SQLite's own check first: never migrate (write) into a damaged file.
                problem = open_checks.sqlite_problem(con)
                if problem:
                    raise damaged(path, problem)
                migrate_if_older(con, path, read_only=read_only)
                # A damaged file is never read as if it were sound, nor written into
                # (about 35 ms on a 9,000-note study).
                open_checks.refuse_content_damage(con, path)
        return cls(path, con, read_only=read_only)

    @classmethod
    def open_to_make(cls, path: str | os.PathLike[str]) -> StudyFile:
        """Open read-only for a command that makes something from the study (a
        write-up), with `open`'s checks run alongside in threads
        (`open_checks.Alongside`) rather than first. Use it in a `with` block and let
        nothing made from the file leave the block: at its end the checks' verdict
        comes, raising as `open` would for a file that is not sound (in place of
        whatever reading it went wrong with)."""
        path = Path(path)
        check_readable(path)
        if path.stat().st_size < open_checks.ALONGSIDE_FROM_BYTES or found_sound.is_known_sound(
            path
        ):
            return cls.open(path, read_only=True)  # checked first: quicker than threads
        con = connect(path, read_only=True)
        with closed_if_refused(con, path):
            migrate_if_older(con, path, read_only=True)
        study_file = cls(path, con, read_only=True)
        study_file._checks = open_checks.Alongside(path)
        return study_file

    def close(self) -> None:
        if self._checks is not None:
            self._checks.wait()  # their connections closed before this one
        try:
            if self._wrote:
                self.refresh_summary()
        except LessonStudyError:
            pass  # the summary is only a cache: never fail a close over it
        finally:
            self._con.close()

    def refresh_summary(self) -> None:
        """Rebuild the cached at-a-glance summary that `lessonstudy info` prints.

        Built from a read snapshot, so other writers never wait on it; written
        only if nothing changed meanwhile (otherwise the next close rebuilds it).
        """
        con = self._con
        if summary.read_cached(con) is not None:
            return
        with self.snapshot():
            built_from = summary.stamp(con)
            study = load_study(self.path, con)
            conflicts = con.execute("SELECT count(*) FROM conflict WHERE dismissed = 0").fetchone()[
                0
            ]
        glance = summary.build(study, conflicts)
        with self._write():
            if summary.stamp(con) == built_from:
                summary.write_cached(con, glance)

    def __enter__(self) -> StudyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            # A file found damaged says so, also in place of whatever went wrong
            # reading it; a sound one lets an error of the reading through.
            self.confirm_sound()
        finally:
            self.close()

    def confirm_sound(self) -> None:
        """Opened by open_to_make: wait for the file's checks and raise as `open` would
        if it is not sound. Call before anything made from the file leaves (the end
        of the `with` block calls it too). Opened otherwise: checked already."""
        if self._checks is not None:
            self._checks.verdict()

    # ------------------------------------------------------------------ reading

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """What goes wrong while reading, as one line: a full disk or a busy file
        said as such, content the program did not write as damage."""
        try:
            yield
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise explain(self.path, error) from None
        except DamagedContent as error:
            raise damaged(self.path, error) from None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction for a consistent view, closed as soon as we are done."""
        with self._reading():
            self._con.execute("BEGIN")
            try:
                yield self._con
            finally:
                if self._con.in_transaction:
                    self._con.execute("ROLLBACK")  # a read: nothing to keep

    @property
    def study_id(self) -> UUID:
        with self._reading():
            return read_study_id(self._con)

    def settle(self, *, after_idle: float = SETTLE_AFTER_IDLE) -> bool:
        """Copy what was committed from the write-ahead log into the study file itself
        once writing has paused for `after_idle` seconds, so that a copy of the file
        made while the app is open (a USB stick, an e-mail) holds the work. PASSIVE:
        it neither waits for nor blocks another writer; a busy log is settled at the
        next pause. Cheap when there is nothing to do. True if it settled."""
        since = self._unsettled_since
        if since is None or self.read_only or time.monotonic() - since < after_idle:
            return False
        try:
            busy, _log, _done = self._con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return False  # locked or busy now: tried again at the next pause
        if busy:
            return False
        self._unsettled_since = None
        return True

    def data_version(self) -> int:
        """Changes when another connection commits: cheap to poll."""
        with self._reading():
            version: int = self._con.execute("PRAGMA data_version").fetchone()[0]
        return version

    def load(self, lesson: int | None = None, *, notes: bool = True) -> Study:
        """The whole study, as one consistent snapshot; with `lesson`, only that
        lesson's notes and stage marks (every document all the same); with
        `notes=False`, no notes or marks at all (a write-up that prints none)."""
        with self.snapshot() as con:
            return load_study(self.path, con, lesson, with_notes=notes)

    def read(self, document: Document[T]) -> Versioned[T]:
        """One document and its revision; never saved: its default, at revision 0.

        Raises NoSuchDocument for a document the study cannot have (the plan or
        the discussion of a lesson it does not have)."""
        with self._reading():
            row = self._con.execute(
                "SELECT body, revision FROM document WHERE kind = ? AND key = ?",
                (document.kind, document.key),
            ).fetchone()
            if row is not None:
                body: T = structure_body(self.path, document.kind, row[0])
                return Versioned(body, row[1])
        within = document.within
        if document.make_default is None or (within is not None and not self.revision(within)):
            raise NoSuchDocument(f"{self.path}: {document.words} is not in this study")
        return Versioned(document.make_default(), 0)

    def find(self, document: Document[T]) -> Versioned[T] | None:
        """As `read`, but None for a document the study cannot have."""
        try:
            return self.read(document)
        except NoSuchDocument:
            return None

    def revision(self, document: Document[Any]) -> int:
        """A document's current revision (0: never saved), without reading its body."""
        with self._reading():
            row = self._con.execute(
                "SELECT revision FROM document WHERE kind = ? AND key = ?",
                (document.kind, document.key),
            ).fetchone()
        return row[0] if row else 0

    def revisions(self) -> dict[tuple[str, str], int]:
        """Every document's current revision: what a screen compares to refresh."""
        with self._reading():
            rows = self._con.execute("SELECT kind, key, revision FROM document").fetchall()
        return {(kind, key): revision for kind, key, revision in rows}

    def watch_state(self) -> tuple[dict[tuple[str, str], int], int, int, int]:
        """What tells one moment of the file from another, in one snapshot and a few
        index lookups (no scan of the notes): every document's revision, the last
        note seq, the last stage mark's rowid and how many conflicts wait."""
        with self.snapshot() as con:
            documents = con.execute("SELECT kind, key, revision FROM document").fetchall()
            (note_seq,) = con.execute("SELECT coalesce(max(seq), 0) FROM note").fetchone()
            (mark_seq,) = con.execute("SELECT coalesce(max(rowid), 0) FROM stage_mark").fetchone()
            (conflicts,) = con.execute(
                "SELECT count(*) FROM conflict WHERE dismissed = 0"
            ).fetchone()
        return {(kind, key): rev for kind, key, rev in documents}, note_seq, mark_seq, conflicts

    def lessons_changed(
        self, after_note_seq: int, after_mark_seq: int
    ) -> tuple[set[int], set[int]]:
        """The lessons with a note added or changed after `after_note_seq`, and those
        with a stage mark added after `after_mark_seq` (both found through an index)."""
        # No DISTINCT: with it SQLite scans the (lesson, at) index, all of it
        # (30 ms at 90,000 notes), instead of the few rows past `after_note_seq`.
        with self.snapshot() as con:
            notes = con.execute(
                "SELECT lesson FROM note WHERE seq > ?", (after_note_seq,)
            ).fetchall()
            marks = con.execute(
                "SELECT lesson FROM stage_mark WHERE rowid > ?", (after_mark_seq,)
            ).fetchall()
        return {lesson for (lesson,) in notes}, {lesson for (lesson,) in marks}

    def lesson_counts(self) -> dict[int, tuple[int, int]]:
        """How many notes (deleted ones too) and stage marks each lesson has, by
        lesson number: counted on the lessons' indexes, no note is read (90,000
        notes: 5 ms, against 600 ms to load them)."""
        with self.snapshot() as con:
            notes = dict(con.execute("SELECT lesson, count(*) FROM note GROUP BY lesson"))
            marks = dict(con.execute("SELECT lesson, count(*) FROM stage_mark GROUP BY lesson"))
        return {n: (notes.get(n, 0), marks.get(n, 0)) for n in sorted(notes.keys() | marks.keys())}

    def lesson_numbers(self) -> list[int]:
        """The research lessons that have a plan document, in order."""
        with self._reading():
            rows = self._con.execute("SELECT key FROM document WHERE kind = 'lesson'").fetchall()
        return sorted(int(key) for (key,) in rows if key.isdigit())

    def notes(self, lesson: int | None = None, *, after_seq: int = 0) -> list[Observation]:
        """Notes (deleted ones too), in time order; only those changed after `after_seq`.

        A note whose stage nobody chose comes with the stage running at its time
        on its lesson's timeline, as the file has it now."""
        sql = f"SELECT {NOTE_COLUMNS} FROM note WHERE seq > ?"
        args: list[object] = [after_seq]
        if lesson is not None:
            # The notes changed since a recent one are few: found by their sequence
            # number. Left to itself SQLite went through the lesson's index instead,
            # every note of the lesson and a sort (90,000 notes: 6 ms against 0.02 ms).
            # `+lesson` keeps that index out of it.
            sql += " AND +lesson = ?" if after_seq else " AND lesson = ?"
            args.append(lesson)
        with self.snapshot() as con, collection_paused():
            rows = con.execute(sql + " ORDER BY seq", args).fetchall()
            notes = [note_from_row(row) for row in rows]
            numbers = {note.lesson for note in notes if not note.stage_chosen}
            timelines = {number: self._timeline(con, number) for number in numbers}
        return in_time_order(
            note if note.stage_chosen else placed(note, timelines[note.lesson]) for note in notes
        )

    def timeline(self, lesson: int) -> Timeline:
        """The lesson's one timeline (its stage marks and the stages of its plan now)."""
        with self.snapshot() as con:
            return self._timeline(con, lesson)

    def timeline_in(self, con: sqlite3.Connection, lesson: int) -> Timeline:
        """The lesson's timeline inside a snapshot the caller holds (see snapshot())."""
        return self._timeline(con, lesson)

    def _timeline(self, con: sqlite3.Connection, lesson: int) -> Timeline:
        rows = con.execute(
            f"SELECT {MARK_COLUMNS} FROM stage_mark WHERE lesson = ?", (lesson,)
        ).fetchall()
        return timeline_of(lesson, self._plan_stage_ids(con, lesson), map(mark_from_row, rows))

    def _plan_stage_ids(self, con: sqlite3.Connection, lesson: int) -> tuple[UUID, ...]:
        key = _plan_key(con, lesson)
        row = con.execute(
            "SELECT revision, body FROM document WHERE kind = 'lesson' AND key = ?", (key,)
        ).fetchone()
        if row is None:
            return ()
        revision, body = row
        cached = self._stage_ids.get(key)
        if cached is not None and cached[0] == revision:
            return cached[1]
        try:
            stages = json.loads(body).get("stages") or []
            ids = tuple(UUID(stage["id"]) for stage in stages)
        except (ValueError, TypeError, KeyError, AttributeError):
            ids = ()  # a damaged plan: `check` says so; its notes read as unplaced
        self._stage_ids[key] = (revision, ids)
        return ids

    def last_seq(self) -> int:
        with self._reading():
            seq: int = self._con.execute("SELECT coalesce(max(seq), 0) FROM note").fetchone()[0]
        return seq

    def marks(self, lesson: int | None = None, *, after_seq: int = 0) -> list[StageMark]:
        """Stage marks in time order; only those added after `after_seq` (see mark_seq)."""
        sql = f"SELECT {MARK_COLUMNS} FROM stage_mark WHERE rowid > ?"
        args: list[object] = [after_seq]
        if lesson is not None:
            sql += " AND lesson = ?"
            args.append(lesson)
        with self._reading():
            rows = self._con.execute(sql + " ORDER BY at", args).fetchall()
            return [mark_from_row(row) for row in rows]

    def mark_seq(self) -> int:
        """Grows with every stage mark added (marks are never changed in place, except
        when a stage is removed from a plan, which changes the plan too)."""
        seq: int = self._con.execute("SELECT coalesce(max(rowid), 0) FROM stage_mark").fetchone()[0]
        return seq

    def conflicts(self) -> list[Conflict]:
        with self._reading():
            rows = self._con.execute(
                "SELECT id, kind, key, body, source, found_at FROM conflict WHERE dismissed = 0"
                " ORDER BY found_at"
            ).fetchall()
        return [Conflict(*row) for row in rows]

    # ------------------------------------------------------------------ writing

    def save(self, document: Document[T], obj: T, base_revision: int | None) -> Saved:
        """Save a document edited from `base_revision` (None: overwrite whatever is there).

        If someone else saved a newer revision meanwhile, this save still lands
        (it is what the user is looking at) and their version is kept as a
        conflict, shown to the group; neither is lost.
        """
        body = to_json(obj)
        with self._write() as con:
            return save_document(
                con, document.kind, document.key, body, base_revision, source="edit"
            )

    def save_edit(self, document: Document[T], base: T, obj: T, base_revision: int | None) -> Saved:
        """Save `obj`, edited from `base` (read at `base_revision`).

        If someone else saved meanwhile, only the fields this edit changed are put
        onto their version (a three-way merge): their other changes stay, and one's
        own successive edits (two windows, a quick burst) never clash. Only a field
        both changed, differently, keeps their version aside as a conflict (ours,
        what the user sees, lands). `Saved.merged` is then what was saved.
        """
        with self._write() as con:
            row = con.execute(
                "SELECT revision, body FROM document WHERE kind = ? AND key = ?",
                (document.kind, document.key),
            ).fetchone()
            if row is None or base_revision is None or row[0] == base_revision:
                return save_document(
                    con, document.kind, document.key, to_json(obj), base_revision, source="edit"
                )
            current_revision, current_body = row
            merged, clashes = three_way.merge(
                unstructure(base), unstructure(obj), json.loads(current_body)
            )
            value = structure(merged, document.body_type, where=str(self.path))
            saved = save_document(
                con,
                document.kind,
                document.key,
                to_json(value),
                base_revision if clashes else current_revision,
                source="edit",
            )
        return attrs.evolve(saved, merged=value)

    def add_note(self, note: Observation) -> bool:
        """Add a note; False if a note with its id is there already.

        A note's id is made where it is typed (a terminal, a phone), so a note
        sent twice over a flaky connection is stored once, and a late copy never
        overwrites a correction made meanwhile.
        """
        with self._write() as con:
            if con.execute("SELECT 1 FROM note WHERE id = ?", (str(note.id),)).fetchone():
                return False
            insert_note(con, note)
            return True

    def add_notes(self, notes: list[Observation]) -> None:
        """Add many notes in one transaction: all of them, or none."""
        with self._write() as con:
            for note in notes:
                insert_note(con, note)

    def update_note(self, note: Observation, base: Observation | None = None) -> Observation:
        """Save a corrected (or deleted / restored, or placed) note; returns it as saved.

        `base` is the note as it was when the correction began (`note.revision`
        is its revision). Only the fields the correction changed are written, onto
        the note as it is in the file now: a change someone else made meanwhile
        to another field stays, and one's own quick successive edits never clash.
        Only when both changed the same field differently is theirs kept aside as
        a conflict (this one, what the user sees, lands): neither is lost.
        """
        with self._write() as con:
            row = con.execute(
                f"SELECT {NOTE_COLUMNS} FROM note WHERE id = ?", (str(note.id),)
            ).fetchone()
            if row is None:
                raise LessonStudyError(f"{self.path}: no note with id {note.id}")
            current = note_from_row(row)
            if base is None:
                changed = _note_fields(note)
                clash = current.revision != note.revision
            else:
                mine, before, theirs = _stored(note), _stored(base), _stored(current)
                changed = {f for f in _note_fields(mine) if getattr(mine, f) != getattr(before, f)}
                clash = current.revision != base.revision and any(
                    getattr(theirs, f) not in (getattr(before, f), getattr(mine, f))
                    for f in changed
                )
            if clash:
                keep_conflict(
                    con,
                    "note",
                    str(note.id),
                    to_json(current),
                    body_hash(to_json(current)),
                    source="edit",
                )
            updated = attrs.evolve(
                current,
                revision=current.revision + 1,
                **{name: getattr(note, name) for name in changed},
            )
            replace_note(con, updated)
        return updated

    def erased_notes(self) -> set[UUID]:
        """The notes erased for good in this file."""
        with self._reading():
            rows = read_erased(self._con)
        return {UUID(row[0]) for row in rows}

    def erase_notes(self, note_ids: list[UUID]) -> bool:
        """Erase notes for good: their text leaves the file (not only the screen).

        A deleted note keeps its text (undo, and the record of what was seen);
        a note holding a child's real name must lose it. The text is blanked and
        every kept version dropped in one transaction, recorded as erased so no
        merge brings it back, then the file is scrubbed (see `scrub`). True if
        nothing of the old text is left in the file; False if another program
        has the study open, so the journal could not be emptied yet (it is when
        the last program closes it)."""
        stamp = now().isoformat()
        with self._write() as con:
            for note_id in note_ids:
                if not erase_note_rows(con, str(note_id), stamp):
                    raise LessonStudyError(f"{self.path}: no note with id {note_id}")
        return self.scrub()

    def scrub(self) -> bool:
        """Leave no old text in the file: rebuild it (VACUUM: free pages and freed
        space inside pages from before secure_delete are dropped), then fold the
        journal (-wal) into it and empty it. True if the journal was emptied."""
        try:
            self._con.execute("VACUUM")
            busy, _log, _done = self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise explain(self.path, error, "the erased text may still be in the file") from None
        return bool(busy == 0)

    def remove_stage(
        self, lesson: int, stage_id: UUID, move_to: UUID | None, base_revision: int | None
    ) -> Saved:
        """Take a stage out of a lesson's plan with everything that points at it, in one
        transaction: notes placed in it and the timeline's marks of it go to `move_to`
        (so notes the timeline places follow), the group's observed summaries are
        added to that stage's, and the group's judgements of it move there (where
        that stage has none). `move_to` None only for a stage nothing points at."""
        key = documents.lesson(lesson)
        with self._write() as con:
            row = con.execute(
                "SELECT body FROM document WHERE kind = 'lesson' AND key = ?", (key.key,)
            ).fetchone()
            plan: ResearchLesson | None = (
                structure_body(self.path, "lesson", row[0]) if row else None
            )
            stage = plan.stage_by_id(stage_id) if plan else None
            if plan is None or stage is None:
                raise LessonStudyError(f"{self.path}: RL{lesson}'s plan has no such stage")
            target = plan.stage_by_id(move_to) if move_to is not None else None
            if move_to is not None and (target is None or move_to == stage_id):
                raise LessonStudyError(f"{self.path}: notes can only move to another stage")
            chosen = con.execute(
                f"SELECT {NOTE_COLUMNS} FROM note WHERE lesson = ? AND stage_chosen = 1"
                " AND stage_id = ?",
                (lesson, str(stage_id)),
            ).fetchall()
            marked = con.execute(
                "SELECT count(*) FROM stage_mark WHERE lesson = ? AND stage_id = ?",
                (lesson, str(stage_id)),
            ).fetchone()[0]
            if target is None and (chosen or marked):
                raise LessonStudyError(
                    f"{self.path}: stage {plan.stage_number(stage_id)} of RL{lesson} has notes: "
                    "say which stage they go to"
                )
            if target is not None:
                for label, text in stage.observed.items():
                    if text.strip():
                        kept = target.observed.get(label, "").strip()
                        target.observed[label] = f"{kept}\n{text.strip()}" if kept else text
                if stage.patterns.strip():
                    kept = target.patterns.strip()
                    patterns = stage.patterns.strip()
                    target.patterns = f"{kept}\n{patterns}" if kept else patterns
            plan.stages.remove(stage)
            body = to_json(plan)
            saved = save_document(con, "lesson", key.key, body, base_revision, source="edit")
            for note_row in chosen:
                note = note_from_row(note_row)
                replace_note(con, attrs.evolve(note, stage_id=move_to, revision=note.revision + 1))
            if target is not None:
                con.execute(
                    "UPDATE stage_mark SET stage_id = ? WHERE lesson = ? AND stage_id = ?",
                    (str(move_to), lesson, str(stage_id)),
                )
            self._move_judgements(con, lesson, stage_id, move_to)
        return saved

    def _move_judgements(
        self, con: sqlite3.Connection, lesson: int, stage_id: UUID, move_to: UUID | None
    ) -> None:
        key = documents.discussion(lesson).key
        row = con.execute(
            "SELECT body FROM document WHERE kind = 'discussion' AND key = ?", (key,)
        ).fetchone()
        if row is None:
            return
        discussion: Discussion = structure_body(self.path, "discussion", row[0])
        moving = [j for j in discussion.judgements if j.stage_id == stage_id]
        if not moving:
            return
        for item in moving:
            discussion.set_judgement(stage_id, item.pupil, None)
            if move_to is not None and discussion.judgement(move_to, item.pupil) is None:
                discussion.set_judgement(move_to, item.pupil, item.judgement)
        save_document(con, "discussion", key, to_json(discussion), None, source="edit")

    def add_mark(self, mark: StageMark) -> bool:
        """Add a stage mark; False if one with its id is there already (sent twice)."""
        with self._write() as con:
            if con.execute("SELECT 1 FROM stage_mark WHERE id = ?", (str(mark.id),)).fetchone():
                return False
            insert_mark(con, mark)
            return True

    def dismiss_conflict(self, conflict_id: str) -> None:
        with self._write() as con:
            # Kept, hidden: merging the same copy again must not bring it back.
            con.execute("UPDATE conflict SET dismissed = 1 WHERE id = ?", (conflict_id,))

    def backup(self, dest: str | os.PathLike[str]) -> None:
        """A complete, consistent copy (a plain file copy can miss WAL content)."""
        # Opened by open_to_make: the checks' verdict comes before the copy takes its name.
        copy_into(self._con, Path(dest), read_only=self.read_only, before_moving=self.confirm_sound)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise LessonStudyError(f"{self.path}: opened read-only")
        try:
            with write_transaction(self._con) as con:
                yield con
            self._wrote = True
            self._unsettled_since = time.monotonic()
        except sqlite3.IntegrityError as error:
            raise LessonStudyError(f"{self.path}: could not save ({error})") from None
        except (sqlite3.Error, UnicodeDecodeError) as error:
            raise explain(
                self.path, error, "nothing was saved and the study is as it was before"
            ) from None
        except DamagedContent as error:
            raise damaged(self.path, error) from None

    # The merge module works at the row level inside one transaction.
    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._write()


def _note_fields(note: Observation) -> set[str]:
    """What a correction may change: everything but the note's identity and revision."""
    return {f.name for f in attrs.fields(Observation)} - {"id", "revision"}


def _stored(note: Observation) -> Observation:
    """A note as the file keeps it: a stage the timeline gave is not the note's own."""
    return note if note.stage_chosen else attrs.evolve(note, stage_id=None)


def _plan_key(con: sqlite3.Connection, lesson: int) -> str:
    """The plan a lesson's timeline runs on: its own; for the open house, the plan it
    teaches (the lesson chosen for it, else the last), as Study.open_house_plan says."""
    if lesson != OPEN_HOUSE_LESSON:
        return str(lesson)
    numbers = {
        int(key)
        for (key,) in con.execute("SELECT key FROM document WHERE kind = 'lesson'")
        if key.isdigit()
    }
    row = con.execute("SELECT body FROM document WHERE kind = 'open_house'").fetchone()
    try:
        chosen = json.loads(row[0]).get("lesson") if row else None
    except (ValueError, TypeError, AttributeError):
        chosen = None  # a damaged document: `check` says so
    if chosen in numbers:
        return str(chosen)
    return str(max(numbers)) if numbers else ""


def create_file(path: str | os.PathLike[str], study: Study, *, made_from: str = "new") -> None:
    """StudyFile.create, leaving the file closed: for a caller that only makes it
    (`lessonstudy import`), not opening it again saves SQLite's integrity check
    and the rows' checks of what was written a moment ago."""
    path = Path(path)
    if path.exists():
        raise AlreadyExists(f"{path}: already exists; choose another name")
    if not path.parent.exists():
        raise LessonStudyError(f"{path.parent}: no such folder")
    check_writable(path)
    # Build the whole study in a side file, then move it into place: the
    # target either does not exist or is complete, never half-written.
    try:
        with building(path) as partial:
            _build(partial, path, study, made_from)
    except FileExistsError:
        raise AlreadyExists(f"{path}: already exists; choose another name") from None
    except OSError as error:
        raise os_error(path, error, "cannot be created") from None
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise explain(path, error, "nothing was created") from None


def _build(partial: Path, path: Path, study: Study, made_from: str) -> None:
    """Write the whole study into `partial`, then move it to `path`."""
    con = connect(partial, read_only=False)
    try:
        with write_transaction(con):
            schema.migrate(con, 0)
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("study_id", str(study.id)),
                    ("created_at", now().isoformat()),
                    ("made_from", made_from),
                ],
            )
            insert_study(con, study)
            summary.write_cached(con, summary.build(study, 0))
        con.execute("PRAGMA journal_mode = DELETE")  # fold the WAL in before moving
        # ...and leave the file in WAL mode, as every open expects: a file made
        # without being opened again (create_file) would otherwise be switched
        # by its first open, a write even when what opened it then refuses.
        # (Closing the last connection removes the empty -wal and -shm.)
        con.execute("PRAGMA journal_mode = WAL")
    finally:
        con.close()
    move_into_place(partial, path)
