"""The post-lesson discussion runner, driven with Pilot on the example study.

RL1's discussion is taken out of the example so that the test runs it from
the start, as a chair and recorder would; RL2's plan is blanked so that we
can see the agreed changes become its checklist.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from textual import events
from textual.widgets import Footer, Input, OptionList, Static, TextArea

from lessonstudy.model import (
    CasePupil,
    Discussion,
    Judgement,
    Observation,
    ResearchLesson,
    Study,
)
from lessonstudy.process import StepState as CycleState
from lessonstudy.process import carry_forward, discussion_step, evidence_grid
from lessonstudy.protocols import load_protocol
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.export import read_json
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.screens.discussion import (
    DiscussionScreen,
    HeaderDialog,
    PointsEditor,
    default_discussion,
    study_for_lesson,
)
from lessonstudy.tui.widgets.evidence_grid import (
    EvidenceDetail,
    EvidenceView,
    cell_text,
    judgement_badge,
)
from lessonstudy.tui.widgets.evidence_grid.table import TYPING_RUN_SECONDS
from lessonstudy.tui.widgets.pupil_journey import PupilJourneyChart
from lessonstudy.usecases.changes import Change
from tui_helpers import ScreenApp, key_event, rendered, type_text, until


def example_without_rl1_discussion() -> Study:
    study = read_json(example_study_path())
    study.discussions = [d for d in study.discussions if d.lesson != 1]
    study.lessons[1] = ResearchLesson(number=2, date=study.lessons[1].date)
    # RL2's plan is blank again: its notes are in no stage of it (none may point at
    # a stage the plan does not have).
    study.notes = [
        attrs.evolve(n, stage_id=None, stage_chosen=False) if n.lesson == 2 else n
        for n in study.notes
    ]
    return study


@pytest.fixture
def study_file(tmp_path: Path) -> Iterator[StudyFile]:
    study_file = StudyFile.create(
        tmp_path / "fractions.lessonstudy", example_without_rl1_discussion()
    )
    yield study_file
    study_file.close()


def discussion_app(study_file: StudyFile, lesson: int = 1) -> ScreenApp:
    return ScreenApp(lambda: DiscussionScreen(study_file, lesson))


async def test_full_rl1_discussion_then_rl2_starts_with_the_agreed_changes(
    study_file: StudyFile,
) -> None:
    study = study_file.load()
    protocol = load_protocol("english")
    app = discussion_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        # Step 1: the evidence, stages down and case pupils across.
        assert screen.step.kind.value == "evidence"
        table = screen.query_one(EvidenceView).table
        assert table.row_count == len(study.lesson(1).stages)
        assert len(table.columns) == len(study.pupils)
        assert app.focused is table
        # Moving to pupil B at stage 2 shows its prediction beside every note on it.
        await pilot.press("down", "right")
        grid = evidence_grid(study, 1)
        cell = grid.rows[1].cells["B"]
        assert cell.notes, "the example has notes on pupil B at stage 2"
        detail = rendered(screen.query_one(EvidenceDetail))
        assert cell.prediction.split()[0] in detail
        for note in cell.notes:
            assert note.at.strftime("%H:%M") in detail
            assert note.observer in detail
        # The recorder notes a point under the evidence step.
        await pilot.press("f4")
        assert app.focused is screen.query_one("#point-input", Input)
        await type_text(pilot, "B counted the marks, not the jumps")
        await pilot.press("enter")

        # Step 2: the interviews of this lesson, quotes first.
        await pilot.press("ctrl+n")
        assert screen.step.kind.value == "interviews"
        said = rendered(screen.query_one("#interviews-text", Static))
        quoted = [
            a.answer for i in study.lesson_interviews(1) for a in i.answers if a.quote and a.answer
        ]
        assert quoted and quoted[0].split()[0] in said
        assert "Quotes for the write-up" in said

        # Steps 3-5: points, with the journeys to look at.
        for text in ("Maya secure; not stretched", "We under-estimated the line", "Arc per jump"):
            await pilot.press("ctrl+n")
            assert screen.step.kind.value == "points"
            assert app.focused is screen.query_one("#point-input", Input)
            await type_text(pilot, text)
            await pilot.press("enter")

        # Step 6: the agreed changes.
        await pilot.press("ctrl+n")
        assert screen.step.kind.value == "agreed_changes"
        agreed = ["Count the jumps: one arc per count", "Fold a paper strip first"]
        for text in agreed:
            await type_text(pilot, text)
            await pilot.press("enter")
        explanation = rendered(screen.query_one("#content-agreed", Static))
        assert "RL2" in explanation and "checklist" in explanation

        # Step 7: the final commentator.
        await pilot.press("ctrl+n")
        assert screen.step.kind.value == "commentator"
        assert isinstance(app.focused, TextArea)
        await type_text(pilot, "The counting was secure; the placing was not.")
        await pilot.press("ctrl+n")  # the last step: stays put
        assert screen.step_index == len(protocol.steps) - 1
        assert "Saved" in rendered(screen.query_one("#discussion-saved", Static))

    saved, revision = study_file.read(documents.discussion(1))
    assert revision > 0
    assert isinstance(saved, Discussion)
    assert saved.records["evidence"] == ["B counted the marks, not the jumps"]
    assert saved.records["progress"] == ["Maya secure; not stretched"]
    assert saved.records["differences"] == ["We under-estimated the line"]
    assert saved.records["adjustments"] == ["Arc per jump"]
    assert saved.agreed_changes == agreed
    assert saved.commentator_remarks == "The counting was secure; the placing was not."
    assert saved.chair == "Priya Shah" and saved.recorder == "Tom Hughes"  # from the roles
    # The step is done, and RL2's plan starts from RL1's with the changes as its checklist.
    after = study_file.load()
    assert discussion_step(after, after.lesson(1)).state is CycleState.DONE
    rl2 = carry_forward(after.lesson(1), after.discussion(1), 2)
    assert [item.text for item in rl2.carried_changes] == agreed
    assert not any(item.done for item in rl2.carried_changes)


async def test_agreed_changes_reach_the_next_plan_without_a_key(study_file: StudyFile) -> None:
    # RL2's plan once said "Not sent to the next plan ... press F3" beside "Carried
    # forward ... 3 agreed changes", and a change agreed after F3 was not carried.
    app = discussion_app(study_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        assert "discussion.send_changes" not in {
            b.binding.id for b in screen.active_bindings.values()
        }
        screen.go_to_step(5)
        await pilot.pause()
        await type_text(pilot, "Fold a paper strip first")
        await pilot.press("enter")
        explanation = " ".join(rendered(screen.query_one("#content-agreed", Static)).split())
        assert "RL2's plan starts from RL1's, with 1 agreed change (1 to work in)" in explanation
        plan, _ = study_file.read(documents.lesson(2))
        rl1, _ = study_file.read(documents.lesson(1))
        assert [c.text for c in plan.carried_changes] == ["Fold a paper strip first"]
        assert [s.title for s in plan.stages] == [s.title for s in rl1.stages]
        # A change agreed later reaches the started plan too, with no key pressed.
        await type_text(pilot, "Eight cards, not twelve")
        await pilot.press("enter")
        explanation = " ".join(rendered(screen.query_one("#content-agreed", Static)).split())
        assert "RL2's checklist has 2 agreed changes (2 to work in)" in explanation
        await pilot.press("escape")
        await pilot.pause()
        assert not [n for n in app._notifications if n.severity == "warning"]
    plan, _ = study_file.read(documents.lesson(2))
    assert [c.text for c in plan.carried_changes] == [
        "Fold a paper strip first",
        "Eight cards, not twelve",
    ]
    assert plan.copied_from == 1


async def test_an_agreed_change_pasted_as_several_lines_keeps_every_line(
    study_file: StudyFile,
) -> None:
    # Seen in a trial: Textual's Input keeps only a paste's first line, so the second
    # line of an agreed change was gone from the discussion, the plan and the report.
    app = discussion_app(study_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        screen.go_to_step(5)
        await pilot.pause()
        assert isinstance(app.focused, Input)
        app.post_message(events.Paste("Fold a paper strip first\r\n\n  then count the jumps\n"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    plan, _ = study_file.read(documents.lesson(2))
    assert [c.text for c in plan.carried_changes] == [
        "Fold a paper strip first then count the jumps"
    ]


async def test_points_can_be_edited_deleted_and_undone(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        screen.go_to_step(2)  # progress
        await pilot.pause()
        for text in ("first point", "second point"):
            await type_text(pilot, text)
            await pilot.press("enter")
        points = screen.query_one("#point-list", OptionList)
        points.focus()
        points.highlighted = 0
        await pilot.pause()
        await pilot.press("enter")  # edit the first point
        field = screen.query_one("#point-input", Input)
        assert app.focused is field and field.value == "first point"
        field.value = ""
        await type_text(pilot, "first point, corrected")
        await pilot.press("enter")
        assert screen.discussion.records["progress"] == ["first point, corrected", "second point"]
        points.focus()
        points.highlighted = 1
        await pilot.pause()
        await pilot.press("delete")
        assert screen.discussion.records["progress"] == ["first point, corrected"]
        await pilot.press("ctrl+z")
        assert screen.discussion.records["progress"] == ["first point, corrected", "second point"]
        await pilot.press("ctrl+z")
        assert screen.discussion.records["progress"] == ["first point", "second point"]
        assert screen.query_one(PointsEditor).points == ["first point", "second point"]
    saved, _ = study_file.read(documents.discussion(1))
    assert saved.records["progress"] == ["first point", "second point"]


async def test_header_sets_date_chair_recorder_and_attendees(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, HeaderDialog)
        date = dialog.query_one("#header-date", Input)
        date.value = "21 Jan"
        await pilot.press("ctrl+s")
        assert app.screen is dialog  # not a date: the dialog stays, nothing saved
        date.value = "2026-01-21"
        dialog.query_one("#header-attendees").deselect("Helen Marsh")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        header = rendered(screen.query_one("#discussion-title", Static))
        assert "21 Jan 2026" in header and "3 attending" in header
    saved, _ = study_file.read(documents.discussion(1))
    assert saved.date == dt.date(2026, 1, 21)
    assert "Helen Marsh" not in saved.attendees and len(saved.attendees) == 3


async def test_the_steps_follow_the_studys_protocol(tmp_path: Path) -> None:
    study = example_without_rl1_discussion()
    study.overview.protocol = "us"
    us = load_protocol("us")
    with StudyFile.create(tmp_path / "us.lessonstudy", study) as study_file:
        app = discussion_app(study_file)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            steps = screen.query_one("#step-list", OptionList)
            assert [steps.get_option_at_index(i).id for i in range(steps.option_count)] == [
                s.id for s in us.steps
            ]
            assert screen.step.id == us.steps[0].id == "teacher_reflection"
            assert app.focused is screen.query_one("#point-input", Input)
            # Every step can be shown at 80x24, in order, and back again.
            for index in range(1, len(us.steps)):
                await pilot.press("ctrl+n")
                assert screen.step_index == index
            for _ in us.steps:
                await pilot.press("ctrl+b")
            assert screen.step_index == 0


async def test_a_note_from_another_process_shows_in_the_grid(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        table = screen.query_one(EvidenceView).table
        study = study_file.load()
        first_stage = study.lesson(1).stages[0]
        before = evidence_grid(study, 1).rows[0].cells["A"]
        with StudyFile.open(study_file.path) as other:
            other.add_note(
                Observation(
                    lesson=1,
                    observer="Grace Okafor",
                    at=study.live_notes(1)[0].at,
                    about="A",
                    text="Maya explained it to her partner",
                    stage_id=first_stage.id,
                    judgement=Judgement.BETTER,
                )
            )
        screen.post_message(StudyChanged())
        await pilot.pause()
        shown = table.get_cell_at(table.cursor_coordinate).plain
        assert shown.endswith(f" {len(before.notes) + 1}")
        assert "Maya explained it to her partner" in rendered(screen.query_one(EvidenceDetail))


async def test_notes_still_being_written_are_merged_in_and_the_reader_keeps_their_place(
    study_file: StudyFile,
) -> None:
    """While observers still write, each change names the lesson whose notes moved:
    the screen reads only the new notes (never the lesson again) and redraws the
    detail where the group is reading it."""
    study = study_file.load()
    stage = study.lesson(1).stages[0]
    at = study.live_notes(1)[0].at

    def note(text: str, seconds: int) -> Observation:
        when = at + dt.timedelta(seconds=seconds)
        return Observation(1, "Grace Okafor", when, "A", text, stage_id=stage.id)

    with StudyFile.open(study_file.path) as other:
        other.add_notes([note(f"earlier note {n}", n) for n in range(40)])
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        detail = screen.query_one(EvidenceDetail)
        assert detail.max_scroll_y > 0
        detail.scroll_to(0, detail.max_scroll_y, animate=False, immediate=True)
        place = detail.scroll_y
        loads: list[int | None] = []
        load = study_file.load

        def counted_load(lesson: int | None = None, **options: Any) -> Any:
            loads.append(lesson)
            return load(lesson, **options)

        study_file.load = counted_load  # type: ignore[method-assign]
        for number, text in enumerate(("Maya counted on", "then she explained it")):
            with StudyFile.open(study_file.path) as other:
                other.add_note(note(text, 100 + number))
            screen.post_message(StudyChanged(Change(note_lessons=frozenset({1}))))
            await until(pilot, lambda t=text: t in rendered(detail), f"{text!r} shown")
        assert loads == []
        assert detail.scroll_y == place


async def test_a_note_from_another_observer_makes_only_its_own_cell_again(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While observers write, their notes are shown about once a second. Each time,
    the grid was made again from every note of the lesson, and each cell's text three
    times over (measuring the fit, then comparing it with the one shown), each time
    counting the cell's notes: 40 ms a time at 90,000 notes. Now the new note goes
    into its own cell, and only that cell's text is made again."""
    from lessonstudy.tui.screens.discussion import screen as discussion_screen
    from lessonstudy.tui.widgets.evidence_grid import cells

    study = study_file.load()
    stage = study.lesson(1).stages[1]
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        table = screen.query_one(EvidenceView).table
        before = screen.grid().rows[1].cells["B"]
        made: list[Any] = []  # the cells whose text was made
        grids_made: list[int] = []
        make_text, make_grid = cells.cell_text, discussion_screen.evidence_grid

        def counted_text(cell: Any, *, compact: bool = False) -> Any:
            made.append(cell)
            return make_text(cell, compact=compact)

        def counted_grid(study: Study, lesson: int) -> Any:
            grids_made.append(lesson)
            return make_grid(study, lesson)

        monkeypatch.setattr(cells, "cell_text", counted_text)
        monkeypatch.setattr(discussion_screen, "evidence_grid", counted_grid)
        at = study.live_notes(1)[-1].at  # the latest: it comes last in its cell
        with StudyFile.open(study_file.path) as other:
            other.add_note(Observation(1, "Grace Okafor", at, "B", "B counted", stage_id=stage.id))
        screen.post_message(StudyChanged(Change(note_lessons=frozenset({1}))))
        await until(pilot, lambda: made, "the new note's cell made")
        await pilot.pause()
        assert grids_made == []
        assert len(made) == 1 and made[0] is screen.grid().rows[1].cells["B"]
        assert [n.text for n in made[0].notes] == [n.text for n in before.notes] + ["B counted"]
        assert table.get_cell("2", "B").plain.endswith(f" {len(before.notes) + 1}")


