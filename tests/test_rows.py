"""Reading rows fast without reading them differently."""

from __future__ import annotations

import gc
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessonstudy.bulk import collection_paused
from lessonstudy.model import Judgement, Observation
from lessonstudy.store.rows import DamagedContent, _canonical_uuid, note_from_row, note_values


@given(st.uuids())
def test_a_stored_id_reads_as_uuid_reads_it(value: uuid.UUID) -> None:
    parsed = _canonical_uuid(str(value))
    assert parsed == value
    assert hash(parsed) == hash(value)
    assert (str(parsed), repr(parsed), parsed.version) == (str(value), repr(value), value.version)
    assert parsed.is_safe == uuid.UUID(str(value)).is_safe


def row(**changes: object) -> tuple[object, ...]:
    values = {
        "id": "0d6f3b0e-6a4b-4a55-9d1e-4b5f0f3c2a11",
        "lesson": 1,
        "observer": "Ruth",
        "at": "2026-03-04T09:15:00+01:00",
        "stage_id": "5b1d0c7e-1f0a-4c1e-8a3e-2b9f4c6d7e80",
        "about": "A",
        "text": "counts on",
        "judgement": "better",
        "critical": 0,
        "deleted": 0,
        "revision": 1,
        "stage_chosen": 1,
        "starred": 0,
    }
    values.update(changes)
    return tuple(values.values())


def test_a_sound_row_reads_as_written() -> None:
    note = note_from_row(row())
    assert str(note.id) == "0d6f3b0e-6a4b-4a55-9d1e-4b5f0f3c2a11"
    assert note.at.utcoffset() is not None and note.judgement is Judgement.BETTER
    assert note.stage_chosen and not note.critical
    assert note_from_row(row(stage_id=None, judgement=None)).stage_id is None


@given(
    st.builds(
        Observation,
        lesson=st.integers(0, 6),
        observer=st.text(max_size=5),
        # Times that exist (a wall time in a daylight-saving gap is never taken: now()).
        at=st.datetimes(timezones=st.timezones(), allow_imaginary=False),
        about=st.text(max_size=3),
        text=st.text(max_size=20),
        stage_id=st.none() | st.uuids(),
        judgement=st.none() | st.sampled_from(Judgement),
        critical=st.booleans(),
        deleted=st.booleans(),
        revision=st.integers(1, 2**40),
        id=st.uuids(),
        stage_chosen=st.just(True),  # a stage not chosen is the timeline's: not stored
        starred=st.booleans(),
    )
)
def test_a_note_reads_back_as_written(note: Observation) -> None:
    """note_from_row builds the note by position: every field lands in its place."""
    read = note_from_row(note_values(note))
    assert read == note
    assert read.at.utcoffset() == note.at.utcoffset()


@pytest.mark.parametrize(
    "damage",
    [
        {"id": "0D6F3B0E-6A4B-4A55-9D1E-4B5F0F3C2A11"},  # UUID() would take it: not ours
        {"id": "{0d6f3b0e-6a4b-4a55-9d1e-4b5f0f3c2a11}"},
        {"id": "0d6f3b0e6a4b4a559d1e4b5f0f3c2a11"},
        {"stage_id": ""},
        {"stage_id": "x" * 36},
        {"lesson": "1"},
        {"critical": 1.0},
        {"judgement": "worse"},
        {"at": "2026-03-04T09:15:00"},  # no time zone
        {"at": "yesterday"},
        {"text": b"bytes"},
    ],
)
def test_a_damaged_row_is_damage_not_a_guess(damage: dict[str, object]) -> None:
    with pytest.raises(DamagedContent):
        note_from_row(row(**damage))


def test_collection_resumes_after_a_bulk_load_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collection_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # whoever disabled it decides when it comes back
    finally:
        gc.enable()
