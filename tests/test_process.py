"""The cycle's rules: step states derived from data, next step, coverage,
carry-forward, the evidence grid, pupils' journeys and the lesson clock."""

from __future__ import annotations

import datetime as dt

from lessonstudy import process
from lessonstudy.model import (
    CLASS,
    Answer,
    CasePupil,
    Discussion,
    Findings,
    Interview,
    Judgement,
    Member,
    Observation,
    Stage,
    StageMark,
    Study,
    new_study,
)
from lessonstudy.process import StepKind, StepState

T0 = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


def planned_study() -> Study:
    study = new_study("Fractions")
    o = study.overview
    o.focus, o.research_question, o.technique = "fractions", "how?", "number lines"
    o.protocol_agreed = True
    study.members = [Member("Ann"), Member("Ben"), Member("Cy")]
    for pupil, name in zip(study.pupils, ["Maya", "Theo", "Priya"], strict=True):
        pupil.pseudonym = name
    lesson = study.lessons[0]
    lesson.teacher = "Ann"
    lesson.stages = [
        Stage(title="Count", minutes=5, predictions={"A": "a", "B": "b", "C": "c"}),
        Stage(title="Place", minutes=10, predictions={"A": "a", "B": "b", "C": "c"}),
    ]
    lesson.assignments = {"Ben": ["A", "B"], "Cy": ["C"]}
    return study


def state_of(study: Study, step_id: str) -> StepState:
    return {s.id: s for s in process.steps(study)}[step_id].state


def test_a_new_study_starts_at_the_initial_meeting() -> None:
    study = new_study("x")
    steps = process.steps(study)
    assert [s.id for s in steps][:5] == [
        "initial",
        "plan:1",
        "observe:1",
        "interviews:1",
        "discussion:1",
    ]
    assert steps[-2:] == [process.open_house_step(study), process.write_up_step(study)]
    assert len(steps) == 1 + 3 * 4 + 2
    assert all(s.state is StepState.NOT_STARTED for s in steps)
    assert process.next_step(study).kind is StepKind.INITIAL


def test_states_come_from_the_data() -> None:
    study = planned_study()
    assert state_of(study, "initial") is StepState.DONE
    assert state_of(study, "plan:1") is StepState.DONE
    assert process.next_step(study).id == "observe:1"

    study.lessons[0].stages[1].predictions["C"] = " "
    plan = {s.id: s for s in process.steps(study)}["plan:1"]
    assert plan.state is StepState.IN_PROGRESS
    assert "1 predictions" in plan.detail
    assert process.missing_predictions(study.lessons[0], study.labels) == [(2, "C")]


def test_a_pupil_without_an_observer_keeps_the_plan_open() -> None:
    study = planned_study()
    study.lessons[0].assignments = {"Ben": ["A", "B"]}
    assert process.unobserved_pupils(study.lessons[0], study.labels) == ["C"]
    assert state_of(study, "plan:1") is StepState.IN_PROGRESS


def test_observing_is_done_when_the_lesson_ended_with_notes() -> None:
    study = planned_study()
    stage = study.lessons[0].stages[0]
    study.marks.append(StageMark(1, "Ben", T0, stage.id))
    assert state_of(study, "observe:1") is StepState.IN_PROGRESS
    study.notes.append(Observation(1, "Ben", T0, "A", "counts on", stage.id))
    study.marks.append(StageMark(1, "Ben", T0 + dt.timedelta(minutes=20), None))
    assert state_of(study, "observe:1") is StepState.DONE


def test_interviews_discussion_and_write_up_states() -> None:
    study = planned_study()
    study.interviews.append(Interview(1, "A", answers=[Answer("What did you learn?")]))
    assert state_of(study, "interviews:1") is StepState.IN_PROGRESS
    study.interviews[0].answers[0].answer = "quarters"
    assert state_of(study, "interviews:1") is StepState.DONE

    study.discussions.append(Discussion(1, records={"pupils": ["B did better"]}))
    assert state_of(study, "discussion:1") is StepState.IN_PROGRESS
    study.discussions[0].agreed_changes = ["blank number line first"]
    assert state_of(study, "discussion:1") is StepState.DONE

    study.findings = Findings("they learn", "number lines", "")
    assert state_of(study, "write_up") is StepState.IN_PROGRESS
    study.findings.to_share = "poster"
    assert state_of(study, "write_up") is StepState.DONE


