"""The bundled example study: complete, faithful to the cycle, and loadable strictly."""

from __future__ import annotations

import collections
import re

import attrs
import pytest

from lessonstudy import process, resources
from lessonstudy.model import CLASS, Judgement, Study
from lessonstudy.protocols import load_protocol
from lessonstudy.store import StudyFile
from lessonstudy.store.converter import to_json
from lessonstudy.store.export import dumps, read_json


@pytest.fixture(scope="module")
def study() -> Study:
    return read_json(resources.example_study_path())


def test_the_file_is_a_canonical_export(study):
    # Written by export.dumps: re-exporting gives the same text, byte for byte.
    text = resources.example_study_path().read_text(encoding="utf-8")
    assert dumps(study) == text


def test_overview_and_people(study):
    o = study.overview
    assert o.focus.startswith("We want to learn how to improve the way pupils learn")
    assert o.research_question and o.technique and o.evidence and o.aim
    assert o.protocol == "english" and o.protocol_agreed
    assert "performance management" in o.protocol_text
    assert o.interview_prompts == list(load_protocol("english").interview_prompts)
    assert o.class_details.year_group == "Year 4"
    assert 3 <= len(study.members) <= 4
    assert study.labels == ["A", "B", "C"]
    for pupil in study.pupils:
        assert pupil.pseudonym and pupil.learner_group and pupil.why_chosen
        assert pupil.starting_point
        assert pupil.private_note == ""  # exports never carry private notes


def test_three_lessons_every_stage_predicted_and_observed_for_every_pupil(study):
    assert [lesson.number for lesson in study.lessons] == [1, 2, 3]
    for lesson in study.lessons:
        assert 5 <= len(lesson.stages) <= 6
        assert lesson.date and lesson.time and lesson.teacher
        assert lesson.learning_intentions and lesson.success_criteria
        assert set(lesson.pupil_success_criteria) == set(study.labels)
        assert process.missing_predictions(lesson, study.labels) == []
        for stage in lesson.stages:
            assert stage.minutes and stage.teacher_activity and stage.pupil_activity
            assert stage.assessment and stage.patterns
            assert all(stage.observed.get(label, "").strip() for label in study.labels)
        assert process.unobserved_pupils(lesson, study.labels) == []
        assert 2 <= len(lesson.observers) <= 3
        assert lesson.teacher not in lesson.observers


def test_the_teacher_changes_each_cycle(study):
    teachers = [lesson.teacher for lesson in study.lessons]
    assert len(set(teachers)) == 3


def test_notes_cover_every_pupil_in_every_lesson(study):
    for lesson in study.lessons:
        notes = study.live_notes(lesson.number)
        assert 25 <= len(notes) <= 45
        assert {note.about for note in notes} == {*study.labels, CLASS}
        assert {note.observer for note in notes} == set(lesson.observers)
        stage_ids = {stage.id for stage in lesson.stages}
        for note in notes:
            assert note.stage_id in stage_ids
            assert note.at.tzinfo is not None and note.at.date() == lesson.date
            assert note.about == CLASS or note.about in lesson.assignments[note.observer]
        # notes run across the whole lesson, not just its start
        assert {note.stage_id for note in notes} == stage_ids


def test_notes_mix_judgements_and_progress_improves(study):
    less_share = []
    for lesson in study.lessons:
        pupil_notes = [n for n in study.live_notes(lesson.number) if n.about != CLASS]
        kinds = collections.Counter(n.judgement for n in pupil_notes)
        assert len(kinds) >= 3
        assert any(n.critical for n in pupil_notes)
        assert any("'" in n.text for n in pupil_notes)  # pupils' exact words
        less_share.append(kinds[Judgement.LESS] / len(pupil_notes))
    assert less_share[0] > less_share[1] > less_share[2]


def test_stage_marks_for_every_observer_and_stage_plus_the_end(study):
    for lesson in study.lessons:
        marks = [m for m in study.marks if m.lesson == lesson.number]
        for observer in lesson.observers:
            theirs = [m.stage_id for m in marks if m.observer == observer]
            assert theirs == [*(stage.id for stage in lesson.stages), None]
        # Each observer's marks (the example predates the shared clock) read as
        # one timeline: every stage ran, and every note is in the stage that
        # timeline gives its time.
        clock = process.lesson_clock(lesson, marks)
        assert all(row.actual_minutes for row in clock)
        line = process.timeline(lesson, marks)
        for note in study.live_notes(lesson.number):
            assert note.stage_id == line.stage_at(note.at)


def test_interviews(study):
    prompts = load_protocol("english").interview_prompts
    for lesson in study.lessons:
        interviews = study.lesson_interviews(lesson.number)
        assert 2 <= len(interviews) <= 3
        for interview in interviews:
            assert [a.prompt for a in interview.answers][: len(prompts)] == list(prompts)
            assert all(a.answer.strip() for a in interview.answers)
            assert interview.interviewer and interview.started
        assert any(a.quote for i in interviews for a in i.answers)


