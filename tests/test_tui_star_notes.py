"""Starring notes for the write-up: in the end-of-lesson view and in the discussion;
the report's cells then print the starred notes first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import OptionList

from lessonstudy import report
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile
from lessonstudy.store.export import read_json
from lessonstudy.tui.screens.discussion import DiscussionScreen
from lessonstudy.tui.screens.observe.summary import LessonSummaryScreen
from lessonstudy.tui.screens.star_notes import StarNotesScreen
from lessonstudy.tui.widgets.evidence_grid import EvidenceView
from tui_helpers import ScreenApp, rendered


@pytest.fixture
def study_file(tmp_path: Path) -> Iterator[StudyFile]:
    with StudyFile.create(tmp_path / "s.lessonstudy", read_json(example_study_path())) as sf:
        yield sf


def starred(study_file: StudyFile, lesson: int) -> set[str]:
    return {n.text for n in study_file.notes(lesson) if n.starred}


async def test_the_discussion_stars_a_cells_note_and_the_report_prints_it_first(study_file):
    app = ScreenApp(lambda: DiscussionScreen(study_file, 1))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(EvidenceView)
        view.table.focus()
        await pilot.pause()
        number, label = view.cell_at_cursor()
        cell_notes = view.grid.rows[number - 1].cells[label].notes
        before = starred(study_file, 1)  # the example's own stars
        assert cell_notes[1].text not in before
        await pilot.press("f6")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StarNotesScreen)
        assert [n.id for n in dialog.notes] == [n.id for n in cell_notes]
        await pilot.press("down", "enter")  # the cell's second note
        await pilot.pause()
        assert starred(study_file, 1) == before | {cell_notes[1].text}
        assert "★" in str(dialog.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DiscussionScreen)
    markdown = report.render_markdown(study_file.load())
    row = next(line for line in markdown.splitlines() if f"| {label} |" in line)
    observed = row.split(" | ")[3]
    assert "★" in observed
    # Starred first: before any critical moment of the cell.
    assert observed.index("★") < observed.find("critical moment") or "critical" not in observed


async def test_the_end_of_lesson_view_stars_and_unstars_any_note_of_the_lesson(study_file):
    app = ScreenApp(lambda: LessonSummaryScreen(study_file, 2, "Grace Okafor"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f6")  # from the interview questions: a function key, not typing
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StarNotesScreen)
        assert len(dialog.notes) == len([n for n in study_file.notes(2) if not n.deleted])
        before = starred(study_file, 2)
        first = dialog.notes[0].text
        await pilot.press("enter")
        await pilot.pause()
        assert starred(study_file, 2) == before ^ {first}
        await pilot.press("enter")  # again: back as it was
        await pilot.pause()
        assert starred(study_file, 2) == before
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonSummaryScreen)


async def test_the_end_of_lesson_view_draws_others_notes_only_when_in_front(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another observer's note is drawn once the view is in front again, not under
    the stars dialog at every note (it reads and draws every note of the lesson:
    seconds at 30,000), nor for another lesson's notes."""
    import attrs

    from lessonstudy.tui.live import StudyChanged
    from lessonstudy.usecases.changes import Change
    from tui_helpers import record_loads

    app = ScreenApp(lambda: LessonSummaryScreen(study_file, 2, "Grace Okafor"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonSummaryScreen)
        loads = record_loads(monkeypatch)

        def evidence() -> str:
            return " ".join(rendered(s, 200) for s in screen.query(".pupil-evidence"))

        def another(lesson: int, text: str) -> StudyChanged:
            model = next(n for n in study_file.notes(lesson) if n.about != "class")
            study_file.add_note(attrs.evolve(model, id=uuid.uuid4(), text=text, starred=False))
            return StudyChanged(Change(note_lessons=frozenset({lesson})))

        screen.post_message(another(1, "onlyRL1"))
        await pilot.pause()
        assert loads == []
        await pilot.press("f6")  # the stars dialog in front
        await pilot.pause()
        assert isinstance(app.screen, StarNotesScreen)
        loads.clear()  # the dialog's own read of the lesson's notes
        screen.post_message(another(2, "newinRL2"))
        await pilot.pause()
        assert loads == [] and "newinRL2" not in evidence()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert [load.lesson for load in loads] == [2]  # once, this lesson's notes
        assert "newinRL2" in evidence() and "onlyRL1" not in evidence()


def test_a_schema_2_file_gains_stars_and_stars_go_through_export(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    import attrs

    from lessonstudy.store import export

    path = tmp_path / "old.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("ALTER TABLE note DROP COLUMN starred")
        con.execute("DROP TABLE erased_note")  # schema 4's
        con.execute("PRAGMA user_version = 2")
    with StudyFile.open(path) as study_file:  # migrates to schema 3 (and 4)
        notes = study_file.notes(1)
        assert not any(n.starred for n in notes)
        study_file.update_note(attrs.evolve(notes[0], starred=True), notes[0])
        study = study_file.load()
    again = export.loads(export.dumps(study), where="x")
    assert [n.id for n in again.notes if n.starred] == [notes[0].id]
