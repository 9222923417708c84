"""Discussion protocols: the shipped files, the search order, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonstudy import protocols
from lessonstudy.errors import LessonStudyError
from lessonstudy.protocols import (
    DEFAULT_PROTOCOL,
    ProtocolStepKind,
    available_protocols,
    default_ground_rules,
    load_protocol,
)

USUAL_PROMPTS = (
    "What did you enjoy most about the lesson?",
    "What did you learn? What can you do now that you could not do before?",
    "Which part of the teaching helped you most?",
    "If this lesson were taught to another class, what would you change? Why?",
)


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user data folder, so a developer's own protocols never leak in."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


VALID = '''\
name = "school"
title = "Our school's model"
description = """
A model with a long description. The next line is inside the string, not a table:
  [[steps]]
"""
interview_prompts = ["What did you learn?"]

[roles]
chair = "Keeps time."

[[steps]]
id = "evidence"
title = "Evidence"
prompt = "What did you see?"
speaker = "observers"
kind = "evidence"

[[steps]]
id = "changes"
title = "Changes"
prompt = "What will we change?"
speaker = "everyone"
kind = "agreed_changes"
'''


def write(tmp_path: Path, text: str, name: str = "school") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(LessonStudyError) as caught:
        load_protocol(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line starting with `fragment`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(fragment)]
    return hits[occurrence - 1]


# --------------------------------------------------------------------------- shipped protocols


def test_shipped_protocols_are_listed_default_first():
    names = available_protocols()
    assert names[0] == DEFAULT_PROTOCOL == "english"
    assert {"english", "us", "chicago"} <= set(names)


@pytest.mark.parametrize("name", ["english", "us", "chicago"])
def test_each_shipped_protocol_loads_with_one_agreed_changes_step(name):
    protocol = load_protocol(name)
    assert protocol.name == name
    assert protocol.title and protocol.description
    assert protocol.interview_prompts == USUAL_PROMPTS
    assert len(protocol.optional_interview_prompts) == 2
    assert "chair" in protocol.roles and "recorder" in protocol.roles
    assert len(protocol.steps_of_kind(ProtocolStepKind.AGREED_CHANGES)) == 1
    assert protocol.agreed_changes_step.kind is ProtocolStepKind.AGREED_CHANGES
    assert not protocol.agreed_changes_step.optional
    assert len({step.id for step in protocol.steps}) == len(protocol.steps)
    assert protocol.steps_of_kind(ProtocolStepKind.EVIDENCE)
    assert all(step.prompt and step.speaker for step in protocol.steps)


def test_english_model_follows_the_primer_order():
    protocol = load_protocol()
    assert [step.kind for step in protocol.steps] == [
        ProtocolStepKind.EVIDENCE,
        ProtocolStepKind.INTERVIEWS,
        ProtocolStepKind.POINTS,
        ProtocolStepKind.POINTS,
        ProtocolStepKind.POINTS,
        ProtocolStepKind.AGREED_CHANGES,
        ProtocolStepKind.COMMENTATOR,
    ]
    assert [step.optional for step in protocol.steps] == [False] * 6 + [True]
    assert protocol.step("progress").title == "Progress"
    assert protocol.step("nonesuch") is None
    assert "final_commentator" in protocol.roles


def test_us_model_teacher_first_knowledgeable_other_last():
    protocol = load_protocol("us")
    assert protocol.steps[0].speaker == "teacher"
    assert protocol.steps[-1].speaker == "knowledgeable other"
    assert protocol.steps[-1].kind is ProtocolStepKind.COMMENTATOR
    kinds = [step.kind for step in protocol.steps]
    # the teacher and the team speak before the data is shared
    assert kinds.index(ProtocolStepKind.EVIDENCE) == 2


def test_chicago_model_thanks_the_teacher_first():
    protocol = load_protocol("chicago")
    assert [step.id for step in protocol.steps][:3] == ["thanks", "teacher_remarks", "purpose"]
    assert protocol.steps[-1].speaker == "knowledgeable other"


def test_default_ground_rules_keep_lesson_study_apart_from_judging_teachers():
    text = default_ground_rules()
    assert "performance management" in text
    assert "never about how well" in text
    assert "pseudonym" in text


def test_default_ground_rules_are_plain_text_one_rule_a_line():
    # They are the group's own text, edited in a text box and printed in every write-up
    # as typed: Markdown's marks showed there as "# Our ground rules" and "**We ...**",
    # and lines broken by hand re-wrapped badly in a narrower box (seen in a trial).
    text = default_ground_rules()
    assert "**" not in text and not any(line.startswith("#") for line in text.splitlines())
    rules = [line for line in text.splitlines() if line[:1].isdigit()]
    assert len(rules) == 10
    assert rules[0].startswith("1. We study pupils' learning, not the teacher. Research")
    assert all(paragraph.count("\n") == 0 for paragraph in text.strip().split("\n\n"))


# --------------------------------------------------------------------------- finding files


def test_a_path_loads_that_file(tmp_path):
    protocol = load_protocol(str(write(tmp_path, VALID)))
    assert protocol.name == "school"
    assert protocol.path == tmp_path / "school.toml"
    assert [step.id for step in protocol.steps] == ["evidence", "changes"]
    assert protocol.description.startswith("A model with a long")


def test_the_users_folder_is_searched_first(user_data):
    folder = user_data / "protocols"
    folder.mkdir(parents=True)
    shipped = (protocols.shipped_protocols_dir() / "english.toml").read_text(encoding="utf-8")
    (folder / "english.toml").write_text(
        shipped.replace('title = "English model"', 'title = "Our English model"'),
        encoding="utf-8",
    )
    write(folder, VALID)
    assert load_protocol("english").title == "Our English model"
    assert load_protocol("school").title == "Our school's model"
    assert available_protocols()[0] == "english"
    assert "school" in available_protocols()


def test_unknown_name_lists_what_is_available():
    with pytest.raises(LessonStudyError, match=r'no protocol named "welsh" \(available: english'):
        load_protocol("welsh")


def test_a_name_cannot_reach_outside_the_folders():
    with pytest.raises(LessonStudyError, match="not a protocol name"):
        load_protocol("../english")


def test_missing_file_and_folder(tmp_path):
    assert error_of(tmp_path / "gone.toml") == f"{tmp_path / 'gone.toml'}: no such file"
    (tmp_path / "dir.toml").mkdir()
    assert "is a folder" in error_of(tmp_path / "dir.toml")


# --------------------------------------------------------------------------- malformed files


def test_toml_syntax_error_names_file_and_line(tmp_path):
    text = VALID.replace('kind = "evidence"', "kind = evidence")
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}:{line_of(text, 'kind = evidence')}: Invalid value")
    assert "(at line" not in message


def test_unterminated_file_points_at_its_end(tmp_path):
    text = VALID + 'extra = ["unclosed",\n'
    path = write(tmp_path, text)
    assert error_of(path).startswith(f"{path}:{len(text.splitlines())}: ")


def test_not_utf8(tmp_path):
    path = tmp_path / "school.toml"
    path.write_bytes(b'name = "\xff"\n')
    assert error_of(path) == f"{path}: not a protocol file (not UTF-8 text)"


@pytest.mark.parametrize(
    ("change", "expected_line_fragment", "occurrence", "words"),
    [
        # a step without an id: the [[steps]] header of that step
        (('id = "changes"\n', ""), "[[steps]]", 2, "step 2 has no id"),
        # unknown kind: the kind line
        (('kind = "evidence"', 'kind = "votes"'), 'kind = "votes"', 1, 'unknown kind "votes"'),
        # duplicate ids: the second id
        (('id = "changes"', 'id = "evidence"'), 'id = "evidence"', 2, "used twice"),
        # wrong type: that key's line
        (
            ('speaker = "observers"', 'speaker = "observers"\noptional = "yes"'),
            'optional = "yes"',
            1,
            "optional must be true or false",
        ),
        (('title = "Evidence"', "title = 3"), "title = 3", 1, '"title" must be text'),
        (
            ('interview_prompts = ["What did you learn?"]', "interview_prompts = [1, 2]"),
            "interview_prompts = [1, 2]",
            1,
            "list of texts",
        ),
        # unknown keys, at the top and in a step
        (("[roles]", 'colour = "red"\n[roles]'), 'colour = "red"', 1, 'unknown key "colour"'),
        (
            ('speaker = "everyone"', 'speaker = "everyone"\nvotes = 3'),
            "votes = 3",
            1,
            'unknown key "votes" in step 2',
        ),
        # a missing required key in a step: its header
        (('prompt = "What will we change?"\n', ""), "[[steps]]", 2, '"prompt" is missing'),
        # no agreed changes step: the first step; two of them: the second
        (('kind = "agreed_changes"', 'kind = "points"'), "[[steps]]", 1, "needs exactly one"),
        (
            ('kind = "evidence"', 'kind = "agreed_changes"'),
            'kind = "agreed_changes"',
            2,
            "more than one step",
        ),
        # the name must match the file
        (('name = "school"', 'name = "other"'), 'name = "other"', 1, "must match the file name"),
        (('chair = "Keeps time."', "chair = 1"), "chair = 1", 1, 'role "chair"'),
        (('id = "changes"', 'id = "Agreed Changes"'), 'id = "Agreed Changes"', 1, "lowercase"),
    ],
)
def test_structural_errors_name_file_and_line(
    tmp_path, change, expected_line_fragment, occurrence, words
):
    old, new = change
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = write(tmp_path, text)
    message = error_of(path)
    line = line_of(text, expected_line_fragment, occurrence)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_no_steps_at_all(tmp_path):
    text = VALID.split("\n[[steps]]")[0]
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:1: no [[steps]]: a protocol needs its discussion steps"


def test_steps_not_tables(tmp_path):
    text = VALID.split("[roles]")[0] + 'steps = ["evidence"]\n'
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}:{line_of(text, 'steps = ')}: step 1 must be a table")


def test_inline_steps_are_accepted(tmp_path):
    text = VALID.split("[roles]")[0] + (
        "steps = [\n"
        '  { id = "e", title = "E", prompt = "P", speaker = "s", kind = "evidence" },\n'
        '  { id = "c", title = "C", prompt = "P", speaker = "s", kind = "agreed_changes",'
        " minutes = 10 },\n"
        "]\n"
    )
    protocol = load_protocol(write(tmp_path, text))
    assert protocol.agreed_changes_step.minutes == 10
    assert protocol.roles == {}
