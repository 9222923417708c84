"""Merge another copy of the same study into this one.

Observers take notes offline in their own copies; merge brings them home.
Notes and stage marks are facts with UUIDs, so they are a union by id.
Edited documents use `document_history` (the hash of every revision): an edit
that builds on ours is taken (fast-forward), one made beside ours is kept as a
conflict next to ours. Nothing is dropped silently, and merging the same copy
twice changes nothing the second time.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import now
from lessonstudy.store.converter import to_json
from lessonstudy.store.damage import describe_document
from lessonstudy.store.rows import (
    NOTE_COLUMNS,
    NOTE_REVISION,
    body_hash,
    erase_note_rows,
    insert_mark,
    insert_note,
    keep_conflict,
    mark_from_row,
    note_from_row,
    note_values,
    read_erased,
    replace_note,
    structure_body,
)
from lessonstudy.store.study_file import StudyFile


@attrs.frozen
class MergeReport:
    """What a merge brought in. All zeros and no conflicts: nothing was new."""

    notes_added: int = 0
    notes_updated: int = 0
    marks_added: int = 0
    documents_added: int = 0
    documents_taken: int = 0  # their version built on ours: fast-forwarded
    conflicts: list[str] = attrs.field(factory=list)  # one human line per version kept aside

    @property
    def changed(self) -> bool:
        return bool(
            self.notes_added
            or self.notes_updated
            or self.marks_added
            or self.documents_added
            or self.documents_taken
            or self.conflicts
        )

    def summary(self) -> str:
        """One line: "3 notes added, 1 conflict kept" or "nothing new"."""
        counts = [
            (self.notes_added, "note", "added"),
            (self.notes_updated, "note", "updated"),
            (self.marks_added, "stage mark", "added"),
            (self.documents_added, "document", "added"),
            (self.documents_taken, "document", "updated from the other copy"),
            (len(self.conflicts), "conflict", "kept"),
        ]
        parts = [f"{n} {word}{'' if n == 1 else 's'} {what}" for n, word, what in counts if n]
        return ", ".join(parts) or "nothing new"


@attrs.define
class _Copy:
    """Everything read from the other copy, in one snapshot."""

    documents: list[tuple[str, str, int, str, str]]  # kind, key, revision, body, hash
    history: dict[tuple[str, str], list[tuple[int, str]]]  # (kind, key) -> [(revision, hash)]
    notes: list[tuple[Any, ...]]
    marks: list[tuple[Any, ...]]
    conflicts: list[tuple[str, str, str, str, str, str]]  # id, kind, key, body, hash, source
    erased: list[tuple[str, str]]  # notes erased for good there: (id, when)


def merge_into(target: StudyFile, other_path: Path) -> MergeReport:
    """Bring everything from the study file at `other_path` into `target`.

    The other file is only read. All changes to `target` happen in one
    transaction: a failure leaves it exactly as it was.
    """
    [report] = merge_all(target, [Path(other_path)])
    return report


def merge_all(target: StudyFile, other_paths: list[Path]) -> list[MergeReport]:
    """Bring in every copy, all of them or none: each is opened, checked and read
    first, then everything is written in one transaction, so a problem with the
    last copy leaves `target` exactly as it was (the copies are only read)."""
    target_id = target.study_id
    copies: list[tuple[Path, _Copy]] = []
    for other_path in other_paths:
        other_path = Path(other_path)
        with StudyFile.open(other_path, read_only=True) as other:
            if other.study_id != target_id:
                raise LessonStudyError(
                    f"{other_path}: a different study from {target.path.name}, not a copy of it "
                    f"(this one: {identity_words(other)}; {target.path.name}: "
                    f"{identity_words(target)}); nothing merged. Copies for observers are "
                    "made with 'lessonstudy backup'"
                )
            copies.append((other_path, _read_copy(other)))
    reports: list[MergeReport] = []
    scrub = False
    try:
        with target.transaction() as con:
            for other_path, copy in copies:
                report, erased = _merge_copy(con, copy, other_path)
                reports.append(report)
                scrub = scrub or erased
    except (ValueError, sqlite3.IntegrityError) as error:
        raise LessonStudyError(f"{target.path}: nothing merged ({error})") from None
    if scrub:
        target.scrub()  # an erasure came in: the old text leaves the file's free space too
    return reports


def identity_words(study_file: StudyFile) -> str:
    """How a person tells two studies apart: title, when and how the file was made."""
    with study_file.snapshot() as con:
        rows = dict(
            con.execute(
                "SELECT key, value FROM meta WHERE key IN ('created_at', 'made_from')"
            ).fetchall()
        )
        overview = con.execute(
            "SELECT json_extract(body, '$.title') FROM document WHERE kind = 'overview'"
        ).fetchone()
    title = overview[0] if overview and isinstance(overview[0], str) else ""
    made = str(rows.get("created_at", ""))[:16].replace("T", " ")
    how = rows.get("made_from", "")
    parts = [repr(title or "untitled")]
    if made:
        parts.append(f"made {made}")
    if how:
        parts.append(str(how))
    parts.append(f"id {str(study_file.study_id)[:8]}")
    return ", ".join(parts)


def _merge_copy(con: sqlite3.Connection, copy: _Copy, other_path: Path) -> tuple[MergeReport, bool]:
    """Merge one copy inside the caller's transaction; True too if it erased notes."""
    source = other_path.name
    counts = {"notes_added": 0, "notes_updated": 0, "marks_added": 0}
    documents_added = documents_taken = 0
    conflicts: list[str] = []
    erased = _merge_erasures(con, copy.erased)
    _merge_notes(con, copy.notes, counts, conflicts, source)
    counts["marks_added"] = _merge_marks(con, copy.marks)
    for kind, key, revision, body, digest in copy.documents:
        outcome = _merge_document(
            con, kind, key, revision, body, digest, copy.history, source, other_path
        )
        if outcome == "added":
            documents_added += 1
        elif outcome == "taken":
            documents_taken += 1
        elif outcome == "conflict":
            conflicts.append(
                f"{describe_document(kind, key, body)}: both copies edited it; "
                f"the version in {source} is kept as a conflict"
            )
    for id_, kind, key, body, digest, their_source in copy.conflicts:
        if kind == "note" and _is_erased(con, key):
            continue  # a kept version of an erased note: never brought back
        if _bring_conflict(con, id_, kind, key, body, digest, their_source):
            conflicts.append(
                f"{describe_document(kind, key, body)}: {source} had an unresolved "
                "conflicting version; it is kept as a conflict here too"
            )
    report = MergeReport(
        notes_added=counts["notes_added"],
        notes_updated=counts["notes_updated"],
        marks_added=counts["marks_added"],
        documents_added=documents_added,
        documents_taken=documents_taken,
        conflicts=conflicts,
    )
    return report, bool(erased)


