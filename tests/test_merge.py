"""Merging an observer's copy of a study back into the main file."""

from __future__ import annotations

import attrs
import pytest

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Discussion
from lessonstudy.store import documents
from lessonstudy.store.merge import MergeReport, merge_into
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, mark, note, planned_study, snapshot_files


@pytest.fixture
def pair(tmp_path):
    """The main study and an observer's copy of it (made with backup)."""
    main, study = make_file(tmp_path / "main.lessonstudy")
    copy = tmp_path / "ruth.lessonstudy"
    with StudyFile.open(main) as study_file:
        study_file.backup(copy)
    return main, copy, study


def test_notes_and_marks_from_the_copy_are_added_once(pair):
    main, copy, study = pair
    with StudyFile.open(copy) as theirs:
        theirs.add_note(note(study, "from Ruth's laptop"))
        theirs.add_mark(mark(study))
    with StudyFile.open(main) as ours:
        ours.add_note(note(study, "typed here"))
        first = merge_into(ours, copy)
        assert (first.notes_added, first.marks_added) == (1, 1)
        assert first.conflicts == []
        assert sorted(n.text for n in ours.notes()) == ["from Ruth's laptop", "typed here"]
        second = merge_into(ours, copy)
        assert second == MergeReport()
        assert not second.changed
        assert len(ours.notes()) == 2


def test_a_note_corrected_in_the_copy_replaces_ours(pair):
    main, copy, study = pair
    original = note(study, "ca 1/2")
    for path in (main, copy):
        with StudyFile.open(path) as study_file:
            study_file.add_note(original)
    with StudyFile.open(copy) as theirs:
        theirs.update_note(attrs.evolve(original, text="placed 1/2 correctly"))
    with StudyFile.open(main) as ours:
        report = merge_into(ours, copy)
        assert report.notes_updated == 1
        [merged] = ours.notes()
        assert (merged.text, merged.revision) == ("placed 1/2 correctly", 2)
        assert merge_into(ours, copy) == MergeReport()


def test_a_note_corrected_in_both_copies_keeps_both(pair):
    main, copy, study = pair
    original = note(study, "ca 1/2")
    for path, text in ((main, "ours"), (copy, "theirs")):
        with StudyFile.open(path) as study_file:
            study_file.add_note(original)
            study_file.update_note(attrs.evolve(original, text=text))
    with StudyFile.open(main) as ours:
        report = merge_into(ours, copy)
        assert len(report.conflicts) == 1
        assert "both copies corrected it" in report.conflicts[0]
        assert [n.text for n in ours.notes()] == ["ours"]
        [conflict] = ours.conflicts()
        assert conflict.kind == "note"
        assert conflict.key == str(original.id)
        assert '"text":"theirs"' in conflict.body
        assert conflict.source == "ruth.lessonstudy"
        assert merge_into(ours, copy) == MergeReport()
        assert len(ours.conflicts()) == 1


def test_an_older_note_in_the_copy_changes_nothing(pair):
    main, copy, study = pair
    original = note(study, "first")
    for path in (main, copy):
        with StudyFile.open(path) as study_file:
            study_file.add_note(original)
    with StudyFile.open(main) as ours:
        ours.update_note(attrs.evolve(original, text="corrected here"))
        assert merge_into(ours, copy) == MergeReport()
        assert [n.text for n in ours.notes()] == ["corrected here"]


def test_a_plan_edited_only_in_the_copy_is_taken(pair):
    main, copy, _study = pair
    with StudyFile.open(copy) as theirs:
        plan, revision = theirs.read(documents.lesson(2))
        theirs.save(documents.lesson(2), attrs.evolve(plan, objective="order fractions"), revision)
        theirs.save(
            documents.lesson(2), attrs.evolve(plan, objective="order unit fractions"), revision + 1
        )
    with StudyFile.open(main) as ours:
        _plan, before = ours.read(documents.lesson(2))
        report = merge_into(ours, copy)
        assert report.documents_taken == 1
        assert report.conflicts == []
        plan, after = ours.read(documents.lesson(2))
        assert plan.objective == "order unit fractions"
        assert after > before
        assert merge_into(ours, copy) == MergeReport()