def test_the_last_discussion_needs_no_changes_for_a_next_lesson() -> None:
    study = planned_study()
    study.discussions.append(Discussion(3, records={"pupils": ["all placed 3/4"]}))
    assert state_of(study, "discussion:3") is StepState.DONE


def test_carry_forward_copies_the_plan_and_turns_changes_into_a_checklist() -> None:
    study = planned_study()
    previous = study.lessons[0]
    previous.stages[0].observed = {"A": "did it"}
    previous.date = dt.date(2026, 3, 4)
    discussion = Discussion(1, agreed_changes=["blank line first", "pairs talk"])

    plan = process.carry_forward(previous, discussion, 2)

    assert plan.number == 2
    assert [s.title for s in plan.stages] == ["Count", "Place"]
    assert plan.stages[0].predictions == previous.stages[0].predictions
    assert plan.stages[0].observed == {}  # belongs to the lesson that was taught
    assert {s.id for s in plan.stages}.isdisjoint({s.id for s in previous.stages})
    assert [c.text for c in plan.carried_changes] == ["blank line first", "pairs talk"]
    assert not any(c.done for c in plan.carried_changes)
    assert plan.date is None and plan.teacher == ""
    # The copy is independent: editing it leaves the taught plan alone.
    plan.stages[0].predictions["A"] = "changed"
    plan.assignments["Ben"].append("C")
    assert previous.stages[0].predictions["A"] == "a"
    assert previous.assignments["Ben"] == ["A", "B"]
    assert process.is_blank_plan(study.lessons[1])
    assert not process.is_blank_plan(plan)


def test_open_changes_keep_the_next_plan_in_progress() -> None:
    study = planned_study()
    plan = process.carry_forward(study.lessons[0], Discussion(1, agreed_changes=["x"]), 2)
    plan.teacher = "Dee"
    study.lessons[1] = plan
    assert state_of(study, "plan:2") is StepState.IN_PROGRESS
    plan.carried_changes[0].done = True
    # Copied predictions are not this lesson's until the group looks at each again.
    step = {s.id: s for s in process.steps(study)}["plan:2"]
    assert step.state is StepState.IN_PROGRESS
    assert "6 carried-over predictions" in step.detail
    for stage in plan.stages:
        for label in "ABC":
            assert process.confirm_prediction(stage, label, at=T0)
    assert state_of(study, "plan:2") is StepState.DONE
    # Ben, copied from RL1 as A's and B's observer, cannot watch them while he teaches.
    plan.teacher = "Ben"
    step = {s.id: s for s in process.steps(study)}["plan:2"]
    assert step.state is StepState.IN_PROGRESS
    assert step.detail == "needs an observer for A (Maya), B (Theo)"


def test_evidence_grid_puts_notes_beside_predictions() -> None:
    study = planned_study()
    count, place = study.lessons[0].stages
    notes = [
        Observation(1, "Ben", T0, "A", "fluent", count.id, Judgement.AS_PREDICTED),
        Observation(1, "Ben", T0, "A", "wow", place.id, Judgement.BETTER, critical=True),
        Observation(1, "Cy", T0, "A", "stuck", place.id, Judgement.LESS),
        Observation(1, "Cy", T0, "A", "stuck again", place.id, Judgement.LESS),
        Observation(1, "Cy", T0, CLASS, "noisy", place.id),
        Observation(1, "Cy", T0, "B", "gone", place.id, deleted=True),
        Observation(2, "Cy", T0, "B", "other lesson", place.id),
    ]
    study.notes.extend(notes)
    grid = process.evidence_grid(study, 1)
    assert grid.labels == ("A", "B", "C")
    assert [row.stage.title for row in grid.rows] == ["Count", "Place"]
    cell = grid.rows[1].cells["A"]
    assert cell.prediction == "a"
    assert [n.text for n in cell.notes] == ["wow", "stuck", "stuck again"]
    # No group judgement yet: the verdict is the counts, never a plurality guess.
    assert cell.verdict.judgement is None
    assert cell.verdict.words == "1 better, 2 less"
    assert cell.critical
    assert grid.rows[1].cells["B"].notes == ()  # deleted notes are not evidence
    assert [n.text for n in grid.rows[1].class_notes] == ["noisy"]
    assert grid.rows[0].cells["A"].verdict.words == "1 as predicted"
    assert grid.rows[0].cells["C"].verdict.words == "no notes"
    # The group's judgement, once recorded in the discussion, is the verdict.
    study.discussions.append(Discussion(1))
    study.discussion(1).set_judgement(place.id, "A", Judgement.BETTER)
    cell = process.evidence_grid(study, 1).rows[1].cells["A"]
    assert cell.verdict.judgement is Judgement.BETTER
    assert cell.verdict.words == "better than predicted"


