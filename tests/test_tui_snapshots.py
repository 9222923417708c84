"""SVG snapshots of the study map, the initial meeting and the plan grid.

A deterministic study (fixed dates, no clock on screen). Update the snapshots
after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at them before committing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lessonstudy.model import (
    ClassDetails,
    Member,
    Role,
    Stage,
    new_study,
)
from lessonstudy.store import StudyFile
from lessonstudy.tui.app import LessonStudyApp

STAGES = [
    ("Fraction wall", 10, "Spots halves at once", "Needs the wall to check", ""),
    ("Paired task", 15, "Explains to partner", "Copies partner", "Orders three fractions"),
    ("Plenary", 5, "", "Says which is bigger", "Uses 'denominator'"),
]


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def study_path(tmp_path) -> Path:
    path = tmp_path / "fractions.lessonstudy"
    study = new_study("Fractions in Year 4", protocol_text="We study learning, not teaching.")
    overview = study.overview
    overview.focus = "reason about the size of fractions"
    overview.research_question = "Does a fraction wall help pupils compare fractions?"
    overview.technique = "fraction walls"
    overview.class_details = ClassDetails("Year 4", 28, "mixed attainment", "Ann", "maths")
    study.members = [
        Member("Ann", [Role.TEACHER, Role.CHAIR]),
        Member("Bo", [Role.OBSERVER]),
        Member("Cy", [Role.RECORDER]),
    ]
    for pupil, name, group in zip(
        study.pupils,
        ["Sam", "Kit", "Lou"],
        ["secure", "average", "finds it hard"],
        strict=True,
    ):
        pupil.pseudonym = name
        pupil.learner_group = group
    plan = study.lessons[0]
    plan.date = dt.date(2026, 3, 2)
    plan.time = "09:15"
    plan.teacher = "Ann"
    plan.objective = "compare unit fractions"
    plan.assignments = {"Bo": ["A", "B"]}
    for title, minutes, a, b, c in STAGES:
        predictions = {k: v for k, v in {"A": a, "B": b, "C": c}.items() if v}
        plan.stages.append(Stage(title=title, minutes=minutes, predictions=predictions))
    StudyFile.create(path, study).close()
    return path


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_study_map(snap_compare, study_path):
    assert snap_compare(LessonStudyApp(study_path), terminal_size=(120, 40), run_before=settle)


def test_study_map_at_80_by_24(snap_compare, study_path):
    assert snap_compare(LessonStudyApp(study_path), terminal_size=(80, 24), run_before=settle)


def test_initial_meeting(snap_compare, study_path):
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.open_step("initial")
        await settle(pilot)

    assert snap_compare(LessonStudyApp(study_path), terminal_size=(120, 40), run_before=run_before)


def test_plan_grid(snap_compare, study_path):
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.open_step("plan:1")
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)

    assert snap_compare(LessonStudyApp(study_path), terminal_size=(120, 40), run_before=run_before)


def test_plan_grid_light_theme_80_by_24(snap_compare, study_path):
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.theme = "textual-light"
        pilot.app.open_step("plan:1")
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)

    assert snap_compare(LessonStudyApp(study_path), terminal_size=(80, 24), run_before=run_before)
