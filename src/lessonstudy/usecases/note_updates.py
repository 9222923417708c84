"""A screen's copy of the notes, brought up to date with only what changed.

A screen that shows notes reads them once, then, when another process adds or
corrects some, reads only the notes changed since the highest sequence number
it has seen (`StudyFile.notes(after_seq=...)`) and merges them in by id:
reading a lesson's 30,000 notes again for each new one would keep the screen
busy for as long as observers write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lessonstudy.model import Observation
from lessonstudy.store.rows import in_time_order


def with_changed_notes(
    notes: Sequence[Observation], changed: Iterable[Observation]
) -> list[Observation]:
    """`notes` with each of `changed` in its place, in time order: a note seen before
    is replaced by its newer version (corrected, starred, deleted), a new one added."""
    by_id = {note.id: note for note in notes}
    for note in changed:
        by_id[note.id] = note
    return in_time_order(by_id.values())