def test_discussions_follow_the_english_protocol(study):
    step_ids = {step.id for step in load_protocol("english").steps}
    for lesson in study.lessons:
        discussion = study.discussion(lesson.number)
        assert discussion is not None
        assert discussion.chair and discussion.recorder and discussion.attendees
        assert set(discussion.records) <= step_ids
        assert discussion.records["evidence"] and discussion.records["interviews"]
        assert discussion.agreed_changes
        assert discussion.commentator_remarks


def test_later_plans_carry_the_agreed_changes_forward(study):
    for number in (2, 3):
        lesson = study.lesson(number)
        previous = study.discussion(number - 1)
        assert [c.text for c in lesson.carried_changes] == previous.agreed_changes
        assert all(c.done for c in lesson.carried_changes)
    assert study.lesson(1).carried_changes == []


def test_findings_and_open_house(study):
    f = study.findings
    assert f.pupils_learning and f.practice_developed and f.to_share
    house = study.open_house
    assert house.date and house.place and house.invitees and house.visitor_notes
    assert house.lesson == 3
    # The group's own briefing; the handout prints the rules for observers under it.
    assert "Maya (A), Leo (B) or Sami (C)" in house.briefing
    assert house.time and house.teacher == "Priya Shah"
    assert house.date > study.lesson(3).date


def test_every_step_of_the_study_is_done(study):
    assert process.next_step(study) is None


def in_file_order(study: Study) -> str:
    """Canonical JSON, with lists in one order (the study file sorts by time)."""
    return to_json(
        attrs.evolve(
            study,
            notes=sorted(study.notes, key=lambda n: (n.at, str(n.id))),
            marks=sorted(study.marks, key=lambda m: (m.at, str(m.id))),
            interviews=sorted(study.interviews, key=lambda i: (i.lesson, i.started, str(i.id))),
        )
    )


def test_it_becomes_a_study_file_that_reads_back_the_same(study, tmp_path):
    with StudyFile.create(tmp_path / "example.lessonstudy", study) as file:
        assert in_file_order(file.load()) == in_file_order(study)


# --------------------------------------------------------------------------- the group's judgements

PHRASES = (
    ("as predicted", Judgement.AS_PREDICTED),
    ("better than predicted", Judgement.BETTER),
    ("less than predicted", Judgement.LESS),
    ("less", Judgement.LESS),
    ("unexpected", Judgement.UNEXPECTED),
)


def said(text: str) -> Judgement | None:
    """The judgement a line of the discussion record leads with ("Better than predicted: ...")."""
    lowered = text.strip().lower()
    for phrase, judgement in PHRASES:
        if lowered.startswith(phrase):
            return judgement
    return None


STAGES_SAID = re.compile(
    r"(as predicted|better than predicted|less than predicted|unexpected|less)"
    r"(?: at first)? at stages? (\d+(?:(?:, | and |–)\d+)*)"
)


def stages_said(point: str) -> dict[int, Judgement]:
    """'better than predicted at stages 2 and 5 ... unexpected at stage 3' -> {2: +, 5: +, 3: ?}."""
    found: dict[int, Judgement] = {}
    for words, numbers in STAGES_SAID.findall(point.lower()):
        judgement = said(words)
        assert judgement is not None
        for part in re.split(r", | and ", numbers):
            first, _, last = part.partition("–")
            for number in range(int(first), int(last or first) + 1):
                found[number] = judgement
    return found


def test_every_cell_has_the_groups_judgement_agreeing_with_its_record(study):
    # The report's cell verdict was a plurality of the notes' marks: 17 of the 54
    # cells contradicted the group's own "Observed:" line. The group's judgement
    # is recorded now, and it agrees with what the group wrote.
    cells = 0
    for lesson in study.lessons:
        grid = process.evidence_grid(study, lesson.number)
        discussion = study.discussion(lesson.number)
        for row in grid.rows:
            for label, cell in row.cells.items():
                cells += 1
                assert cell.verdict.judgement is not None
                assert said(cell.observed) is cell.verdict.judgement, (lesson.number, row, label)
        for point in discussion.records["evidence"]:
            label = point.removeprefix("Pupil ")[:1]
            if label not in study.labels:
                continue
            for number, judgement in stages_said(point).items():
                cell = grid.rows[number - 1].cells[label]
                assert cell.verdict.judgement is judgement, (lesson.number, number, label)
    assert cells == 54


def test_the_reports_cell_verdicts_agree_with_the_discussion_record(study):
    from lessonstudy import report

    markdown = report.render_markdown(study)
    # The evidence tables: | stage | pupil | predicted | observed | judged |
    verdicts = re.findall(
        r"^\|[^|\n]*\| (\w) \|[^|\n]*\| ([^|\n]*) \| `(.)` ([a-z ]+) \|$",
        markdown,
        flags=re.MULTILINE,
    )
    assert len(verdicts) == 54
    for _label, observed, symbol, words in verdicts:
        judgement = Judgement.from_symbol(symbol)
        assert words == judgement.words
        assert said(observed) is judgement
    # No cell anywhere carries a verdict worked out from the notes' marks.
    assert "not judged" not in markdown.split("## Each case pupil's progress")[0]