def _is_erased(con: sqlite3.Connection, note_id: str) -> bool:
    return con.execute("SELECT 1 FROM erased_note WHERE id = ?", (note_id,)).fetchone() is not None


def _merge_erasures(con: sqlite3.Connection, erased: list[tuple[str, str]]) -> int:
    """Notes the copy erased are erased here too (their text goes); returns how many."""
    count = 0
    for note_id, erased_at in erased:
        if _is_erased(con, note_id):
            continue
        erase_note_rows(con, note_id, erased_at)
        count += 1
    return count


def _read_copy(other: StudyFile) -> _Copy:
    with other.snapshot() as con:
        documents = con.execute("SELECT kind, key, revision, body, hash FROM document").fetchall()
        history: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for kind, key, revision, digest in con.execute(
            "SELECT kind, key, revision, hash FROM document_history"
        ):
            history.setdefault((kind, key), []).append((revision, digest))
        notes = con.execute(f"SELECT {NOTE_COLUMNS} FROM note ORDER BY seq").fetchall()
        marks = con.execute("SELECT id, lesson, observer, stage_id, at FROM stage_mark").fetchall()
        conflicts = con.execute(
            "SELECT id, kind, key, body, hash, source FROM conflict WHERE dismissed = 0"
            " ORDER BY found_at"
        ).fetchall()
        erased = read_erased(con)
    return _Copy(documents, history, notes, marks, conflicts, erased)


