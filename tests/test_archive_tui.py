"""The library and impact screens, driven as a deputy head would with Pilot."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select, Static

from archive_helpers import SECRETS, make_school, reading_study, write_study
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.impact import ImpactScreen, WriteImpactDialog
from lessonstudy.tui.screens.library import LibraryScreen, SkippedDialog, StudyDetailsDialog
from lessonstudy.tui.screens.library_folder import LibraryFolderDialog
from lessonstudy.tui.screens.start import StartScreen
from lessonstudy.tui.screens.study_map import StudyMapScreen
from tui_helpers import rendered, type_text

FRACTIONS = "Fractions in Year 4"
READING = "Inference in whole-class reading"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def school(tmp_path: Path) -> Path:
    folder = tmp_path / "studies"
    make_school(folder)
    (folder / "broken.lessonstudy").write_text("not a study")
    return folder


async def settled(pilot) -> None:
    """Wait for the library's look through the folder (a worker) and its refresh."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.2)  # the search runs when typing pauses


def titles(app: LessonStudyApp) -> list[str]:
    studies = app.screen.query_one("#library-list", OptionList)
    return [
        str(studies.get_option_at_index(i).prompt).splitlines()[0].rsplit("  ", 1)[0]
        for i in range(studies.option_count)
    ]


def screen_text(app: LessonStudyApp) -> str:
    """Everything on screen as text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


async def test_the_library_lists_every_study_and_says_what_it_skipped(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert titles(app) == [READING, FRACTIONS]
        status = rendered(app.screen.query_one("#library-status", Static))
        assert "2 studies" in status
        assert "skipped broken.lessonstudy: not a study file" in status
        # Typing goes to the search box, which has focus
        assert app.focused is app.screen.query_one("#library-search", Input)
        await pilot.press("f3")
        assert isinstance(app.screen, SkippedDialog)
        assert "broken.lessonstudy" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_searching_as_you_type_shows_where_each_match_is(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press(*"tremb")  # the start of a word is enough while typing
        await settled(pilot)
        assert titles(app) == [READING]
        detail = rendered(app.screen.query_one("#library-detail-text", Static))
        assert "Where it matches" in detail
        assert "RL1 notes, stage 1: Think-aloud model: [pupil B] underlined the word" in detail
        await pilot.press("escape")  # clears the search
        await settled(pilot)
        assert titles(app) == [READING, FRACTIONS]
        assert app.screen.query_one("#library-search", Input).value == ""


async def test_typing_on_the_list_goes_into_the_search_box(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("down")
        studies = app.screen.query_one("#library-list", OptionList)
        assert app.focused is studies
        await pilot.press(*"halves")
        await settled(pilot)
        search = app.screen.query_one("#library-search", Input)
        assert search.value == "halves" and app.focused is search
        assert titles(app) == [FRACTIONS]


async def test_filters_narrow_the_list(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        subject = app.screen.query_one("#filter-subject", Select)
        assert [str(label) for label, _value in subject._options[1:]] == ["English", "Mathematics"]
        subject.value = "Mathematics"
        await settled(pilot)
        assert titles(app) == [FRACTIONS]
        status = app.screen.query_one("#filter-status", Select)
        status.value = "teaching"
        await settled(pilot)
        assert titles(app) == []
        hint = rendered(app.screen.query_one("#library-hint", Static))
        assert "No study matches" in hint


async def test_enter_opens_the_study_and_escape_comes_back(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await type_text(pilot, "halves")
        await settled(pilot)
        await pilot.press("enter")  # the search box: Enter goes to the results
        assert app.focused is app.screen.query_one("#library-list", OptionList)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        assert app.study_file is not None
        assert app.study_file.path == school / "maths" / "fractions.lessonstudy"
        assert "Back to the library" in screen_text(app)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert titles(app) == [FRACTIONS]  # the search is as it was


async def test_nothing_private_is_ever_on_screen(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(160, 60)) as pilot:
        await settled(pilot)
        seen = screen_text(app)
        for words in ("the", "pupil", "strip halves"):
            await type_text(pilot, words)
            await settled(pilot)
            seen += screen_text(app)
            app.screen.query_one("#library-search", Input).value = ""
        await pilot.press("f2")
        await pilot.pause()
        seen += screen_text(app)
    assert "[pupil A]" in seen  # the masked note was on screen
    for secret in SECRETS:
        assert secret.casefold() not in seen.casefold(), secret


async def test_typed_markup_is_shown_as_typed(tmp_path: Path) -> None:
    study = reading_study()
    study.overview.title = "Inference [bold]with[/bold] [link=x]links[/link] [/"
    folder = tmp_path / "studies"
    write_study(folder / "odd.lessonstudy", study)
    app = LessonStudyApp(None, library=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert titles(app) == ["Inference [bold]with[/bold] [link=x]links[/link] [/"]
        assert "[bold]with[/bold]" in rendered(app.screen.query_one("#library-detail-text", Static))


async def test_the_impact_screen_sums_up_and_writes_a_file(school: Path, tmp_path: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ImpactScreen)
        text = screen_text(app)
        assert "2 studies by 3 teachers: 1 teaching, 1 complete." in text
        assert "Predictions written before teaching" in text
        subjects = rendered(app.screen.query_one("#impact-subjects", Static), width=116)
        assert subjects.index("English") < subjects.index("Mathematics")
        await pilot.press("f4")
        assert isinstance(app.screen, WriteImpactDialog)
        box = app.screen.query_one("#impact-path", Input)
        box.value = str(tmp_path / "impact.docx")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "impact.docx").read_bytes().startswith(b"PK")
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_the_start_screen_opens_the_library_of_a_folder(school: Path) -> None:
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("l")
        assert isinstance(app.screen, LibraryFolderDialog)
        box = app.screen.query_one("#library-folder", Input)
        box.value = str(school / "nowhere")
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryFolderDialog)  # says why, stays
        assert "no such folder" in rendered(app.screen.query_one("#library-folder-problem"))
        box.value = str(school)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert titles(app) == [READING, FRACTIONS]
        await pilot.press("escape")  # nothing searched: back to the start screen
        assert isinstance(app.screen, StartScreen)
        # The folder is remembered for next time.
        await pilot.press("l")
        assert app.screen.query_one("#library-folder", Input).value == str(school.resolve())


async def test_a_narrow_terminal_shows_the_list_alone(school: Path) -> None:
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert screen.has_class("narrow")
        assert not screen.query_one("#library-detail").display
        status = rendered(screen.query_one("#library-status", Static), width=80)
        assert "1 file skipped (F3)" in status
        hint = rendered(screen.query_one("#library-hint", Static), width=80)
        assert "Enter opens reading.lessonstudy" in hint


async def test_the_impact_summary_fits_80_columns_and_scrolls_as_one_page(school: Path) -> None:
    """Seen in tmux at 80x24 and 120x40: the tables scrolled sideways ("11 of 11" cut to
    "11 of 1") and each scrolled on its own inside the page, hiding rows."""
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f2")
        await pilot.pause()
        body = app.screen.query_one("#impact-body")
        for table in app.screen.query(".impact-table"):
            assert table.size.height == table.virtual_size.height  # all its rows, no scroll
            assert table.outer_size.width <= body.scrollable_content_region.width
        years = rendered(app.screen.query_one("#impact-years", Static), width=76)
        assert "1 study, 1 lesson taught" in years  # what each row counts, under its name
        text = screen_text(app)
        assert "No teacher is rated" in text  # in the page, not a fixed line under it
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0
        # The page's end shows the last study's row, all of it.
        studies = app.screen.query_one("#impact-studies", Static)
        last_row = [
            line.strip() for line in rendered(studies, width=studies.size.width).splitlines()
        ][-4:]
        text = screen_text(app)
        assert all(line in text for line in last_row if line)


async def test_a_narrow_screen_shows_a_studys_details_on_demand(school: Path) -> None:
    """Seen at 80x24: with no room for the side pane, a study's group, learner groups,
    focus and the places a search matched could only be read by opening it."""
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press(*"tremb")
        await settled(pilot)
        await pilot.press("down", "f6")
        await pilot.pause()
        assert isinstance(app.screen, StudyDetailsDialog)
        text = rendered(app.screen.query_one("#study-details-text", Static), width=76)
        assert "Where it matches" in text and "Case pupils typical of" in text
        for secret in SECRETS:
            assert secret not in text
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("f6", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)


async def test_words_typed_on_a_filter_go_into_the_search_box(school: Path) -> None:
    """Seen in tmux: after choosing a year group, the words typed next were lost."""
    app = LessonStudyApp(None, library=school)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        subject = app.screen.query_one("#filter-subject", Select)
        subject.focus()
        await pilot.pause()
        await pilot.press(*"halves")
        await settled(pilot)
        search = app.screen.query_one("#library-search", Input)
        assert search.value == "halves" and app.focused is search
        assert titles(app) == [FRACTIONS]


async def test_a_study_gone_since_it_was_listed_is_reported_by_its_name(tmp_path: Path) -> None:
    """The message names the file as typed: brackets in a name are not markup."""
    folder = tmp_path / "studies"
    write_study(folder / "[red]Year 4[/red].lessonstudy", reading_study())
    app = LessonStudyApp(None, library=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert titles(app) == [READING]
        (folder / "[red]Year 4[/red].lessonstudy").unlink()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        (note,) = [n for n in app._notifications if n.title == "Cannot open the study"]
        assert "[red]Year 4[/red].lessonstudy" in note.message and not note.markup
