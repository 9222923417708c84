"""What another process changed in the study file, said so that a screen can
refresh only that: which documents (by revision), which lessons' notes and
stage marks (by sequence number), whether conflicts came or went.

Textual-free: the app's watcher (tui.live) builds a `Change` each time
`PRAGMA data_version` moves, and hands it to the screens with `StudyChanged`.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lessonstudy.store import StudyFile


@attrs.frozen
class StudyState:
    """One moment of the file, as far as a screen cares."""

    revisions: Mapping[tuple[str, str], int]
    note_seq: int
    mark_seq: int
    conflicts: int


@attrs.frozen
class Change:
    """What differs between two moments of the file."""

    documents: frozenset[tuple[str, str]] = frozenset()  # (kind, key) saved, added or gone
    note_lessons: frozenset[int] = frozenset()  # lessons with a note added or changed
    mark_lessons: frozenset[int] = frozenset()  # lessons whose clock moved
    conflicts: bool = False  # a conflict was kept or dismissed

    def __bool__(self) -> bool:
        return bool(self.documents or self.note_lessons or self.mark_lessons or self.conflicts)

    def document(self, kind: str, key: str | None = None) -> bool:
        """Whether a document of `kind` (with `key`: that one) changed."""
        return any(k == kind and (key is None or name == key) for k, name in self.documents)

    def notes(self, lesson: int | None = None) -> bool:
        """Whether notes changed (of `lesson`, if given): added, corrected, deleted."""
        return bool(self.note_lessons) if lesson is None else lesson in self.note_lessons

    def notes_only(self) -> bool:
        """Only notes changed: nothing a screen edits or plans by (observers writing)."""
        return bool(self.note_lessons) and not (
            self.documents or self.mark_lessons or self.conflicts
        )

    def marks(self, lesson: int | None = None) -> bool:
        """Whether a lesson's clock moved (that lesson's, if given)."""
        return bool(self.mark_lessons) if lesson is None else lesson in self.mark_lessons


def state_of(study_file: StudyFile) -> StudyState:
    revisions, note_seq, mark_seq, conflicts = study_file.watch_state()
    return StudyState(revisions, note_seq, mark_seq, conflicts)


def change_between(study_file: StudyFile, old: StudyState, new: StudyState) -> Change:
    """What changed from `old` to `new` (`new` read after `old`)."""
    documents = {
        key
        for key in old.revisions.keys() | new.revisions.keys()
        if old.revisions.get(key) != new.revisions.get(key)
    }
    note_lessons: set[int] = set()
    mark_lessons: set[int] = set()
    if new.note_seq != old.note_seq or new.mark_seq != old.mark_seq:
        # Read now, so it may include what was committed since `new`: a change
        # said early is refreshed once more, never missed.
        note_lessons, mark_lessons = study_file.lessons_changed(old.note_seq, old.mark_seq)
    return Change(
        frozenset(documents),
        frozenset(note_lessons),
        frozenset(mark_lessons),
        new.conflicts != old.conflicts,
    )