def test_a_plan_edited_only_here_is_kept(pair):
    main, copy, _study = pair
    with StudyFile.open(main) as ours:
        plan, revision = ours.read(documents.lesson(2))
        ours.save(documents.lesson(2), attrs.evolve(plan, objective="ours"), revision)
        assert merge_into(ours, copy) == MergeReport()
        assert ours.read(documents.lesson(2))[0].objective == "ours"


def test_a_plan_edited_in_both_keeps_ours_and_theirs_as_a_conflict(pair):
    main, copy, _study = pair
    for path, objective in ((main, "ours"), (copy, "theirs")):
        with StudyFile.open(path) as study_file:
            plan, revision = study_file.read(documents.lesson(2))
            study_file.save(documents.lesson(2), attrs.evolve(plan, objective=objective), revision)
    with StudyFile.open(main) as ours:
        report = merge_into(ours, copy)
        assert report.conflicts == [
            "lesson 2 plan: both copies edited it; the version in ruth.lessonstudy is kept "
            "as a conflict"
        ]
        assert ours.read(documents.lesson(2))[0].objective == "ours"
        [conflict] = ours.conflicts()
        assert (conflict.kind, conflict.key) == ("lesson", "2")
        assert '"objective":"theirs"' in conflict.body
        assert merge_into(ours, copy) == MergeReport()


def test_a_document_only_in_the_copy_is_added(pair):
    main, copy, _study = pair
    with StudyFile.open(copy) as theirs:
        theirs.save(documents.discussion(1), Discussion(lesson=1, chair="Ruth"), None)
    with StudyFile.open(main) as ours:
        assert merge_into(ours, copy).documents_added == 1
        assert ours.read(documents.discussion(1))[0].chair == "Ruth"
        assert merge_into(ours, copy) == MergeReport()


def test_merging_back_the_other_way_agrees(pair):
    """After merging both ways the two copies hold the same notes and plans."""
    main, copy, study = pair
    with StudyFile.open(copy) as theirs:
        theirs.add_note(note(study, "theirs"))
        plan, revision = theirs.read(documents.lesson(3))
        theirs.save(documents.lesson(3), attrs.evolve(plan, resources="mini whiteboards"), revision)
    with StudyFile.open(main) as ours:
        ours.add_note(note(study, "ours"))
        merge_into(ours, copy)
    with StudyFile.open(copy) as theirs:
        report = merge_into(theirs, main)
        assert (report.notes_added, report.documents_taken, report.conflicts) == (1, 0, [])
        theirs_loaded = theirs.load()
    with StudyFile.open(main) as ours:
        ours_loaded = ours.load()

    # Notes taken at the same minute may come back in either order.
    def by_id(study):
        return attrs.evolve(study, notes=sorted(study.notes, key=lambda n: n.id))

    assert by_id(theirs_loaded) == by_id(ours_loaded)


def test_the_other_copy_is_left_byte_for_byte(pair):
    main, copy, study = pair
    with StudyFile.open(copy) as theirs:
        theirs.add_note(note(study))
    before = snapshot_files(copy)
    with StudyFile.open(main) as ours:
        merge_into(ours, copy)
    assert snapshot_files(copy) == before


def test_a_different_study_is_refused_and_nothing_changes(tmp_path):
    main, _study = make_file(tmp_path / "main.lessonstudy")
    stranger, other_study = make_file(tmp_path / "other.lessonstudy", planned_study("Other"))
    with StudyFile.open(stranger) as study_file:
        study_file.add_note(note(other_study))
    with StudyFile.open(main) as ours:
        before = ours.load()
        with pytest.raises(LessonStudyError) as error:
            merge_into(ours, stranger)
        assert ours.load() == before
    message = str(error.value)
    assert message.startswith(f"{stranger}: a different study")
    assert "\n" not in message