def test_pupil_journey_counts_judgements_per_lesson() -> None:
    study = planned_study()
    stage = study.lessons[0].stages[0]
    study.notes += [
        Observation(1, "Ben", T0, "A", "x", stage.id, Judgement.LESS),
        Observation(1, "Ben", T0, "A", "y", stage.id, Judgement.LESS),
        Observation(3, "Ben", T0, "A", "z", stage.id, Judgement.BETTER, critical=True),
    ]
    study.discussions.append(Discussion(1))
    study.discussion(1).set_judgement(stage.id, "A", Judgement.AS_PREDICTED)
    journey = process.pupil_journey(study, "A")
    assert [p.lesson for p in journey] == [1, 2, 3]
    # The journey is made of the same cell verdicts as the grid: the group's
    # judgement where it made one (even against the notes' marks), else counts.
    assert journey[0].group_judgements == (Judgement.AS_PREDICTED, None)
    assert journey[0].judgements == {Judgement.LESS: 2} and journey[0].notes == 2
    assert journey[1].notes == 0
    # A note on a stage of another lesson's plan is in no stage of RL3: counted, unplaced.
    assert journey[2].group_judgements == ()  # RL3 has no stages planned
    assert journey[2].notes == 1 and journey[2].unplaced == 1 and journey[2].critical == 1


def test_lesson_clock_measures_stages_from_marks() -> None:
    study = planned_study()
    lesson = study.lessons[0]
    count, place = lesson.stages
    marks = [
        StageMark(1, "Ben", T0, count.id),
        StageMark(1, "Ben", T0 + dt.timedelta(minutes=1), count.id),  # pressed twice
        StageMark(1, "Ben", T0 + dt.timedelta(minutes=7), place.id),
        StageMark(1, "Cy", T0 + dt.timedelta(minutes=9), place.id),  # someone else
        StageMark(1, "Ben", T0 + dt.timedelta(minutes=19, seconds=30), None),
    ]
    rows = process.lesson_clock(lesson, marks)
    assert [(r.planned_minutes, r.actual_minutes) for r in rows] == [(5, 7.0), (10, 12.5)]
    assert process.running_stage(lesson, marks[:3]) == place
    assert process.running_stage(lesson, marks) is None  # the lesson ended
    running = process.lesson_clock(lesson, marks[:3])
    assert running[1].actual_minutes is None and running[1].started is not None


def test_unknown_pupil_label_is_not_in_study() -> None:
    study = planned_study()
    assert study.pupil("Z") is None
    assert isinstance(study.pupil("A"), CasePupil)


def test_lesson_clock_before_any_stage_mark() -> None:
    study = planned_study()
    rows = process.lesson_clock(study.lessons[0], [])
    assert [(r.planned_minutes, r.started, r.actual_minutes) for r in rows] == [
        (5, None, None),
        (10, None, None),
    ]


def test_the_running_stage_comes_from_every_observers_marks() -> None:
    import datetime as dt

    from lessonstudy.model import ResearchLesson, Stage, StageMark
    from lessonstudy.process import running_stage

    one, two = Stage(title="one"), Stage(title="two")
    lesson = ResearchLesson(number=1, stages=[one, two])
    t0 = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    marks = [
        StageMark(lesson=1, observer="Ruth", at=t0, stage_id=one.id),
        StageMark(lesson=1, observer="Sam", at=t0 + dt.timedelta(minutes=5), stage_id=two.id),
        StageMark(lesson=2, observer="Sam", at=t0 + dt.timedelta(minutes=6), stage_id=None),
    ]
    assert running_stage(lesson, marks, t0 - dt.timedelta(seconds=1)) is None
    assert running_stage(lesson, marks, t0 + dt.timedelta(minutes=1)) is one
    assert running_stage(lesson, marks, t0 + dt.timedelta(minutes=7)) is two  # RL2's end: not ours
    assert running_stage(lesson, marks) is two
    ended = [
        *marks,
        StageMark(lesson=1, observer="Ruth", at=t0 + dt.timedelta(minutes=9), stage_id=None),
    ]
    assert running_stage(lesson, ended) is None
