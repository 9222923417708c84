"""Any Unicode text, and texts of 1 MB, come back exactly: save, export/import, merge.

"Any" means every code point except lone surrogates (category Cs), which
cannot be encoded as UTF-8 and so cannot be typed, saved or exported by
anyone. NUL and other control characters are included: a pasted text can
hold them, and they must not be lost or cut short.
"""

from __future__ import annotations

import uuid

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessonstudy.model import CasePupil, Findings
from lessonstudy.store import documents, export
from lessonstudy.store.merge import merge_into
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, note, planned_study

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
# Mixed scripts on purpose: emoji with joiners, right-to-left, combining marks.
SAMPLES = [
    "👩🏽‍🏫 placed ½ on the line ✓",
    "שלום — مرحبا (RTL) then LTR",
    "e\u0301 a\u0308 n\u0303 (combining marks)",
    "tab\there\r\nCRLF and a NUL \x00 inside",
    "",
]
MEGABYTE = ("Amira put 3/4 after 1 👩‍🏫 שלום e\u0301 \x00\n" * 30_000)[:1_000_000]

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A study and an observer's copy of it, shared by the examples of this module."""
    folder = tmp_path_factory.mktemp("roundtrip")
    main, study = make_file(folder / "main.lessonstudy")
    copy = folder / "copy.lessonstudy"
    with StudyFile.open(main) as study_file:
        study_file.backup(copy)
    return main, copy, study


def fresh_note(study, text):
    return note(study, text, id=uuid.uuid4(), observer=text or "Ruth")


def check_save(path, study, text):
    written = fresh_note(study, text)
    with StudyFile.open(path) as study_file:
        findings, revision = study_file.read(documents.FINDINGS)
        study_file.save(documents.FINDINGS, attrs.evolve(findings, to_share=text), revision)
        study_file.add_note(written)
        study_file.update_note(attrs.evolve(written, text=text + "!"))
    with StudyFile.open(path) as study_file:
        assert study_file.read(documents.FINDINGS)[0].to_share == text
        [back] = [n for n in study_file.notes() if n.id == written.id]
    assert back == attrs.evolve(written, text=text + "!", revision=2)


def check_export(study, text):
    study = attrs.evolve(
        study,
        findings=Findings(pupils_learning=text),
        pupils=[CasePupil(label="A", pseudonym=text), *study.pupils[1:]],
        notes=[fresh_note(study, text)],
    )
    assert export.loads(export.dumps(study), where="memory") == study


def check_merge(main, copy, study, text):
    written = fresh_note(study, text)
    with StudyFile.open(copy) as theirs:
        theirs.add_note(written)
        plan, revision = theirs.read(documents.lesson(1))
        theirs.save(documents.lesson(1), attrs.evolve(plan, initial_thoughts=text + "."), revision)
    with StudyFile.open(main) as ours:
        report = merge_into(ours, copy)
        assert report.conflicts == []
        [back] = [n for n in ours.notes() if n.id == written.id]
        assert back == written
        assert ours.read(documents.lesson(1))[0].initial_thoughts == text + "."


@SETTINGS
@given(text=ANY_TEXT)
def test_any_text_survives_save(files, text):
    main, _copy, study = files
    check_save(main, study, text)


@SETTINGS
@given(text=ANY_TEXT)
def test_any_text_survives_export_and_import(text):
    check_export(planned_study(), text)


@SETTINGS
@given(text=ANY_TEXT)
def test_any_text_survives_merge(files, text):
    main, copy, study = files
    check_merge(main, copy, study, text)


@pytest.mark.parametrize("text", [*SAMPLES, MEGABYTE], ids=[*range(len(SAMPLES)), "1MB"])
def test_sample_and_megabyte_texts_survive_everything(text, tmp_path):
    assert len(MEGABYTE) == 1_000_000
    main, study = make_file(tmp_path / "main.lessonstudy")
    copy = tmp_path / "copy.lessonstudy"
    with StudyFile.open(main) as study_file:
        study_file.backup(copy)
    check_save(main, study, text)
    check_export(study, text)
    check_merge(main, copy, study, text)
    # And the export file on disk, through a new study file.
    with StudyFile.open(main) as study_file:
        loaded = study_file.load()
    exported = tmp_path / "study.json"
    export.write_json(loaded, exported)
    with StudyFile.create(tmp_path / "imported.lessonstudy", export.read_json(exported)) as again:
        assert again.load() == export.without_private_notes(loaded)
