"""The streamed export (`lessonstudy export`) is dumps() of the loaded study, byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonstudy.cli import main
from lessonstudy.model import OPEN_HOUSE_LESSON, Judgement, Observation, OpenHouse
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, export
from store_helpers import AT, mark, note, planned_study


def streamed(study_file: StudyFile) -> str:
    out = io.StringIO()
    export.stream(study_file, out)
    return out.getvalue()


def test_the_example_streams_as_dumps_writes_it(tmp_path):
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, export.read_json(example_study_path())).close()
    with StudyFile.open(path, read_only=True) as study_file:
        assert streamed(study_file) == export.dumps(study_file.load())


def test_no_notes_and_every_kind_of_note(tmp_path):
    study = planned_study()
    study.open_house = OpenHouse(lesson=2)
    study.pupils[0].private_note = "never leaves"
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, study).close()
    with StudyFile.open(path, read_only=True) as study_file:
        assert streamed(study_file) == export.dumps(study_file.load())
    with StudyFile.open(path) as study_file:
        study_file.add_mark(mark(study, stage=1))
        later = AT + dt.timedelta(minutes=3)
        study_file.add_note(note(study, "chosen"))
        study_file.add_note(note(study, "the timeline's", stage_id=None, at=later))
        study_file.add_note(note(study, "before any mark", stage_id=None, at=AT - dt.timedelta(1)))
        study_file.add_note(note(study, "no plan", lesson=3, stage_id=None, judgement=None))
        house = Observation(OPEN_HOUSE_LESSON, "Visitor", later, "B", "open house", critical=True)
        study_file.add_note(house)
        offset = dt.datetime(2026, 3, 4, 8, 16, tzinfo=dt.UTC)  # after AT, in another zone
        study_file.add_note(note(study, "utc", at=offset, judgement=Judgement.LESS))
    with StudyFile.open(path, read_only=True) as study_file:
        text = streamed(study_file)
        assert text == export.dumps(study_file.load())
    assert "never leaves" not in text
    texts = [n["text"] for n in json.loads(text)["study"]["notes"]]
    assert len(texts) == 6
    assert texts.index("before any mark") < texts.index("chosen") < texts.index("utc")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1), st.text(min_size=1, max_size=8))
def test_any_typed_text_streams_as_dumps_writes_it(tmp_path_factory, text, observer):
    study = planned_study()
    path = tmp_path_factory.mktemp("s") / "s.lessonstudy"
    StudyFile.create(path, study).close()
    with StudyFile.open(path) as study_file:
        study_file.add_note(note(study, text, observer=observer, deleted=len(text) % 2 == 0))
    with StudyFile.open(path, read_only=True) as study_file:
        assert streamed(study_file) == export.dumps(study_file.load())


def test_the_command_streams_to_a_file_and_to_stdout(tmp_path, capsys):
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, export.read_json(example_study_path())).close()
    out = tmp_path / "out.json"
    assert main(["export", str(path), "-o", str(out)]) == 0
    with StudyFile.open(path, read_only=True) as study_file:
        expected = export.dumps(study_file.load())
    assert out.read_text(encoding="utf-8") == expected
    assert not list(tmp_path.glob(".*partial"))
    capsys.readouterr()
    assert main(["export", str(path)]) == 0
    assert capsys.readouterr().out == expected
