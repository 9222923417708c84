"""The real-name guard: every kind and format of write-up is checked against the
group's private words, refused with where each one is, or masked with the pseudonym."""

from __future__ import annotations

import attrs
import pytest

from lessonstudy import report
from lessonstudy.cli import main
from lessonstudy.model import PrivateWord, PrivateWords
from lessonstudy.report import guard
from lessonstudy.store import StudyFile, documents
from report_fixtures import make_study, visible_text, zipped_text

OUTPUTS = [(kind, fmt) for kind in report.KINDS for fmt in report.KIND_FORMATS[kind]]
PRIVATE = PrivateWords(
    [PrivateWord("Maya Thompson", "A"), PrivateWord("Thompson", "A"), PrivateWord("Kez", "")]
)


def leaky_study():
    """A real name typed where each kind prints it: a note, a quote, the findings,
    a plan's prediction, an agreed change, and the poster's and handout's fields."""
    study = make_study()
    study.notes[0] = attrs.evolve(study.notes[0], text="THOMPSON folded the strip first")
    study.findings.key_points[0] = "Maya Thompson explained it to Kez"
    study.findings.end_points["A"] = "Thompson places 3/8 without a strip"
    study.lessons[1].stages[0].predictions["A"] = "Thompson will fold in halves"
    study.discussions[0].agreed_changes[0] = "Sit Thompson with a partner"
    answer = study.interviews[2].answers[0]  # Maya's RL2 quote
    study.interviews[2].answers[0] = attrs.evolve(answer, answer=answer.answer + " Thompson!")
    return study


@pytest.mark.parametrize(("kind", "fmt"), OUTPUTS)
def test_every_kind_and_format_refuses_a_private_word_and_says_where(kind, fmt):
    with pytest.raises(guard.PrivateWordsFound) as caught:
        report.render(leaky_study(), kind=kind, fmt=fmt, private=PRIVATE)
    hits = caught.value.hits
    assert hits and all(h.word in ("Maya Thompson", "Thompson", "Kez") for h in hits)
    assert all(h.where and h.snippet for h in hits)
    message = str(caught.value)
    assert f"the {kind}" in message and "private words" in message and "--mask" in message


@pytest.mark.parametrize(("kind", "fmt"), OUTPUTS)
def test_masking_puts_the_pseudonym_in_every_kind_and_format(kind, fmt):
    data = report.render(leaky_study(), kind=kind, fmt=fmt, private=PRIVATE, mask=True)
    raw = zipped_text(data) if fmt in ("docx", "pptx") else data
    assert b"Thompson" not in raw and b"THOMPSON" not in raw and b"Kez" not in raw
    text = visible_text(data, fmt)
    if kind == "report":
        assert "Maya folded the strip first" in " ".join(text.split())
    if kind == "poster":
        assert "Maya explained it to [withheld]" in text


def test_the_report_names_each_place_a_word_is():
    with pytest.raises(guard.PrivateWordsFound) as caught:
        report.render(leaky_study(), kind="report", fmt="md", private=PRIVATE)
    places = [(h.word, h.where) for h in caught.value.hits]
    assert ("Maya Thompson", "the opening, under the title") in places  # a key point
    assert any(
        w == "Thompson" and where.startswith("The research lessons › RL2") for w, where in places
    )
    assert any(
        w == "Thompson" and where.startswith("Appendix C: Every observation note › RL1")
        for w, where in places
    )
    assert any(w == "Kez" for w, _where in places)


def test_words_match_whole_and_in_any_case():
    words = PrivateWords([PrivateWord("Mo", "A"), PrivateWord("Zoë", "B")])
    blocks = [
        ("one", "A moment of insight"),  # not "Mo" inside "moment"
        ("two", "mo's turn; then MO again"),
        ("three", "ZOË and Zoëy"),
    ]
    hits = guard.find_in_blocks(words, blocks)
    assert [(h.word, h.where) for h in hits] == [
        ("Mo", "two"),
        ("Mo", "two"),
        ("Zoë", "three"),
    ]


