"""The autosaved document behind every editing screen: nothing typed is lost,
and undo never puts back our old copy over someone else's newer work."""

from __future__ import annotations

from pathlib import Path

from lessonstudy.model import new_study
from lessonstudy.store import Saved, StudyFile, documents
from lessonstudy.tui.document import EditedDocument, NotSaved


def make(tmp_path: Path) -> Path:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("Doc")).close()
    return path


def test_a_save_that_fails_keeps_the_edit_and_retries(tmp_path: Path) -> None:
    with StudyFile.open(make(tmp_path)) as study_file:
        doc = EditedDocument(study_file, documents.OVERVIEW)
        study_file.read_only = True  # as if the file could not be written just now
        failed = doc.change(lambda o: setattr(o, "focus", "fractions"), "focus")
        assert isinstance(failed, NotSaved)
        assert doc.value.focus == "fractions"
        assert doc.reload() is False  # a refresh must not throw the typing away
        assert doc.value.focus == "fractions"
        study_file.read_only = False
        assert isinstance(failed.retry(), Saved)
        assert study_file.read(documents.OVERVIEW)[0].focus == "fractions"
        assert doc.retry() is None  # nothing waits any more


def test_someone_elses_newer_version_clears_undo(tmp_path: Path) -> None:
    path = make(tmp_path)
    with StudyFile.open(path) as mine, StudyFile.open(path) as theirs:
        doc = EditedDocument(mine, documents.OVERVIEW)
        doc.change(lambda o: setattr(o, "aim", "ours"), "aim")
        assert doc.can_undo()
        overview, revision = theirs.read(documents.OVERVIEW)
        overview.focus = "theirs"
        theirs.save(documents.OVERVIEW, overview, revision)
        assert doc.reload() is True
        assert not doc.can_undo()
        assert (doc.value.focus, doc.value.aim) == ("theirs", "ours")


def test_edits_to_different_fields_from_two_windows_are_both_kept(tmp_path: Path) -> None:
    # One person, two windows on the same plan (or two people on different fields):
    # no conflict, both edits land.
    path = make(tmp_path)
    with StudyFile.open(path) as one, StudyFile.open(path) as two:
        first = EditedDocument(one, documents.lesson(1))
        second = EditedDocument(two, documents.lesson(1))
        first.change(lambda p: setattr(p, "objective", "compare fractions"), "objective")
        saved = second.change(lambda p: setattr(p, "resources", "paper strips"), "resources")
        assert isinstance(saved, Saved) and not saved.conflict
        plan, _ = one.read(documents.lesson(1))
        assert (plan.objective, plan.resources) == ("compare fractions", "paper strips")
        assert second.value.objective == "compare fractions"  # shows what is saved
        assert one.conflicts() == []


def test_the_same_field_changed_differently_is_a_real_conflict(tmp_path: Path) -> None:
    path = make(tmp_path)
    with StudyFile.open(path) as one, StudyFile.open(path) as two:
        first = EditedDocument(one, documents.lesson(1))
        second = EditedDocument(two, documents.lesson(1))
        first.change(lambda p: setattr(p, "objective", "compare fractions"), "objective")
        saved = second.change(lambda p: setattr(p, "objective", "order fractions"), "objective")
        assert isinstance(saved, Saved) and saved.conflict
        plan, _ = one.read(documents.lesson(1))
        assert plan.objective == "order fractions"  # the one on screen lands
        [conflict] = one.conflicts()
        assert "compare fractions" in conflict.body  # the other is kept, not lost
