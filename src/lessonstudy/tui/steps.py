"""The app's screen for each step of the cycle (`lessonstudy.cycle.STEPS`).

One opener per step kind: it imports the step's screen when the step is first
opened (so the first screen of the app does not wait for them all) and shows
it. A fault in a screen is not hidden here: it stops the app with its traceback,
and the command line then says in plain words what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lessonstudy.cycle import StepKind

if TYPE_CHECKING:
    from textual.app import App

    from lessonstudy.store import StudyFile

Opener = Callable[["App[object]", "StudyFile", "int | None"], None]


def _initial(app: App[object], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.initial_meeting import InitialMeetingScreen

    app.push_screen(InitialMeetingScreen(study_file))


def _plan(app: App[object], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.plan import PlanScreen

    app.push_screen(PlanScreen(study_file, _number(lesson)))


def _observe(app: App[object], study_file: StudyFile, lesson: int | None) -> None:
    """Observing starts by asking who is taking the notes."""
    from lessonstudy.tui.screens.map_dialogs import WhoAreYouDialog

    number = _number(lesson)

    def chosen(observer: str | None) -> None:
        if observer:
            observe(app, study_file, number, observer)

    app.push_screen(WhoAreYouDialog(study_file, number), chosen)


def observe(app: App[object], study_file: StudyFile, lesson: int, observer: str) -> None:
    """The observation screen of `lesson` for `observer` (`lessonstudy observe --as`)."""
    from lessonstudy.tui.screens.observe import ObserveScreen

    app.push_screen(ObserveScreen(study_file, lesson, observer))


def _interviews(app: App[object], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.interviews import InterviewsScreen

    app.push_screen(InterviewsScreen(study_file, _number(lesson)))


def _discussion(app: App[object], study_file: StudyFile, lesson: int | None) -> None:
    from lessonstudy.tui.screens.discussion import DiscussionScreen

    app.push_screen(DiscussionScreen(study_file, _number(lesson)))


def _open_house(app: App[object], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.open_house import OpenHouseScreen

    app.push_screen(OpenHouseScreen(study_file))


def _write_up(app: App[object], study_file: StudyFile, _lesson: int | None) -> None:
    from lessonstudy.tui.screens.writeup import WriteUpScreen

    app.push_screen(WriteUpScreen(study_file))


OPEN_STEP: dict[StepKind, Opener] = {
    StepKind.INITIAL: _initial,
    StepKind.PLAN: _plan,
    StepKind.OBSERVE: _observe,
    StepKind.INTERVIEWS: _interviews,
    StepKind.DISCUSSION: _discussion,
    StepKind.OPEN_HOUSE: _open_house,
    StepKind.WRITE_UP: _write_up,
}


def _number(lesson: int | None) -> int:
    if lesson is None:  # cycle.parse_step_id gives every step of a lesson its number
        raise ValueError("a step of a research lesson needs the lesson's number")
    return lesson