def test_merging_a_missing_file_names_it(pair, tmp_path):
    main, _copy, _study = pair
    missing = tmp_path / "nope.lessonstudy"
    with StudyFile.open(main) as ours, pytest.raises(LessonStudyError, match="no such file"):
        merge_into(ours, missing)


def test_the_summary_line_says_what_came_in():
    assert MergeReport().summary() == "nothing new"
    report = MergeReport(notes_added=3, marks_added=1, documents_taken=2, conflicts=["x"])
    assert report.summary() == (
        "3 notes added, 1 stage mark added, 2 documents updated from the other copy, "
        "1 conflict kept"
    )


def test_a_note_corrected_more_often_in_the_copy_still_keeps_ours(pair):
    main, copy, study = pair
    original = note(study, "ca 1/2")
    for path in (main, copy):
        with StudyFile.open(path) as study_file:
            study_file.add_note(original)
    with StudyFile.open(copy) as theirs:
        once = theirs.update_note(attrs.evolve(original, text="placed 1/2"))
        theirs.update_note(attrs.evolve(once, text="placed 1/2, said 'half way'"))
    with StudyFile.open(main) as ours:
        ours.update_note(attrs.evolve(original, text="placed 1/2 after a prompt"))
        report = merge_into(ours, copy)
        [merged] = ours.notes()
        assert merged.text == "placed 1/2, said 'half way'"
        assert len(report.conflicts) == 1
        assert "placed 1/2 after a prompt" in ours.conflicts()[0].body
        assert merge_into(ours, copy) == MergeReport()


def test_a_dismissed_conflict_does_not_come_back_on_the_next_merge(pair):
    main, copy, _study = pair
    for path, text in ((main, "ours"), (copy, "theirs")):
        with StudyFile.open(path) as study_file:
            plan, revision = study_file.read(documents.lesson(2))
            plan.resources = text
            study_file.save(documents.lesson(2), plan, revision)
    with StudyFile.open(main) as ours:
        assert len(merge_into(ours, copy).conflicts) == 1
        [conflict] = ours.conflicts()
        ours.dismiss_conflict(conflict.id)
        assert merge_into(ours, copy) == MergeReport()
        assert ours.conflicts() == []


def test_an_older_correction_in_the_copy_is_kept_beside_ours(pair):
    main, copy, study = pair
    original = note(study, "ca 1/2")
    for path in (main, copy):
        with StudyFile.open(path) as study_file:
            study_file.add_note(original)
    with StudyFile.open(copy) as theirs:
        theirs.update_note(attrs.evolve(original, text="Ruth: placed 1/2"))
    with StudyFile.open(main) as ours:
        once = ours.update_note(attrs.evolve(original, text="Sam: placed 1/2"))
        ours.update_note(attrs.evolve(once, text="Sam: placed 1/2 after a prompt"))
        report = merge_into(ours, copy)
        assert [n.text for n in ours.notes()] == ["Sam: placed 1/2 after a prompt"]
        assert len(report.conflicts) == 1
        assert "Ruth: placed 1/2" in ours.conflicts()[0].body


def test_a_conflict_waiting_in_the_copy_comes_along(pair):
    main, copy, _study = pair
    with StudyFile.open(copy) as theirs:
        plan, revision = theirs.read(documents.lesson(2))
        theirs.save(documents.lesson(2), attrs.evolve(plan, resources="beads"), revision)
        # A second edit from the old revision: the first is kept as a conflict.
        theirs.save(documents.lesson(2), attrs.evolve(plan, resources="strips"), revision)
        assert len(theirs.conflicts()) == 1
    with StudyFile.open(main) as ours:
        report = merge_into(ours, copy)
        assert ours.read(documents.lesson(2))[0].resources == "strips"
        assert ['"resources":"beads"' in c.body for c in ours.conflicts()] == [True]
        assert report.conflicts
        assert merge_into(ours, copy) == MergeReport()