def test_a_word_escaped_for_markdown_is_still_found():
    study = make_study()
    study.notes[0] = attrs.evolve(study.notes[0], text="Jo_Ann [and] *Lee*")
    words = PrivateWords([PrivateWord("Jo_Ann", "B"), PrivateWord("Lee", "C")])
    with pytest.raises(guard.PrivateWordsFound) as caught:
        report.render(study, kind="report", fmt="md", private=words)
    assert {h.word for h in caught.value.hits} == {"Jo_Ann", "Lee"}


def test_no_words_no_check():
    study = leaky_study()
    assert report.render(study, kind="poster", fmt="md", private=PrivateWords())


# --------------------------------------------------------------------------- command line


@pytest.fixture
def study_path(tmp_path):
    path = tmp_path / "leaky.lessonstudy"
    with StudyFile.create(path, leaky_study()) as study_file:
        study_file.save(documents.PRIVATE_WORDS, PRIVATE, 0)
    return path


@pytest.mark.parametrize(("kind", "fmt"), OUTPUTS)
def test_the_command_refuses_with_exit_2_and_says_where(study_path, capsys, kind, fmt):
    out = study_path.with_name(f"out.{fmt}")
    code = main(["report", str(study_path), "--kind", kind, "--format", fmt, "-o", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "private words" in error and " in " in error
    assert not out.exists()


@pytest.mark.parametrize(("kind", "fmt"), OUTPUTS)
def test_the_command_masks_when_asked(study_path, capsys, kind, fmt):
    out = study_path.with_name(f"out.{fmt}")
    args = ["report", str(study_path), "--kind", kind, "--format", fmt, "-o", str(out), "--mask"]
    assert main(args) == 0
    data = out.read_bytes()
    raw = zipped_text(data) if fmt in ("docx", "pptx") else data
    assert b"Thompson" not in raw and b"Kez" not in raw


def test_the_private_words_themselves_are_never_exported(tmp_path):
    path = tmp_path / "clean.lessonstudy"
    with StudyFile.create(path, make_study()) as study_file:
        study_file.save(documents.PRIVATE_WORDS, PRIVATE, 0)
    exported = tmp_path / "export.json"
    assert main(["export", str(path), "-o", str(exported)]) == 0
    text = exported.read_text()
    assert "private_words" not in text and "Thompson" not in text
    assert main(["check", str(path)]) == 0


def test_an_export_holding_a_private_word_is_refused_or_masked(study_path, tmp_path, capsys):
    exported = tmp_path / "export.json"
    assert main(["export", str(study_path), "-o", str(exported)]) == 2
    error = capsys.readouterr().err
    assert "the export holds" in error and "$.study.notes[0].text" in error
    assert not exported.exists()
    assert main(["export", str(study_path), "-o", str(exported), "--mask"]) == 0
    text = exported.read_text()
    assert "Thompson" not in text and "Kez" not in text and "Maya folded the strip" in text


def test_a_pupils_own_pseudonym_is_never_a_hit():
    # Found by trying it: a group listing "Maya" (A's pseudonym) got a hit on every page.
    words = PrivateWords([PrivateWord("Maya", "A"), PrivateWord("Thompson", "A")])
    study = make_study()
    assert report.render(study, kind="report", fmt="md", private=words)
    study.notes[0] = attrs.evolve(study.notes[0], text="Thompson again")
    with pytest.raises(guard.PrivateWordsFound) as caught:
        report.render(study, kind="report", fmt="md", private=words)
    assert {h.word for h in caught.value.hits} == {"Thompson"}


def test_a_quote_after_a_table_is_not_placed_in_the_table():
    study = make_study()
    answer = study.interviews[0].answers[0]
    study.interviews[0].answers[0] = attrs.evolve(answer, answer="Thompson said so")
    with pytest.raises(guard.PrivateWordsFound) as caught:
        report.render(study, kind="report", fmt="md", private=PRIVATE)
    quoted = [h for h in caught.value.hits if h.where.startswith("The research lessons")]
    assert quoted and "table row" not in quoted[0].where
