"""The converter's fast path for sound data is exactly as strict as the detailed one,
and bad input still gets the detailed one's line: what is wrong and where."""

from __future__ import annotations

from typing import Any

import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Observation, ResearchLesson, Stage
from lessonstudy.store import converter

NOTE = {
    "lesson": 1,
    "observer": "Priya",
    "at": "2026-01-20T10:45:00+00:00",
    "about": "A",
    "text": "counts on",
    "id": "0b6a4d56-5a0c-4c1f-9a59-0d6e8d5b1e2f",
}

BAD: list[tuple[type, dict[str, Any], str]] = [
    (Observation, {**NOTE, "critical": "false"}, "$.critical"),
    (Observation, {**NOTE, "lesson": 1.9}, "$.lesson"),
    (Observation, {**NOTE, "lesson": True}, "$.lesson"),
    (Observation, {**NOTE, "at": "2026-01-20T10:45:00"}, "$.at"),
    (Observation, {**NOTE, "id": "not an id"}, "$.id"),
    (Observation, {**NOTE, "judgement": "brilliant"}, "$.judgement"),
    (Observation, {**NOTE, "colour": "red"}, "colour"),
    (Observation, {k: v for k, v in NOTE.items() if k != "text"}, "$.text"),
    (Stage, {"title": "Starter", "minutes": "10"}, "$.minutes"),
    (ResearchLesson, {"number": 1, "stages": [{"title": 3}]}, "$.stages[0].title"),
]


@pytest.mark.parametrize(("cls", "data", "where"), BAD)
def test_the_fast_path_refuses_what_the_detailed_converter_refuses(
    cls: type, data: dict[str, Any], where: str
) -> None:
    with pytest.raises(Exception):  # noqa: B017 - any refusal: cattrs' own error types
        converter._sound_only.structure(data, cls)
    with pytest.raises(LessonStudyError) as error:
        converter.structure(data, cls, where="the note")
    line = str(error.value)
    assert "\n" not in line and line.startswith("the note: ") and where in line


def test_sound_data_reads_the_same_either_way() -> None:
    fast = converter.structure(NOTE, Observation, where="a note")
    assert fast == converter.detailed().structure(NOTE, Observation)


def test_a_study_unstructures_the_same_either_way() -> None:
    """Unstructuring goes through the fast converter: the same data as the detailed one."""
    from lessonstudy.resources import example_study_path
    from lessonstudy.store import export

    study = export.read_json(example_study_path())
    data = converter.unstructure(study)
    assert data == converter.detailed().unstructure(study)
    assert list(data) == list(converter.detailed().unstructure(study))  # the same key order


def test_reading_sound_data_makes_no_detailed_converter() -> None:
    import subprocess
    import sys

    code = (
        "from lessonstudy.store import converter\n"
        "from lessonstudy.model import Observation\n"
        f"note = converter.structure({NOTE!r}, Observation, where='a note')\n"
        "converter.unstructure(note)\n"
        "print(converter.detailed.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0"]


def test_the_models_field_types_need_no_resolving() -> None:
    """String annotations (`from __future__ import annotations`) make cattrs resolve
    every class's types with typing.get_type_hints before reading a study."""
    import attrs

    from lessonstudy import model

    classes = [c for c in vars(model).values() if isinstance(c, type) and attrs.has(c)]
    assert len(classes) > 15
    for cls in classes:
        for field in attrs.fields(cls):
            assert not isinstance(field.type, str), f"{cls.__name__}.{field.name}"