def _merge_notes(
    con: sqlite3.Connection,
    rows: list[tuple[Any, ...]],
    counts: dict[str, int],
    conflicts: list[str],
    source: str,
) -> None:
    ours: dict[str, tuple[Any, ...]] = {
        row[0]: row for row in con.execute(f"SELECT {NOTE_COLUMNS} FROM note")
    }
    erased = {row[0] for row in con.execute("SELECT id FROM erased_note")}
    for row in rows:
        if row[0] in erased:
            continue  # erased for good here: the copy's text must not come back
        mine = ours.get(row[0])
        if mine == row:
            continue  # the same note, the same revision: the common case, kept cheap
        theirs = note_from_row(row)  # parses every field: a damaged row fails here
        if mine is None:
            insert_note(con, theirs)
            counts["notes_added"] += 1
            continue
        my_revision = mine[NOTE_REVISION]
        if theirs.revision > my_revision:
            if my_revision > 1:
                # Ours was corrected too; without a history of note versions we cannot
                # tell whether theirs builds on it, so ours is kept rather than dropped.
                mine_body = to_json(note_from_row(mine))
                if keep_conflict(
                    con, "note", row[0], mine_body, body_hash(mine_body), source="this copy"
                ):
                    conflicts.append(
                        f"{describe_document('note', row[0], mine_body)}: corrected in both "
                        f"copies; the version in {source} is now current, ours is kept "
                        "as a conflict"
                    )
            replace_note(con, theirs)
            counts["notes_updated"] += 1
        elif (theirs.revision == my_revision or theirs.revision > 1) and note_values(
            theirs
        ) != note_values(note_from_row(mine)):
            # Corrected there too (same revision, or an older correction while ours
            # went on): ours stays current, theirs is kept beside it, never dropped.
            # Both copies corrected the note from the same revision: ours stays,
            # theirs is kept beside it for the group to look at.
            body = to_json(theirs)
            if keep_conflict(con, "note", str(theirs.id), body, body_hash(body), source=source):
                conflicts.append(
                    f"{describe_document('note', str(theirs.id), body)}: both copies corrected it; "
                    f"the version in {source} is kept as a conflict"
                )


def _merge_marks(con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
    ours = {row[0] for row in con.execute("SELECT id FROM stage_mark")}
    added = 0
    for row in rows:
        if row[0] not in ours:
            insert_mark(con, mark_from_row(row))
            added += 1
    return added


def _merge_document(
    con: sqlite3.Connection,
    kind: str,
    key: str,
    revision: int,
    body: str,
    digest: str,
    their_history: dict[tuple[str, str], list[tuple[int, str]]],
    source: str,
    other_path: Path,
) -> str:
    """Merge one document; returns "same", "added", "taken", "ours" or "conflict"."""
    structure_body(other_path, kind, body)  # never bring in a body we could not read back
    history = their_history.get((kind, key), [])
    mine = con.execute(
        "SELECT revision, hash FROM document WHERE kind = ? AND key = ?", (kind, key)
    ).fetchone()
    if mine is None:
        con.execute(
            "INSERT INTO document VALUES (?, ?, ?, ?, ?, ?)",
            (kind, key, revision, body, digest, _now()),
        )
        _copy_history(con, kind, key, history, revision, digest)
        return "added"
    my_revision, my_hash = mine
    if my_hash == digest:
        return "same"
    my_history = {
        row[0]
        for row in con.execute(
            "SELECT hash FROM document_history WHERE kind = ? AND key = ?", (kind, key)
        )
    }
    if digest in my_history:
        return "ours"  # we already had their version and moved on from it
    if my_hash in {h for _revision, h in history}:
        # Their version builds on ours: take it. The revision only ever grows,
        # so a screen comparing revisions notices the change.
        new_revision = max(my_revision + 1, revision)
        con.execute(
            "UPDATE document SET revision = ?, body = ?, hash = ?, saved_at = ?"
            " WHERE kind = ? AND key = ?",
            (new_revision, body, digest, _now(), kind, key),
        )
        _copy_history(con, kind, key, history, new_revision, digest)
        return "taken"
    if keep_conflict(con, kind, key, body, digest, source=source):
        return "conflict"
    return "ours"  # kept as a conflict by an earlier merge already


def _copy_history(
    con: sqlite3.Connection,
    kind: str,
    key: str,
    history: list[tuple[int, str]],
    revision: int,
    digest: str,
) -> None:
    for their_revision, their_hash in [*history, (revision, digest)]:
        con.execute(
            "INSERT OR IGNORE INTO document_history VALUES (?, ?, ?, ?)",
            (kind, key, their_revision, their_hash),
        )


def _bring_conflict(
    con: sqlite3.Connection,
    id_: str,
    kind: str,
    key: str,
    body: str,
    digest: str,
    their_source: str,
) -> bool:
    """Copy a conflict the other copy had not resolved. False if nothing new."""
    current = con.execute(
        "SELECT hash FROM document WHERE kind = ? AND key = ?", (kind, key)
    ).fetchone()
    if current is not None and current[0] == digest:
        return False  # that version is what we have now: nothing to review
    cursor = con.execute(
        "INSERT OR IGNORE INTO conflict (id, kind, key, body, hash, source, found_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (id_, kind, key, body, digest, their_source, _now()),
    )
    return cursor.rowcount > 0


def _now() -> str:
    return now().isoformat()
