"""Every date form, in every screen that takes a date (usecases/dates.py).

The plan (its date and time), the discussion's header, the open house (date
and time) and an interview's "Held" field all read the day-first forms a
teacher in England types and ISO, show one format ("Tue 3 Feb 2026"), and say
in one line what to write for anything else, saving nothing until it is a date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input

from lessonstudy.model import Interview
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.export import read_json
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.discussion import DiscussionScreen, HeaderDialog
from lessonstudy.tui.screens.interviews import InterviewsScreen
from lessonstudy.tui.screens.open_house import OpenHouseScreen
from lessonstudy.tui.screens.plan import PlanScreen
from test_dates import DATE_FORMS, FEB_3
from tui_helpers import ScreenApp, type_text

WRONG = ("2/13/2026", "there is no month 13")  # a date typed month first: refused, not guessed


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.lessonstudy"
    study = read_json(example_study_path())
    StudyFile.create(path, study).close()
    return path


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def retype(pilot, field: Input, text: str) -> None:
    """Empty the field and type `text` into it in one go, as a paste would.

    Emptied by setting its value (the same Changed message ctrl+u sends) rather
    than by two keys: each key costs the Pilot two idle waits, and these tests
    retype a field over a hundred times. A pause after each change, as before."""
    field.focus()
    field.clear()
    await pilot.pause()  # the focus has moved and the emptied field is saved
    await type_text(pilot, text)


def saved_plan_date(path: Path) -> tuple[dt.date | None, str]:
    with StudyFile.open(path) as study_file:
        plan = study_file.read(documents.lesson(1)).value
    assert plan is not None
    return plan.date, plan.time


@pytest.mark.long
async def test_the_plan_reads_every_date_form_and_time(example: Path) -> None:
    app = LessonStudyApp(example)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("plan:1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        date = screen.query_one("#plan-date", Input)
        for typed in DATE_FORMS:
            await retype(pilot, date, "1/1/2020")  # something else in between
            await retype(pilot, date, typed)
            assert saved_plan_date(example)[0] == FEB_3, typed
        await retype(pilot, date, WRONG[0])
        await pilot.press("enter")  # Enter on a wrong date stays and says why
        await pilot.pause()
        assert app.focused is date
        assert WRONG[1] in notices(app)
        # Emptying the field cleared the date; the wrong text itself saved nothing.
        assert saved_plan_date(example)[0] is None
        assert date.value == WRONG[0]  # and nothing typed is lost
        time = screen.query_one("#plan-time", Input)
        await retype(pilot, time, "1:40pm")
        assert saved_plan_date(example)[1] == "13:40"
        await retype(pilot, time, "after lunch")
        assert saved_plan_date(example)[1] == ""  # emptied; the words are not a time
        await pilot.press("tab")  # leaving a wrong time says why too
        await pilot.pause()
        assert "'after lunch' is not a time" in notices(app)
        await retype(pilot, date, "3 feb 26")
        await pilot.press("escape")
        await pilot.pause()
        app.open_step("plan:1")
        await pilot.pause()
        # Shown the one way, which reads back in.
        assert app.screen.query_one("#plan-date", Input).value == "Tue 3 Feb 2026"


@pytest.mark.long
async def test_the_discussion_header_reads_every_date_form(example: Path) -> None:
    with StudyFile.open(example) as study_file:
        app = ScreenApp(lambda: DiscussionScreen(study_file, 1))
        # 80x24, the smallest terminal we support: the dialog opens 15 times and each
        # time the discussion behind it is drawn again, at under half the cells of 120x40.
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()

            async def header_date(typed: str) -> HeaderDialog:
                await pilot.press("f2")
                await pilot.pause()
                dialog = app.screen
                assert isinstance(dialog, HeaderDialog)
                await retype(pilot, dialog.query_one("#header-date", Input), typed)
                await pilot.press("ctrl+s")
                await pilot.pause()
                return dialog

            def saved_date() -> dt.date | None:
                discussion = study_file.read(documents.discussion(1)).value
                assert discussion is not None
                return discussion.date

            held = saved_date()  # the example's day, another day than 3 Feb
            assert held is not None and held != FEB_3
            for typed in DATE_FORMS:
                await header_date(typed)
                assert isinstance(app.screen, DiscussionScreen), typed
                assert saved_date() == FEB_3, typed
                title = str(app.screen.query_one("#discussion-title").render())
                assert "Tue 3 Feb 2026" in title
                # ctrl+z takes the date back: the next form is read from another day
                # (as typing one in between did, at one dialog instead of two).
                await pilot.press("ctrl+z")
                await pilot.pause()
                assert saved_date() == held, typed
                title = str(app.screen.query_one("#discussion-title").render())
                assert "Tue 3 Feb 2026" not in title
            dialog = await header_date(WRONG[0])
            assert app.screen is dialog  # stays, saying why; nothing saved
            assert WRONG[1] in notices(app)
            assert dialog.query_one("#header-date", Input).value == WRONG[0]
            await pilot.press("escape")
            await pilot.pause()
            assert saved_date() == held  # the wrong date saved nothing


@pytest.mark.long
async def test_the_open_house_reads_every_date_form_and_its_time(example: Path) -> None:
    with StudyFile.open(example) as study_file:
        app = ScreenApp(lambda: OpenHouseScreen(study_file))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("f3")
            await pilot.pause()
            date = app.screen.query_one("#house-date", Input)
            for typed in DATE_FORMS:
                await retype(pilot, date, "1/1/2020")
                await retype(pilot, date, typed)
                house = study_file.read(documents.OPEN_HOUSE).value
                assert house is not None and house.date == FEB_3, typed
            await retype(pilot, date, WRONG[0])
            await pilot.press("enter")
            await pilot.pause()
            assert WRONG[1] in notices(app)
            assert study_file.read(documents.OPEN_HOUSE).value.date is None  # emptied, not 13
            time = app.screen.query_one("#house-time", Input)
            await retype(pilot, time, "1:40pm-2:40pm")
            assert study_file.read(documents.OPEN_HOUSE).value.time == "13:40-14:40"


@pytest.mark.long
async def test_an_interview_is_held_on_any_date_form_at_a_time(example: Path) -> None:
    with StudyFile.open(example) as study_file:
        app = ScreenApp(lambda: InterviewsScreen(study_file, 1, live_timer=False))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InterviewsScreen)
            interview = screen.interview
            assert interview is not None
            held = screen.query_one("#interview-when", Input)
            for typed in DATE_FORMS:
                await retype(pilot, held, "1/1/2020 9:00")
                await retype(pilot, held, f"{typed} 10:42")
                saved = study_file.read(documents.interview(interview)).value
                assert isinstance(saved, Interview)
                assert saved.started is not None
                assert (saved.started.date(), saved.started.strftime("%H:%M")) == (
                    FEB_3,
                    "10:42",
                ), typed
            await retype(pilot, held, f"{WRONG[0]} 10:42")
            await pilot.press("tab")
            await pilot.pause()
            assert WRONG[1] in notices(app)
            saved = study_file.read(documents.interview(interview)).value
            assert saved is not None and saved.started is None  # emptied; the wrong text not saved
            await pilot.press("shift+tab")
            await pilot.pause()
            await retype(pilot, held, "3 Feb 2026 10:42")
            await pilot.press("tab")
            screen.open_interview(saved)
            await pilot.pause()
            assert screen.query_one("#interview-when", Input).value == "Tue 3 Feb 2026 10:42"
