"""usecases.note_updates: a screen's notes brought up to date with only what changed."""

from __future__ import annotations

import datetime as dt
import uuid

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonstudy.model import Observation
from lessonstudy.store.rows import in_time_order
from lessonstudy.usecases.note_updates import with_changed_notes

START = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)


def made(minute: int, text: str = "note") -> Observation:
    return Observation(
        lesson=1,
        observer="Ruth",
        at=START + dt.timedelta(minutes=minute),
        about="A",
        text=text,
        id=uuid.uuid4(),
    )


def merged_in_full(notes: list[Observation], changed: list[Observation]) -> list[Observation]:
    """What a screen had to do for every change: every note merged by id and sorted."""
    by_id = {note.id: note for note in notes}
    for note in changed:
        by_id[note.id] = note
    return in_time_order(by_id.values())


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.lists(st.integers(min_value=0, max_value=6), max_size=12),
    new_minutes=st.lists(st.integers(min_value=0, max_value=8), max_size=5),
    again=st.lists(st.integers(min_value=0, max_value=11), max_size=3),
    corrected=st.lists(st.tuples(st.integers(min_value=0, max_value=11), st.integers(0, 8))),
)
def test_the_same_notes_as_merging_every_note_again(minutes, new_minutes, again, corrected):
    """New notes, the same notes delivered twice, corrections (a later revision, maybe
    at another time), in any mix: the same list, in the same order, as the full merge."""
    notes = in_time_order(made(m, f"n{i}") for i, m in enumerate(minutes))
    changed = [made(m, f"new{i}") for i, m in enumerate(new_minutes)]
    changed += [notes[i] for i in again if i < len(notes)]
    changed += [
        attrs.evolve(notes[i], text="corrected", revision=2, at=START + dt.timedelta(minutes=m))
        for i, m in corrected
        if i < len(notes)
    ]
    assert with_changed_notes(notes, changed) == merged_in_full(notes, changed)


def test_a_note_corrected_to_a_later_time_moves_and_is_not_shown_twice():
    notes = [made(0, "first"), made(1, "second"), made(2, "third")]
    moved = attrs.evolve(notes[0], at=START + dt.timedelta(minutes=5), revision=2)
    assert [n.text for n in with_changed_notes(notes, [moved])] == ["second", "third", "first"]


def test_the_notes_changed_since_a_recent_one_are_found_by_their_sequence(tmp_path):
    """A screen asks every second for the notes changed since the last it saw. SQLite
    answered through the lesson's index: every note of the lesson, then a sort
    (90,000 notes: 6 ms a time, against 0.02 ms through the sequence numbers)."""
    from lessonstudy.model import CLASS, now
    from lessonstudy.store import StudyFile
    from store_helpers import make_file, planned_study

    path, _ = make_file(tmp_path / "s.lessonstudy", planned_study())
    with StudyFile.open(path) as study_file:
        study_file.add_notes([Observation(1, "Ruth", now(), CLASS, f"n{n}") for n in range(5)])
        seen = study_file.last_seq()
        study_file.add_note(Observation(1, "Ruth", now(), CLASS, "new"))
        asked: list[str] = []
        study_file._con.set_trace_callback(asked.append)
        assert [n.text for n in study_file.notes(1, after_seq=seen)] == ["new"]
        study_file._con.set_trace_callback(None)
        query = next(sql for sql in asked if sql.startswith("SELECT") and "FROM note" in sql)
        plan = study_file._con.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
    assert any("note_seq" in str(step) for step in plan), plan
    assert not any("TEMP B-TREE" in str(step) for step in plan), plan
