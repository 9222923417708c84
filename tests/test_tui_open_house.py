"""The findings and open-house screen, and the pupils' journeys, on the example study."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Footer, Input, Select, TabbedContent, TextArea

from lessonstudy.model import OPEN_HOUSE_LESSON, Findings, Judgement, Observation, OpenHouse
from lessonstudy.process import StepState, open_house_step, pupil_journey, write_up_step
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.export import read_json
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.screens.open_house import OpenHouseScreen, default_briefing
from lessonstudy.tui.widgets.evidence_grid import EvidenceView
from lessonstudy.tui.widgets.pupil_journey import (
    PupilJourneyChart,
    group_line,
    journey_counts,
    journeys_table,
)
from tui_helpers import ScreenApp, record_loads, rendered, type_text, worker_done


@pytest.fixture
def study_file(tmp_path: Path) -> Iterator[StudyFile]:
    study = read_json(example_study_path())
    study.findings = Findings()
    study.open_house = OpenHouse()
    with StudyFile.create(tmp_path / "s.lessonstudy", study) as sf:
        yield sf


def open_house_app(study_file: StudyFile) -> ScreenApp:
    return ScreenApp(lambda: OpenHouseScreen(study_file))


async def test_findings_are_typed_and_saved(study_file: StudyFile) -> None:
    app = open_house_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        assert app.focused is screen.query_one("#find-pupils_learning", TextArea)
        await type_text(pilot, "They count marks, not jumps.")
        screen.query_one("#find-practice_developed", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "An arc for every jump.")
        screen.query_one("#find-to_share", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "A poster for the staff room.")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.query_one("#find-to_share", TextArea).text == ""
        await type_text(pilot, "A handout for the maths team.")
        screen.query_one("#find-key_points", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "Jumps, not marks\n\nHow far from 0?\n")
        screen.query_one("#find-end-C", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "Places 3/8 without a strip.")
        screen.query_one("#find-next_steps", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "Year 3 in the summer.")
    findings, _ = study_file.read(documents.FINDINGS)
    assert findings == Findings(
        "They count marks, not jumps.",
        "An arc for every jump.",
        "A handout for the maths team.",
        key_points=["Jumps, not marks", "How far from 0?"],
        next_steps="Year 3 in the summer.",
        end_points={"C": "Places 3/8 without a strip."},
    )
    study = study_file.load()
    assert write_up_step(study).state is StepState.DONE


async def test_open_house_with_the_default_briefing(study_file: StudyFile) -> None:
    app = open_house_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "house"
        # The lesson defaults to the last; the briefing is prefilled from the study
        # (the rules for observers are on the handout, under it).
        assert screen.query_one("#house-lesson", Select).value == 3
        briefing = screen.query_one("#house-briefing", TextArea)
        assert "Stage 1" in briefing.text  # the predictions to watch, from RL3's plan
        default = briefing.text
        assert study_file.read(documents.OPEN_HOUSE)[0].briefing == ""  # shown, not yet stored
        date = screen.query_one("#house-date", Input)
        assert app.focused is date
        await type_text(pilot, "12 March")
        assert study_file.read(documents.OPEN_HOUSE)[0].date is None  # not a date yet: not saved
        date.value = ""
        await type_text(pilot, "2026-03-12")
        screen.query_one("#house-time", Input).focus()
        await pilot.pause()
        await type_text(pilot, "13:40-14:40")
        screen.query_one("#house-teacher", Select).value = "Tom Hughes"
        await pilot.pause()
        screen.query_one("#find-how_shared", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "At the staff meeting")
        screen.query_one("#house-place", Input).focus()
        await pilot.pause()
        await type_text(pilot, "Year 4 classroom")
        screen.query_one("#house-invitees", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "Maths team\n\nHead of school\n")
        screen.query_one("#house-notes", TextArea).focus()
        await pilot.pause()
        await type_text(pilot, "Visitors asked about the bead strings.")
        # F5 puts the default briefing back after an edit.
        briefing.load_text("Short briefing")
        await pilot.pause()
        assert study_file.read(documents.OPEN_HOUSE)[0].briefing == "Short briefing"
        await pilot.press("f5")
        await pilot.pause()
        assert briefing.text == default
    house, _ = study_file.read(documents.OPEN_HOUSE)
    assert house.date == dt.date(2026, 3, 12)
    assert house.place == "Year 4 classroom"
    assert house.invitees == ["Maths team", "Head of school"]
    assert house.visitor_notes == "Visitors asked about the bead strings."
    assert house.briefing == default
    assert house.time == "13:40-14:40" and house.teacher == "Tom Hughes"
    assert study_file.read(documents.FINDINGS)[0].how_shared == "At the staff meeting"
    assert house.lesson is None  # the default (the last lesson) was not changed
    assert open_house_step(study_file.load()).state is StepState.DONE


async def test_pictures_show_each_pupils_journey_and_a_grid(study_file: StudyFile) -> None:
    study = study_file.load()
    app = open_house_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        await pilot.press("f4")
        await worker_done(pilot, "open-house-pictures")  # every note, read in a worker
        chart = rendered(screen.query_one(PupilJourneyChart))
        for pupil in study.pupils:
            assert f"{pupil.label} {pupil.pseudonym}" in chart
        assert "RL1" in chart and "RL3" in chart
        view = screen.query_one(EvidenceView)
        assert view.grid is not None and view.grid.lesson == 3
        screen.query_one("#pictures-lesson", Select).value = 1
        await pilot.pause()
        assert view.grid.lesson == 1
        assert view.table.row_count == len(study.lesson(1).stages)


def test_a_journey_shows_the_groups_judgements_and_counts_the_notes() -> None:
    study = read_json(example_study_path())
    table = journeys_table(study)
    assert len(table.rows) == len(study.pupils)
    for pupil in study.pupils:
        for point in pupil_journey(study, pupil.label):
            # The group's judgement at each stage, in order, reads without colour.
            assert group_line(point).plain == "".join(
                j.symbol if j else "·" for j in point.group_judgements
            )
            counts = journey_counts(point).plain
            for judgement in Judgement:
                shown = f"{judgement.symbol}{point.judgements[judgement]}" in counts
                assert shown == bool(point.judgements[judgement])


def test_the_default_briefing_names_the_lesson_predictions_and_rules() -> None:
    study = read_json(example_study_path())
    text = default_briefing(study, 2)
    assert "RL2" in text
    assert study.overview.focus in text
    assert "Rules for observers" not in text  # the handout prints them under the briefing


async def test_f5_puts_back_the_briefing_only_where_it_can_be_seen(study_file: StudyFile) -> None:
    app = open_house_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        # On the findings tab F5 is neither in the footer nor does anything.
        assert "f5" not in screen.active_bindings
        await pilot.press("f5")
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "findings"
        assert study_file.read(documents.OPEN_HOUSE)[0].briefing == ""
        await pilot.press("f3")
        await pilot.pause()
        assert "f5" in screen.active_bindings
        # At 80 columns the footer is compact, so the keys fit beside the palette.
        assert screen.query_one(Footer).compact is True


async def test_notes_taken_at_the_open_house_are_counted_and_shown_on_their_grid(
    study_file: StudyFile,
) -> None:
    study = study_file.load()
    members = [member.name for member in study.members]
    house_plan = study.lessons[-1]
    first_stage = house_plan.stages[0]
    app = open_house_app(study_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        await pilot.press("f3")
        await pilot.pause()
        line = rendered(screen.query_one("#open-house-notes-count"))
        assert "No notes were taken at the open house" in line
        # A visitor and a member of the group observe the open house (from their phones).
        at = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)
        for observer, text in (("Jo Visitor", "counts on in quarters"), (members[0], "stuck")):
            study_file.add_note(
                Observation(
                    lesson=OPEN_HOUSE_LESSON,
                    observer=observer,
                    at=at,
                    about="A",
                    text=text,
                    stage_id=first_stage.id,
                    judgement=Judgement.BETTER,
                )
            )
        screen.post_message(StudyChanged())
        await pilot.pause()
        line = rendered(screen.query_one("#open-house-notes-count"))
        assert "2 notes taken at the open house, by 1 visitor and the group (1)" in line
        await pilot.press("f4")
        await worker_done(pilot, "open-house-pictures")
        choices = screen.query_one("#pictures-lesson", Select)
        choices.value = OPEN_HOUSE_LESSON
        await pilot.pause()
        view = screen.query_one(EvidenceView)
        assert view.grid is not None and view.grid.lesson == OPEN_HOUSE_LESSON
        cell = view.grid.rows[0].cells["A"]
        assert sorted(n.text for n in cell.notes) == ["counts on in quarters", "stuck"]
        assert cell.prediction == first_stage.predictions["A"]


async def test_others_changes_are_read_only_where_they_show_never_every_note_here(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's notes: the pictures read them in a worker, only while the
    Pictures tab shows; the open house's own notes are read here, on their own
    (every note on the UI thread: 0.75 s at 90,000 notes, for each change)."""
    from textual.screen import Screen

    from lessonstudy.usecases.changes import Change

    study = study_file.load()
    stages = {1: study.lessons[0].stages[0].id, OPEN_HOUSE_LESSON: study.lessons[-1].stages[0].id}
    app = open_house_app(study_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenHouseScreen)
        loads = record_loads(monkeypatch)

        def a_note(lesson: int, text: str) -> Change:
            study_file.add_note(
                Observation(
                    lesson=lesson,
                    observer="Jo Visitor",
                    at=dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC),
                    about="A",
                    text=text,
                    stage_id=stages[lesson],
                    judgement=Judgement.BETTER,
                )
            )
            return Change(note_lessons=frozenset({lesson}))

        # The Findings tab in front: a research lesson's note reads nothing.
        screen.post_message(StudyChanged(a_note(1, "halves first")))
        await pilot.pause()
        assert loads == []
        # A visitor's note at the open house: its own notes only, for the count.
        screen.post_message(StudyChanged(a_note(OPEN_HOUSE_LESSON, "counts on")))
        await pilot.pause()
        assert loads == [(True, OPEN_HOUSE_LESSON, True)]
        assert "1 note taken at the open house" in rendered(
            screen.query_one("#open-house-notes-count")
        )
        await pilot.press("f4")  # the pictures: every note, in a worker
        await worker_done(pilot, "open-house-pictures")
        grid = screen.query_one(EvidenceView).grid
        assert grid is not None and grid.lesson == 3  # the last lesson with notes
        assert screen._pictures is not None
        assert "halves first" in {n.text for n in screen._pictures.study.notes}
        screen.query_one("#pictures-lesson", Select).value = 1
        await pilot.pause()
        rl1 = screen.query_one(EvidenceView).grid
        assert rl1 is not None and "halves first" in {n.text for n in rl1.rows[0].cells["A"].notes}

        # Hidden under another screen: nothing read; shown again: read.
        await app.push_screen(Screen())
        before = len(loads)
        screen.post_message(StudyChanged(a_note(1, "quarters next")))
        await pilot.pause()
        assert len(loads) == before
        app.pop_screen()
        await worker_done(pilot, "open-house-pictures")
        rl1 = screen.query_one(EvidenceView).grid
        assert rl1 is not None
        assert "quarters next" in {n.text for n in rl1.rows[0].cells["A"].notes}
        assert not any(load.whole_on_ui_thread for load in loads)
