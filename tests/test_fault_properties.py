"""Property tests of the fault paths (the long attack is benchmarks/fuzz_attack.py).

- any mutation of an export: imported under the rules, or refused with one line
- any notes text: parsed, or refused with one line naming the line
- any damage to a study file: refused at open with one line whenever `check`
  calls it damaged (never written into), and never a traceback
- any typed text on screen: shown literally, without control characters
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonstudy.errors import LessonStudyError
from lessonstudy.printable import printable
from lessonstudy.resources import example_study_path
from lessonstudy.rules import study_problems
from lessonstudy.store import export
from lessonstudy.store.check import check_study
from lessonstudy.store.notes_text import parse_notes
from lessonstudy.store.study_file import StudyFile
from lessonstudy.tui.plain import plain, plain_text
from store_helpers import make_file, note, planned_study

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EXAMPLE = json.loads(example_study_path().read_text(encoding="utf-8"))

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def one_line(error: LessonStudyError) -> str:
    message = str(error)
    assert message and "\n" not in message and "\r" not in message
    return message


@st.composite
def mutated_exports(draw: st.DrawFn) -> dict[str, Any]:
    """The example export with a few values somewhere replaced, dropped or repeated."""
    data = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        node: Any = data
        parent: Any = None
        key: Any = None
        while isinstance(node, dict | list) and node and draw(st.integers(0, 9)) < 8:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        if parent is None:
            continue
        action = draw(st.sampled_from(["replace", "drop", "repeat"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = draw(JSON_VALUES)
    return data


@SETTINGS
@given(mutated_exports())
def test_an_import_obeys_the_rules_or_says_why_in_one_line(data):
    text = json.dumps(data, ensure_ascii=False)
    try:
        study = export.loads(text, where="in.json")
    except LessonStudyError as error:
        assert one_line(error).startswith("in.json")
        return
    assert study_problems(study) == []


LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda hour, who, stage, mark, words: f"{hour} {who} {stage} {mark} {words}",
            st.sampled_from(["09:05", "23:59", "24:00", "9:5", "x"]),
            st.sampled_from(["A", "b", "class", "Q", "[/]"]),
            st.sampled_from(["1", "2", "0", "99", "2" * 30]),
            st.sampled_from(["=", "+", "-", "?", "!", ""]),
            st.text(max_size=30),
        ),
    ),
    max_size=8,
)


@SETTINGS
@given(LINES)
def test_notes_text_is_parsed_or_refused_at_its_line(lines):
    study = planned_study(stages=3)
    lesson = study.lessons[0]
    try:
        notes = parse_notes(
            "\n".join(lines),
            where="n.txt",
            lesson=lesson,
            labels=study.labels,
            observer="Ruth",
            day=dt.date(2026, 3, 4),
            tz=dt.UTC,
        )
    except LessonStudyError as error:
        assert one_line(error).startswith("n.txt:")
        return
    assert all(n.about in [*study.labels, "class"] and n.text for n in notes)


def flipped(pristine: Path, path: Path, flips: list[tuple[int, int]]) -> Path:
    """A copy of `pristine` at `path` with each (offset, bit) flipped."""
    shutil.copy(pristine, path)
    data = bytearray(path.read_bytes())
    for offset, bit in flips:
        data[offset % len(data)] ^= 1 << bit
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    study = planned_study()
    study.notes += [note(study, f"note {n} " + "x" * (n * 13 % 200)) for n in range(60)]
    path, _ = make_file(tmp_path_factory.mktemp("pristine") / "s.lessonstudy", study)
    return path


@SETTINGS
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=100), st.integers(min_value=0, max_value=7)),
        min_size=1,
        max_size=4,
    )
)
def test_a_file_is_refused_at_open_exactly_when_check_calls_it_damaged(pristine, tmp_path, flips):
    """The open-time check missed damage `check` found, so merges and note imports
    wrote into files `check` called damaged."""
    path = flipped(pristine, tmp_path / f"d{abs(hash(tuple(flips)))}.lessonstudy", flips)
    try:
        sound = check_study(path).sound
    except LessonStudyError as error:
        one_line(error)
        sound = False
    try:
        StudyFile.open(path).close()
    except LessonStudyError as error:
        one_line(error)
        # Nor the other way round: a file check calls sound always opens.
        assert not sound, f"refused a file check calls sound: {error}"
        return
    assert sound, "opened for writing a file that check calls damaged"


@SETTINGS
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=100), st.integers(min_value=0, max_value=7)),
        min_size=1,
        max_size=4,
    )
)
def test_a_write_up_checked_alongside_refuses_exactly_what_open_refuses(
    pristine, tmp_path, monkeypatch, flips
):
    """A write-up reads the file while its checks run in threads (open_to_make): it
    must give up exactly where `open` refuses, with the same one line, whatever the
    reading ran into meanwhile, and never a traceback."""
    from lessonstudy import report
    from lessonstudy.store import open_checks

    monkeypatch.setattr(open_checks, "ALONGSIDE_FROM_BYTES", 0)  # a small file: threads too
    path = flipped(pristine, tmp_path / f"w{abs(hash(tuple(flips)))}.lessonstudy", flips)
    try:
        StudyFile.open(path, read_only=True).close()
        refused = None
    except LessonStudyError as error:
        refused = one_line(error)
    made = None
    try:
        with StudyFile.open_to_make(path) as study_file:
            study = study_file.load()
            made = report.make_report(study, tmp_path / "r.md", kind="report", fmt="md")
    except LessonStudyError as error:
        assert one_line(error) == refused, "refused otherwise than open"
        return
    assert refused is None, f"made a write-up from a file open refuses: {refused}"
    assert made and made[0].data


@SETTINGS
@given(st.text())
def test_typed_text_on_screen_is_literal_and_has_no_control_codes(text):
    for shown in (plain(text).plain, plain_text(text).plain, printable(text)):
        assert shown == printable(text)
        assert not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert printable(text) == "".join(
        c for c in text if c in "\t\n" or not (ord(c) < 32 or 0x7F <= ord(c) < 0xA0)
    )