async def test_a_cell_that_changed_is_the_only_one_drawn_again(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DataTable draws every cell again after any one changed: with observers writing,
    the whole grid was drawn about once a second (6-12 ms, in the way of the keys).
    The grid draws only the changed cell again, and everything after a theme change."""
    from rich.text import Text
    from textual.widgets import DataTable

    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        table = screen.query_one(EvidenceView).table
        drawn: list[tuple[int, int]] = []
        draw = DataTable._render_cell

        def counted(self: Any, row: int, column: int, *args: Any, **kwargs: Any) -> Any:
            drawn.append((row, column))
            return draw(self, row, column, *args, **kwargs)

        monkeypatch.setattr(DataTable, "_render_cell", counted)
        table.update_cell("2", "B", Text(" ? 99"))
        await pilot.pause()
        assert drawn == [(1, 1)]
        assert "? 99" in table.render_line(2).text  # under the header and the first row
        drawn.clear()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        cells = (table.row_count + 1) * (len(table.columns) + 1)  # headers and labels too
        assert len(set(drawn)) == cells


async def test_another_recorders_point_is_shown_without_reading_the_notes_again(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two recorders in one discussion: each point one of them saved made the other's
    screen read the lesson's notes again (30,000 at 90,000 notes, on the UI thread).
    A change of documents alone reads the documents; the notes stay as they were. A
    change that moves where the notes stand (a plan) has them read again by a worker,
    never on the screen's thread (0.4 s for a lesson of a 90,000-note study)."""
    import threading

    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # a step with points
        step_id = screen.step.id
        notes_before = screen.study.notes
        loads: list[tuple[int | None, bool, bool]] = []  # lesson, notes, on the UI thread
        load = StudyFile.load

        def counted_load(self: StudyFile, lesson: int | None = None, *, notes: bool = True) -> Any:
            loads.append((lesson, notes, threading.current_thread() is threading.main_thread()))
            return load(self, lesson, notes=notes)

        monkeypatch.setattr(StudyFile, "load", counted_load)
        with StudyFile.open(study_file.path) as other:
            discussion, revision = other.read(documents.discussion(1))
            discussion.records.setdefault(step_id, []).append("Sami needed the strip")
            other.save(documents.discussion(1), discussion, revision)
        screen.post_message(StudyChanged(Change(documents=frozenset({("discussion", "1")}))))
        editor = screen.query_one(PointsEditor)
        await until(pilot, lambda: "Sami needed the strip" in editor.points, "the point shown")
        assert loads == [(None, False, True)]  # the documents, no note
        assert screen.study.notes == notes_before
        assert screen.discussion.records[step_id][-1] == "Sami needed the strip"
        # A plan changed: where its notes stand may have moved, so they are read again.
        loads.clear()
        with StudyFile.open(study_file.path) as other:
            plan, revision = other.read(documents.lesson(1))
            plan.stages[0].title += " (renamed)"
            other.save(documents.lesson(1), plan, revision)
        screen.post_message(StudyChanged(Change(documents=frozenset({("lesson", "1")}))))
        reader = screen._notes_reader
        await until(pilot, lambda: len(loads) == 2 and not reader.reading, "notes read")
        # The whole study (the pupils' journeys of this step need every lesson's notes).
        assert loads == [(None, False, True), (None, True, False)]
        assert screen.study.lesson(1).stages[0].title.endswith(" (renamed)")
        assert screen.study.notes == notes_before and screen.study.notes is not notes_before


def test_each_judgement_reads_without_colour() -> None:
    """The grid's cells carry the judgement as a symbol, not only as a colour."""
    study = read_json(example_study_path())
    grid = evidence_grid(study, 1)
    for row in grid.rows:
        for cell in row.cells.values():
            text = cell_text(cell).plain
            judged = cell.verdict.judgement
            assert judged is not None  # the example's group judged every cell
            assert text.startswith(f" {judged.symbol} ")
            assert text.endswith(f" {len(cell.notes)}") or text.endswith(" !")
    study.discussions = []
    for row in evidence_grid(study, 1).rows:
        for cell in row.cells.values():
            assert cell_text(cell).plain.startswith(" · ")  # not judged: no verdict
    assert {judgement_badge(j).plain.strip() for j in Judgement} == {"=", "+", "-", "?"}


def test_a_new_discussion_takes_chair_recorder_and_members_from_the_study() -> None:
    study = read_json(example_study_path())
    discussion = default_discussion(study, 2)
    assert discussion.lesson == 2
    assert discussion.chair == "Priya Shah"
    assert discussion.recorder == "Tom Hughes"
    assert discussion.attendees == [m.name for m in study.members]
    assert discussion.date == dt.date.today()


def test_the_lesson_view_of_a_study_matches_a_full_load(study_file: StudyFile) -> None:
    whole = study_file.load()
    view = study_for_lesson(study_file, 1)
    assert view.overview == whole.overview and view.members == whole.members
    assert view.pupils == whole.pupils and view.lessons == whole.lessons
    assert view.interviews == whole.interviews and view.discussions == whole.discussions
    assert view.live_notes(1) == whole.live_notes(1)
    assert {note.lesson for note in view.notes} == {1}
    assert evidence_grid(view, 1) == evidence_grid(whole, 1)


def test_snapshot_the_evidence_step_at_80_by_24(snap_compare: Any, tmp_path: Path) -> None:
    """The first step as the group sees it on a small screen (RL1 of the example)."""
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    study_file = StudyFile.open(path)

    async def to_pupil_b_stage_2(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("down", "right")
        await pilot.pause()

    try:
        assert snap_compare(
            discussion_app(study_file), terminal_size=(80, 24), run_before=to_pupil_b_stage_2
        )
    finally:
        study_file.close()


async def test_six_pupils_on_a_small_screen_get_compact_cells(tmp_path: Path) -> None:
    study = read_json(example_study_path())
    study.pupils += [CasePupil(label) for label in ("D", "E", "F")]
    with StudyFile.create(tmp_path / "six.lessonstudy", study) as study_file:
        for width, compact in ((80, True), (160, False)):
            app = discussion_app(study_file)
            async with app.run_test(size=(width, 30)) as pilot:
                await pilot.pause()
                view = app.screen.query_one(EvidenceView)
                assert view.compact is compact
                assert len(view.table.columns) == 6
                first = view.table.get_cell_at(view.table.cursor_coordinate).plain
                cell = evidence_grid(study, 1).rows[0].cells["A"]
                assert first == cell_text(cell, compact=compact).plain
                # Compact keeps the judgement's symbol and the count, drops the run.
                assert first.startswith(f" {cell.verdict.judgement.symbol} ")
                assert first.rstrip(" !").endswith(str(len(cell.notes)))


async def test_at_80_by_24_the_grid_fits_and_the_progress_chart_names_each_pupil(
    study_file: StudyFile,
) -> None:
    study = study_file.load()
    app = discussion_app(study_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        view = screen.query_one(EvidenceView)
        # Three pupils fit in full (stage titles cut shorter first): no sideways
        # scrollbar hiding pupil C and taking a line.
        assert view.compact is False
        assert view.table.virtual_size.width <= view.table.scrollable_content_region.width
        # No points yet: the recorder's input takes one line, the evidence the rest.
        assert screen.query_one(PointsEditor).size.height == 1
        # The way back stays in the footer at 80 columns.
        assert "escape" in screen.active_bindings
        assert screen.query_one(Footer).compact is True
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.step.id == "progress"
        chart = screen.query_one(PupilJourneyChart)
        shown = rendered(chart, width=chart.content_region.width)
        for pupil in study.pupils:
            assert f"{pupil.label} {pupil.pseudonym}" in shown


async def test_escape_cancels_a_point_edit_else_goes_back_to_the_map(
    study_file: StudyFile,
) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # progress: the point input has focus
        assert isinstance(app.focused, Input)
        # Typing a new point: the footer's Esc is the way back, not a hidden cancel.
        assert screen.active_bindings["escape"].binding.action == "close"
        await type_text(pilot, "Leo can count on past 1")
        await pilot.press("enter")
        editor = screen.query_one(PointsEditor)
        editor.query_one("#point-list", OptionList).focus()
        await pilot.press("enter")  # edit point 1
        assert editor.editing == 0
        assert screen.active_bindings["escape"].binding.action == "cancel_edit"
        await pilot.press("escape")
        assert editor.editing is None and app.screen is screen
        assert screen.active_bindings["escape"].binding.action == "close"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_us_model_names_the_teacher_and_keeps_points_from_the_english_steps(
    tmp_path: Path,
) -> None:
    study = read_json(example_study_path())
    study.overview.protocol = "us"
    english = {s.id for s in load_protocol("english").steps}
    us = {s.id for s in load_protocol("us").steps}
    rl2 = study.discussion(2)
    assert rl2 is not None
    english_only = sorted(k for k in rl2.records if k in english - us and rl2.records[k])
    assert english_only, "the example's RL2 discussion has points under English-only steps"
    with StudyFile.create(tmp_path / "us.lessonstudy", study) as study_file:
        app = discussion_app(study_file, lesson=2)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            assert screen.step.id == "teacher_reflection"
            heading = rendered(screen.query_one("#step-heading", Static))
            assert f"teacher: {study.lesson(2).teacher}" in heading
            # The points noted under the English model's steps are listed, not lost.
            steps = screen.query_one("#step-list", OptionList)
            kept = [
                steps.get_option_at_index(i)
                for i in range(steps.option_count)
                if (steps.get_option_at_index(i).id or "").startswith("kept-")
            ]
            assert [o.id for o in kept] == [f"kept-{k}" for k in english_only]
            assert all(o.disabled for o in kept)
            screen.go_to_step(len(screen.protocol.steps) - 1)
            await pilot.pause()
            heading = rendered(screen.query_one("#step-heading", Static))
            assert "knowledgeable other: Helen Marsh" in heading


async def test_a_note_taken_before_any_stage_shows_with_its_pupil(tmp_path: Path) -> None:
    study = read_json(example_study_path())
    first = min(n.at for n in study.notes if n.lesson == 1)
    early = Observation(
        lesson=1,
        observer="Grace Okafor",
        at=first - dt.timedelta(minutes=2),
        about="B",
        text="Already drawing a line before the lesson starts",
        stage_id=None,
        judgement=Judgement.UNEXPECTED,
    )
    study.notes.append(early)
    with StudyFile.create(tmp_path / "early.lessonstudy", study) as study_file:
        app = discussion_app(study_file)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            detail = screen.query_one(EvidenceDetail)
            assert early.text not in rendered(detail)  # pupil A: not B's note
            await pilot.press("right")
            await pilot.pause()
            shown = rendered(detail)
            assert "in no stage (1)" in shown and early.text in shown


def test_the_grid_of_a_lesson_not_planned_yet_has_a_width() -> None:
    """A discussion opened for a lesson with no stages must not crash (it did)."""
    from lessonstudy.model import new_study
    from lessonstudy.process import evidence_grid
    from lessonstudy.tui.widgets.evidence_grid import grid_width

    grid = evidence_grid(new_study("x"), 3)
    assert grid.rows == () and grid.labels == ("A", "B", "C")
    assert grid_width(grid, 20, compact=False) == 2 + 3 * (1 + 2)


async def test_a_point_another_recorder_added_meanwhile_is_kept(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # progress: the point input has focus
        step_id = screen.step.id
        await type_text(pilot, "Leo can count on past 1")
        await pilot.press("enter")
        # Another recorder, in another window, adds a point to the same step.
        with StudyFile.open(study_file.path) as other:
            discussion, revision = other.read(documents.discussion(1))
            discussion.records[step_id].append("Sami needed the strip")
            other.save(documents.discussion(1), discussion, revision)
        # Here, before any refresh: edit point 1.
        editor = screen.query_one(PointsEditor)
        editor.query_one("#point-list", OptionList).focus()
        await pilot.press("enter")
        field = editor.query_one("#point-input", Input)
        field.value = ""
        await type_text(pilot, "Leo counted on past 1 unaided")
        await pilot.press("enter")
        await pilot.pause()
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.records[step_id] == ["Leo counted on past 1 unaided", "Sami needed the strip"]
        assert editor.points == saved.records[step_id]
        assert study_file.conflicts() == []


# --------------------------------------------------------------------------- issue 9


async def test_what_the_recorder_types_on_the_evidence_step_is_the_point(
    study_file: StudyFile,
) -> None:
    # "Recorder: type a point, Enter adds it" while the grid had the focus: typed
    # text was dropped and `a` toggled "All stages".
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        view = screen.query_one(EvidenceView)
        assert app.focused is view.table
        await pilot.press(*"all B's arcs started at zero", "enter")
        assert view.all_stages is False
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.records["evidence"] == ["all B's arcs started at zero"]
        assert app.focused is view.table  # back on the grid, to judge the next cell
        # Enter on the grid goes to the point too: Enter adds a point in every step.
        view.table.focus()
        await pilot.press("enter")
        assert app.focused is screen.query_one("#point-input", Input)


async def test_the_group_records_its_judgement_cell_by_cell(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        view = screen.query_one(EvidenceView)
        await pilot.press("down", "right", "+")  # B at stage 2: better than predicted
        stage = study_file.load().lesson(1).stages[1]
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stage.id, "B") is Judgement.BETTER
        assert view.table.get_cell_at(view.table.cursor_coordinate).plain.startswith(" + ")
        assert "The group's judgement:" in rendered(screen.query_one(EvidenceDetail))
        await pilot.press("-")  # changed its mind
        await pilot.press("backspace")  # and took it back
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stage.id, "B") is None
        assert view.table.get_cell_at(view.table.cursor_coordinate).plain.startswith(" · ")
        await pilot.press("ctrl+z")  # undo brings the "-" back
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stage.id, "B") is Judgement.LESS
        # A burst, as a quick chair calls them (keys arriving together, as from a
        # terminal): each judgement lands on the cell the arrows before it reached.
        for key, char in [("home", None), ("equals_sign", "="), ("down", None), ("down", None)]:
            app.post_message(events.Key(key, char))
        for key, char in [("right", None), ("question_mark", "?")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        stages = study_file.load().lesson(1).stages
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stages[1].id, "A") is Judgement.AS_PREDICTED
        assert saved.judgement(stages[3].id, "B") is Judgement.UNEXPECTED


def timed_key(char: str, at: float) -> events.Key:
    """The event a terminal sends for `char`, read at `at` (time.monotonic)."""
    event = key_event(char)
    event.time = at
    return event


async def test_a_point_that_begins_with_a_judgement_key_is_a_point_not_a_judgement(
    study_file: StudyFile,
) -> None:
    """Seen in a new user's trial: the recorder typed "- bullet: strips helped" on the
    grid; "-" became the group's judgement of the cell ("less than predicted") and
    the point was saved without it. A judgement key followed at once by a space began
    a point, as a bullet does: the judgement it made is taken back and it is the
    point's first character."""
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        view = screen.query_one(EvidenceView)
        stage = study_file.load().lesson(1).stages[1]
        await pilot.press("down", "right", "+")  # the group: B at stage 2, better
        # The recorder writes a point a moment later (the keys as the terminal timed them).
        later = time.monotonic() + 2 * TYPING_RUN_SECONDS
        for char in "- bullet: strips helped":
            app.post_message(timed_key(char, later))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stage.id, "B") is Judgement.BETTER  # as the group had it
        assert saved.records[screen.step.id][-1] == "- bullet: strips helped"
        assert view.table.get_cell_at(view.table.cursor_coordinate).plain.startswith(" + ")
        # "??" then a question: both symbols are the point's, the cell as it was.
        view.table.focus()
        later += 2 * TYPING_RUN_SECONDS
        for char in "?? why did Sol finish early":
            app.post_message(timed_key(char, later))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.judgement(stage.id, "B") is Judgement.BETTER
        assert saved.records[screen.step.id][-1] == "?? why did Sol finish early"


async def test_a_note_in_no_stage_is_placed_with_one_key(tmp_path: Path) -> None:
    study = example_without_rl1_discussion()
    first = min(n.at for n in study.notes if n.lesson == 1)
    early = Observation(1, "Grace Okafor", first - dt.timedelta(minutes=2), "B", "early")
    study.notes.append(early)
    with StudyFile.create(tmp_path / "early.lessonstudy", study) as study_file:
        app = discussion_app(study_file)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            listing = screen.query_one("#evidence-unplaced", OptionList)
            assert listing.display and listing.option_count == 1
            listing.focus()
            await pilot.press("2")
            await pilot.pause()
            (placed,) = [n for n in study_file.notes(1) if n.id == early.id]
            assert placed.stage_id == study.lesson(1).stages[1].id and placed.stage_chosen
            assert not screen.query_one("#evidence-unplaced", OptionList).display


async def test_the_notes_in_no_stage_are_listed_again_only_when_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each refresh while observers write listed the notes in no stage anew (an
    OptionList filled again, and the screen laid out): now only when one is added."""
    from lessonstudy.tui.widgets.unplaced_notes import UnplacedNotes

    study = example_without_rl1_discussion()
    first = min(n.at for n in study.notes if n.lesson == 1)
    study.notes.append(
        Observation(1, "Grace Okafor", first - dt.timedelta(minutes=2), "B", "early")
    )
    with StudyFile.create(tmp_path / "early.lessonstudy", study) as study_file:
        app = discussion_app(study_file)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            listing = screen.query_one(UnplacedNotes)
            listed: list[int] = []
            show = UnplacedNotes.show

            def counted(self: UnplacedNotes, notes: Any, *args: Any) -> None:
                listed.append(len(notes))
                show(self, notes, *args)

            monkeypatch.setattr(UnplacedNotes, "show", counted)
            stage = study.lesson(1).stages[0]
            for text, stage_id in (("placed", stage.id), ("in no stage", None)):
                with StudyFile.open(study_file.path) as other:
                    at = first - dt.timedelta(minutes=3)  # before the first stage mark
                    other.add_note(Observation(1, "Ben", at, "A", text, stage_id=stage_id))
                screen._show_changed_notes()  # as the refresh of others' notes does
                await pilot.pause()
            assert listed == [2]  # not for the note that went into a stage
            assert listing.option_count == 2


async def test_a_point_typed_in_a_burst_on_the_grid_is_added_whole(study_file: StudyFile) -> None:
    from textual.keys import _character_to_key

    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        await pilot.press("+")  # the group judged the first cell
        for char in "Leox\b said it\r":
            name = {"\b": "backspace", "\r": "enter"}.get(char)
            app.post_message(events.Key(name or _character_to_key(char), None if name else char))
        await pilot.pause()
        await pilot.pause()
        saved, _ = study_file.read(documents.discussion(1))
        assert saved.records["evidence"] == ["Leo said it"]
        stage = study_file.load().lesson(1).stages[0]
        assert saved.judgement(stage.id, "A") is Judgement.BETTER  # Backspace was the point's


async def test_a_half_typed_point_stays_with_its_step(study_file: StudyFile) -> None:
    app = discussion_app(study_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiscussionScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # progress
        await type_text(pilot, "half a thought")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # the agreed changes
        field = screen.query_one("#point-input", Input)
        assert field.value == ""  # not carried into another step's list
        await pilot.press("ctrl+b", "ctrl+b", "ctrl+b")
        assert field.value == "half a thought"  # and not lost


def test_a_compact_cell_without_notes_shows_a_count_of_none_not_a_judgement_mark() -> None:
    # Seen in a trial: at 80 columns a cell with no notes read "·  -", and "-" is the
    # mark of "less than predicted" in the legend beneath.
    from lessonstudy.process import JUDGEMENT_ORDER
    from lessonstudy.process.evidence import EvidenceCell
    from lessonstudy.tui.widgets.evidence_grid.cells import cell_text

    empty = EvidenceCell(prediction="counts on in ones", observed="", notes=())
    shown = cell_text(empty, compact=True).plain
    assert shown.split() == ["·", "0"]
    assert not {j.symbol for j in JUDGEMENT_ORDER} & set(shown)
    assert cell_text(empty).plain.split()[1:] == ["no", "notes"]
