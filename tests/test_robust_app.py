"""Ordinary typing never crashes the app nor makes a study that import would refuse:
numbers within their bounds, member names unique ignoring case, a renamed member
still the observer of their plans, and a note erased for good from the observe screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from lessonstudy.model import Member, Role, Stage, new_study
from lessonstudy.store import StudyFile, documents, export
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.confirm import ConfirmDialog
from lessonstudy.tui.screens.initial_meeting import MemberDialog
from lessonstudy.tui.screens.plan import StageEditor
from lessonstudy.tui.widgets.notes_table import NotesTable
from tui_helpers import type_text


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def study_path(tmp_path) -> Path:
    path = tmp_path / "study.lessonstudy"
    study = new_study("Fractions")
    study.members = [Member("Ann", [Role.CHAIR]), Member("Bo", [Role.OBSERVER])]
    lesson = study.lessons[0]
    lesson.stages = [Stage(title="Starter", minutes=5), Stage(title="Wall", minutes=10)]
    lesson.assignments = {"Bo": ["A", "B", "C"]}
    lesson.teacher = "Ann"
    StudyFile.create(path, study).close()
    return path


def plan_of(path: Path, number: int = 1):
    with StudyFile.open(path) as study_file:
        plan, _ = study_file.read(documents.lesson(number))
    return plan


async def test_minutes_out_of_bounds_are_never_saved(study_path):
    """13 digits of minutes crashed observing at ctrl+n, and every reopen after."""
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("plan:1")
        await pilot.pause()
        await pilot.press("f3", "enter")  # the first stage
        await pilot.pause()
        assert isinstance(app.screen, StageEditor)
        minutes = app.screen.query_one("#stage-minutes", Input)
        minutes.focus()
        minutes.value = ""
        await pilot.press(*"-1234567890123")  # no sign, at most three digits
        await pilot.pause()
        assert minutes.value == "123"
        assert plan_of(study_path).stages[0].minutes == 123
        minutes.value = ""
        await pilot.press(*"999")
        await pilot.pause()
        assert not minutes.is_valid  # shown as wrong, and never saved: 99 was the last good
        assert plan_of(study_path).stages[0].minutes == 99
        await pilot.press("escape")


async def test_two_members_whose_names_differ_only_in_case_are_refused(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("initial")
        await pilot.pause()
        await pilot.press("f4", "a")
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog)
        await type_text(pilot, "ANN")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog)  # still open: refused
        assert any("already a member called ANN" in n.message for n in app._notifications)


async def test_a_renamed_member_still_observes_and_the_export_imports(study_path, tmp_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("initial")
        await pilot.pause()
        await pilot.press("f4", "down", "enter")  # Bo
        await pilot.pause()
        assert isinstance(app.screen, MemberDialog)
        await type_text(pilot, " Li")  # after the name: "Bo Li"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert list(plan_of(study_path).assignments) == ["Bo Li"]
        # Taking Bo Li out of the group while they observe RL1 is refused, not silent.
        await pilot.press("delete")
        await pilot.pause()
        assert [m.name for m in app.screen.members.value] == ["Ann", "Bo Li"]  # type: ignore[attr-defined]
        await pilot.press("ctrl+z")  # the rename undone: the plan follows
        await pilot.pause()
        assert list(plan_of(study_path).assignments) == ["Bo"]
    with StudyFile.open(study_path) as study_file:
        exported = tmp_path / "e.json"
        export.write_json(study_file.load(), exported)
    export.read_json(exported)  # the app made it: the import's rules accept it


async def test_a_note_can_be_erased_for_good_from_the_observe_screen(study_path):
    app = LessonStudyApp(study_path, observe_as="Bo", lesson=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n", "a", "=", *"Amira Khan put 1/2 first", "enter")
        await pilot.pause()
        with StudyFile.open(study_path) as study_file:
            [note] = study_file.notes(1)
        await pilot.press("tab")  # the notes list
        await pilot.press("x")  # a letter in the list is typing, never a command
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("tab", "ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # only y erases
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*"Ok")  # typing meant for the note line: said to go nowhere
        assert isinstance(app.screen, ConfirmDialog)
        said = [str(n.message) for n in app._notifications]
        assert any("Answer y or n first" in m for m in said), said
        await pilot.press("y")
        await pilot.pause()
        table = app.screen.query_one(NotesTable)
        assert table.note_count == 0 and table.deleted_count == 1  # erased: deleted, no text
    data = (
        study_path.read_bytes() + Path(f"{study_path}-wal").read_bytes()
        if Path(f"{study_path}-wal").exists()
        else study_path.read_bytes()
    )
    assert b"Amira Khan" not in data
    with StudyFile.open(study_path) as study_file:
        assert study_file.erased_notes() == {note.id}


async def test_an_open_house_taught_by_someone_no_longer_in_the_group_opens(tmp_path):
    """Found by the attack: an import whose open house names a teacher who is not a
    member crashed the open house screen (a choice the list did not offer)."""
    study = new_study("Fractions")
    study.members = [Member("Ann", [Role.CHAIR])]
    study.open_house.teacher = "Priya Shah"
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, study).close()
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("open_house")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.query_one("#house-teacher").value == "Priya Shah"
