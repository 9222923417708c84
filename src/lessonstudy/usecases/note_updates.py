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
    """`notes` (in time order) with each of `changed` in its place, in time order: a
    note seen before is replaced by its newer version (corrected, starred, deleted),
    a new one added."""
    changed = list(changed)
    newest = notes[-1].at if notes else None
    if newest is not None and all(n.revision == 1 and n.at >= newest for n in changed):
        # Observers writing now: new notes (every correction has a later revision),
        # none older than the last shown. Only the notes of that last instant can be
        # the same notes again: the rest stays as it is, and only that tail is merged
        # and sorted (30,000 notes: well under a millisecond, against about 5 ms).
        start = len(notes)
        while start > 0 and notes[start - 1].at >= newest:
            start -= 1
        return [*notes[:start], *in_time_order(_merged(notes[start:], changed))]
    return in_time_order(_merged(notes, changed))


def _merged(notes: Iterable[Observation], changed: list[Observation]) -> list[Observation]:
    by_id = {note.id: note for note in notes}
    for note in changed:
        by_id[note.id] = note
    return list(by_id.values())
