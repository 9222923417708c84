"""Issue 9, "one lesson, one timeline": the store, process and use cases.

Each test names what was seen before (the issue's "What was seen") where it
guards one of those: it failed on the code before this issue.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from lessonstudy import process, report
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    CLASS,
    Discussion,
    Judgement,
    Observation,
    Stage,
    StageMark,
    new_id,
    new_study,
)
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents, summary, three_way
from lessonstudy.store.check import check_study
from lessonstudy.store.export import read_json
from lessonstudy.usecases import conflicts, pupils, stages
from lessonstudy.usecases.carry_forward import carry_into_next_plan
from report_fixtures import docx_all_text
from store_helpers import TZ

T0 = dt.datetime(2026, 3, 4, 9, 0, tzinfo=TZ)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def study_with_a_taught_lesson() -> tuple:
    """RL1 with three stages; the clock (one observer) ran 0-10-20, ended at 30."""
    study = new_study("Timeline")
    lesson = study.lessons[0]
    lesson.date = T0.date()
    lesson.stages = [
        Stage(title=title, minutes=10, predictions={"A": f"A at {title}", "B": "b"})
        for title in ("Count", "Place", "Share")
    ]
    ids = [stage.id for stage in lesson.stages]
    study.marks = [
        StageMark(1, "Sam", at(0), ids[0]),
        StageMark(1, "Sam", at(10), ids[1]),
        StageMark(1, "Sam", at(20), ids[2]),
        StageMark(1, "Sam", at(30), None),
    ]
    study.notes = [
        Observation(1, "Ruth", at(-2), "A", "before the start", judgement=Judgement.BETTER),
        Observation(1, "Ruth", at(5), "A", "counts in ones", judgement=Judgement.AS_PREDICTED),
        Observation(1, "Ruth", at(12), "B", "places 3/4", judgement=Judgement.LESS),
        Observation(1, "Tia", at(15), CLASS, "tables argue", critical=True),
        Observation(1, "Tia", at(16), "A", "chosen for Place", stage_id=ids[1]),
        Observation(1, "Ruth", at(25), "B", "shares", judgement=Judgement.BETTER),
        Observation(1, "Ruth", at(31), "A", "after the end"),
    ]
    study.discussions = [Discussion(1)]
    study.discussion(1).set_judgement(ids[1], "B", Judgement.LESS)
    return study, ids


@pytest.fixture
def taught(tmp_path: Path) -> tuple[Path, list]:
    study, ids = study_with_a_taught_lesson()
    path = tmp_path / "t.lessonstudy"
    StudyFile.create(path, study).close()
    return path, ids


# --------------------------------------------------------------------------- the timeline


def test_a_notes_stage_is_the_one_running_at_its_time_whoever_moved_the_clock(taught):
    path, ids = taught
    with StudyFile.open(path) as study_file:
        notes = {n.text: n for n in study_file.notes(1)}
        assert notes["counts in ones"].stage_id == ids[0]
        assert notes["places 3/4"].stage_id == ids[1]  # Ruth never pressed ctrl+n
        assert notes["shares"].stage_id == ids[2]
        assert notes["before the start"].stage_id is None
        assert notes["after the end"].stage_id is None
        assert notes["chosen for Place"].stage_chosen
        # A mark committed later, at an earlier moment, re-places the notes after it.
        study_file.add_mark(StageMark(1, "Sam", at(24), ids[0]))
        assert {n.text: n for n in study_file.notes(1)}["shares"].stage_id == ids[0]
        loaded = study_file.load()
        assert {n.text: n for n in loaded.notes}["shares"].stage_id == ids[0]


def test_every_note_reaches_the_write_up_in_every_format(taught):
    # 43 of 109 notes once had no stage, and the report printed none of them.
    path, _ids = taught
    with StudyFile.open(path) as study_file:
        study = study_file.load()
    markdown = report.render_markdown(study)
    html = report.render(study, fmt="html").decode()
    # Paragraphs and table cells: the appendix of every note is a table.
    word = docx_all_text(report.render(study, fmt="docx"))
    assert "Notes in no stage of the plan" in markdown
    for note in study.live_notes(1):
        assert note.text in markdown and note.text in html and note.text in word
    # Counts agree: the journeys, `info`, `check` and the write-up.
    grid = process.evidence_grid(study, 1)
    assert grid.note_count == 7 and len(grid.unplaced) == 2
    journeys = process.pupil_journeys(study)
    assert sum(p[0].notes for p in journeys.values()) == 7 - 1  # the class note is no pupil's
    assert journeys["A"][0].unplaced == 2
    glance = summary.build(study, 0)
    observe = next(step for step in glance["steps"] if step[0] == "observe:1")
    assert observe[3] == "7 notes (2 in no stage)"
    assert "2 of its 7 notes are in no stage" in " ".join(check_study(path).notes)
    assert "2 of the lesson's 7 notes" in markdown


def test_an_old_file_keeps_its_notes_stages_and_places_the_rest(tmp_path):
    """A schema-1 file: per-observer marks; a note with no stage, one on a stage
    taken out of the plan. It opens with nothing pointing at a missing stage."""
    study, ids = study_with_a_taught_lesson()
    study.notes = [
        Observation(1, "Ruth", at(12), "B", "filed under Count by Ruth", stage_id=ids[0]),
        Observation(1, "Tia", at(13), "A", "no stage: Tia never pressed ctrl+n"),
        # Not chosen yet: a file of this schema could not hold a chosen stage that is
        # not in the plan; the UPDATE below chooses it, as schema 1 recorded it.
        Observation(
            1,
            "Tia",
            at(14),
            "A",
            "on a deleted stage",
            stage_id=new_id(),
            stage_chosen=False,
        ),
    ]
    path = tmp_path / "old.lessonstudy"
    StudyFile.create(path, study).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("UPDATE note SET stage_chosen = 1 WHERE stage_id IS NOT NULL")
        con.execute("ALTER TABLE note DROP COLUMN stage_chosen")
        con.execute("ALTER TABLE note DROP COLUMN starred")  # schema 3's
        con.execute("DROP TABLE erased_note")  # schema 4's
        con.execute("PRAGMA user_version = 1")
    with StudyFile.open(path) as study_file:  # migrates
        notes = {n.text: n for n in study_file.notes(1)}
    assert notes["filed under Count by Ruth"].stage_id == ids[0]  # as filed then
    assert notes["no stage: Tia never pressed ctrl+n"].stage_id == ids[1]  # the timeline's
    assert notes["on a deleted stage"].stage_id == ids[1]
    assert not notes["on a deleted stage"].stage_chosen
    assert check_study(path).sound


# ------------------------------------------------------------------ removing stages and pupils


def test_removing_a_taught_stage_moves_everything_that_points_at_it(taught):
    # Deleting a stage after the lesson silently dropped its notes from the
    # write-up, while info and check still counted them and check said sound.
    path, ids = taught
    with StudyFile.open(path) as study_file:
        evidence = stages.stage_evidence(study_file, 1, ids[1])
        assert evidence.taught and evidence.notes == 3 and evidence.judgements == 1
        with pytest.raises(LessonStudyError, match="say which stage they go to"):
            stages.remove_stage(study_file, 1, ids[1], None)
        stages.remove_stage(study_file, 1, ids[1], ids[0])
        study = study_file.load()
    assert [s.title for s in study.lesson(1).stages] == ["Count", "Share"]
    notes = {n.text: n for n in study.live_notes(1)}
    assert notes["places 3/4"].stage_id == ids[0]  # the clock's marks moved with it
    assert notes["chosen for Place"].stage_id == ids[0]
    assert study.discussion(1).judgement(ids[0], "B") is Judgement.LESS
    assert not any(m.stage_id == ids[1] for m in study.marks)
    report_text = report.render_markdown(study)
    assert all(note.text in report_text for note in study.live_notes(1))
    assert check_study(path).sound


def test_a_pupil_with_notes_is_not_removed(taught):
    path, _ids = taught
    with StudyFile.open(path) as study_file:
        problem = pupils.removal_problem(study_file, "B")
        assert problem and "2 observation notes" in problem and "1 judgement" in problem
        with pytest.raises(LessonStudyError, match="cannot be removed"):
            pupils.remove_pupil(study_file, "B")
        assert pupils.removal_problem(study_file, "C") is None
        pupils.remove_pupil(study_file, "C")
        study = study_file.load()
    assert study.labels == ["A", "B"]
    assert all("C" not in s.predictions for lesson in study.lessons for s in lesson.stages)


# --------------------------------------------------------------------------- predictions


def test_a_prediction_changed_after_the_lesson_began_keeps_what_was_predicted(taught):
    path, _ids = taught
    with StudyFile.open(path) as study_file:
        plan, revision = study_file.read(documents.lesson(1))
        started = study_file.timeline(1).started is not None
        process.record_prediction(
            plan.stages[0], "A", "counts in fives", at=at(40), lesson_started=started
        )
        study_file.save(documents.lesson(1), plan, revision)
        study = study_file.load()
    cell = process.evidence_grid(study, 1).rows[0].cells["A"]
    assert cell.prediction == "A at Count"  # sealed when the first stage started
    assert cell.changed_to == "counts in fives" and cell.changed_at == at(40)
    markdown = report.render_markdown(study)
    assert "Changed after the lesson began" in markdown and "counts in fives" in markdown
    # Changed back to what it was: nothing to say any more.
    stage = study.lesson(1).stages[0]
    process.record_prediction(stage, "A", "A at Count", at=at(41), lesson_started=True)
    assert not stage.record("A").changed_after_start


def test_predictions_copied_to_the_next_plan_count_apart_until_looked_at(taught):
    # RL2's plan, a copy of RL1's, at once showed "every prediction written ✓".
    path, _ids = taught
    with StudyFile.open(path) as study_file:
        study_file.save(documents.discussion(1), Discussion(1, agreed_changes=["Fold first"]), 1)
        carried = carry_into_next_plan(study_file, 1)
        assert carried.copied and carried.on_checklist == 1
        plan, _ = study_file.read(documents.lesson(2))
    counts = process.prediction_counts(plan, ["A", "B", "C"])
    assert (counts.carried, counts.written, counts.missing) == (6, 0, 3)
    step = process.plan_step(new_study("x"), plan)
    assert "6 carried-over predictions" in step.detail
    process.confirm_prediction(plan.stages[0], "A", at=at(60))
    assert process.prediction_counts(plan, ["A", "B", "C"]).written == 1


def test_changes_agreed_later_reach_the_started_plan(taught):
    path, _ids = taught
    with StudyFile.open(path) as study_file:
        study_file.save(documents.discussion(1), Discussion(1, agreed_changes=["Fold first"]), 1)
        carry_into_next_plan(study_file, 1)
        plan, revision = study_file.read(documents.lesson(2))
        plan.carried_changes[0].done = True
        study_file.save(documents.lesson(2), plan, revision)
        discussion, revision = study_file.read(documents.discussion(1))
        discussion.agreed_changes += ["Eight cards", "Pairs count aloud"]
        study_file.save(documents.discussion(1), discussion, revision)
        assert carry_into_next_plan(study_file, 1).added == 2
        discussion.agreed_changes = ["Eight cards"]  # two taken back, one already worked in
        study_file.save(documents.discussion(1), discussion, revision + 1)
        carry_into_next_plan(study_file, 1)
        plan, _ = study_file.read(documents.lesson(2))
    assert [(c.text, c.done) for c in plan.carried_changes] == [
        ("Eight cards", False),
        ("Fold first", True),
    ]


# --------------------------------------------------------------------------- the write-up


def test_the_recorders_points_at_the_agreed_changes_step_reach_the_write_up():
    study = read_json(example_study_path())
    markdown = report.render_markdown(study)
    for discussion in study.discussions:
        for point in discussion.records["agreed_changes"]:
            assert point in markdown
    assert "Talked about giving the green table a pre-marked line" in markdown


# --------------------------------------------------------------------------- conflicts


def test_three_way_merge_takes_each_sides_own_changes():
    base = {"a": "1", "b": "1", "stages": [{"id": "x", "t": "1"}, {"id": "y", "t": "1"}]}
    mine = {"a": "2", "b": "1", "stages": [{"id": "x", "t": "2"}, {"id": "y", "t": "1"}]}
    theirs = {"a": "1", "b": "3", "stages": [{"id": "x", "t": "1"}, {"id": "y", "t": "3"}]}
    merged, clashes = three_way.merge(base, mine, theirs)
    assert merged == {"a": "2", "b": "3", "stages": [{"id": "x", "t": "2"}, {"id": "y", "t": "3"}]}
    assert clashes == []
    merged, clashes = three_way.merge({"a": "1"}, {"a": "2"}, {"a": "3"})
    assert merged == {"a": "2"} and clashes == [("a",)]


def test_a_note_corrected_in_two_places_merges_by_field(taught):
    path, _ids = taught
    with StudyFile.open(path) as one, StudyFile.open(path) as two:
        base = next(n for n in one.notes(1) if n.text == "places 3/4")
        one.update_note(attrs_evolve(base, text="places 3/4 on the line"), base)
        two.update_note(attrs_evolve(base, judgement=Judgement.UNEXPECTED), base)
        (note,) = [n for n in one.notes(1) if n.id == base.id]
        assert (note.text, note.judgement) == ("places 3/4 on the line", Judgement.UNEXPECTED)
        assert one.conflicts() == []
        # Both changed the text: a real collision, shown in plain words.
        two.update_note(attrs_evolve(note, text="from Tia"), note)
        one.update_note(attrs_evolve(note, text="from Ruth"), note)
        [conflict] = one.conflicts()
        view = conflicts.describe(one, conflict)
        [difference] = view.differences
        assert (difference.where, difference.now, difference.other) == (
            "what was seen",
            "from Ruth",
            "from Tia",
        )
        assert "Ruth's" in view.what and "RL1" in view.what
        conflicts.keep_both(one, conflict)
        texts = [n.text for n in one.notes(1) if not n.deleted]
        assert "from Ruth" in texts and "from Tia" in texts
        assert one.conflicts() == []


def attrs_evolve(note: Observation, **changes: object) -> Observation:
    import attrs

    return attrs.evolve(note, **changes)
