"""Pilot tests of the app shell: start screen, study map, palette, help, conflicts, recent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from lessonstudy.model import Member, Role, new_study
from lessonstudy.process import lesson_to_observe
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui import recent
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.help_screen import HelpScreen
from lessonstudy.tui.screens.initial_meeting import InitialMeetingScreen
from lessonstudy.tui.screens.map_dialogs import ConflictDialog, WhoAreYouDialog
from lessonstudy.tui.screens.plan import PlanScreen
from lessonstudy.tui.screens.start import StartScreen, study_path_for, suggested_file_name
from lessonstudy.tui.screens.study_map import StudyMapScreen
from tui_helpers import rendered, until, worker_done


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
    StudyFile.create(path, study).close()
    return path


def option_ids(option_list) -> list[str | None]:
    return [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]


# --------------------------------------------------------------------------- recent studies


def test_recent_studies_newest_first_and_only_existing(tmp_path, data_dir):
    first, second = tmp_path / "a.lessonstudy", tmp_path / "b.lessonstudy"
    first.touch()
    second.touch()
    recent.remember(first)
    recent.remember(second)
    recent.remember(first)
    assert recent.recent_studies() == [first.resolve(), second.resolve()]
    second.unlink()
    assert recent.recent_studies() == [first.resolve()]
    recent.forget(first)
    assert recent.recent_studies() == []
    assert (data_dir / "recent.json").exists()


def test_a_damaged_recent_list_is_just_empty(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "recent.json").write_text("{not json", encoding="utf-8")
    assert recent.recent_studies() == []
    (data_dir / "recent.json").write_text(json.dumps({"a": 1}), encoding="utf-8")
    assert recent.recent_studies() == []


def test_file_names_for_new_studies(tmp_path):
    assert suggested_file_name("Fractions in Year 4!") == "fractions-in-year-4"
    assert suggested_file_name("   ") == "my-study"
    assert study_path_for("fractions", tmp_path) == tmp_path / "fractions.lessonstudy"
    assert study_path_for("x.lessonstudy", tmp_path) == tmp_path / "x.lessonstudy"


def test_step_ids():
    from lessonstudy.cycle import StepKind, parse_step_id

    assert parse_step_id("plan:2") == (StepKind.PLAN, 2)
    assert parse_step_id("initial") == (StepKind.INITIAL, None)
    with pytest.raises(ValueError):
        parse_step_id("plan")  # a step of a lesson needs its number
    with pytest.raises(ValueError):
        parse_step_id("initial:2")


def test_every_step_of_the_cycle_has_a_screen_and_help():
    """A step is declared in cycle.STEPS; the app's side of it is one entry in STEP_SCREENS."""
    from lessonstudy.cycle import STEPS
    from lessonstudy.tui.help import step_help
    from lessonstudy.tui.steps import STEP_SCREENS

    assert [info.kind for info in STEPS] == list(STEP_SCREENS)
    for info in STEPS:
        assert step_help(info.kind).startswith("# ")
    assert "Lesson study, step by step" in step_help(None)


# --------------------------------------------------------------------------- start screen


async def test_start_screen_creates_a_new_study(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")  # "New study…" is first
        await pilot.pause()
        # The title; Enter keeps the default lessons, pupils and the suggested file name.
        await pilot.press(*"Year 4 fractions", "enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        assert app.study_file is not None
        assert app.study_file.path == tmp_path / "year-4-fractions.lessonstudy"
        assert app.study_file.load().overview.title == "Year 4 fractions"
        # the default ground rules come from templates/
        assert "performance management" in app.study_file.load().overview.protocol_text
    assert recent.recent_studies() == [(tmp_path / "year-4-fractions.lessonstudy").resolve()]


async def test_the_suggested_file_name_is_replaced_by_ctrl_u_and_typing(tmp_path, monkeypatch):
    """Seen in a new user's trial: title typed, Tab to the file name, ctrl+u, 'study1':
    'study1easoning-about-fractions' (the cursor had stayed after the first letter)."""
    from textual.widgets import Input

    monkeypatch.chdir(tmp_path)
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # "New study…"
        await pilot.pause()
        await pilot.press(*"Reasoning about fractions")
        file_name = app.screen.query_one("#new-file", Input)
        assert file_name.value == "reasoning-about-fractions"
        file_name.focus()
        await pilot.pause()
        await pilot.press("ctrl+u", *"study1")
        assert file_name.value == "study1"


async def test_start_screen_lists_recent_studies(study_path):
    recent.remember(study_path)
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#start-list")
        assert str(study_path.resolve()) in option_ids(options)
        # By its title, as the group knows it, with the file and where it is.
        shown = str(options.get_option(str(study_path.resolve())).prompt)
        assert shown.startswith("Fractions  study.lessonstudy · "), shown
        options.highlighted = option_ids(options).index(str(study_path.resolve()))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)


def test_a_recent_study_whose_summary_cannot_be_read_is_listed_by_its_file_name(tmp_path):
    from lessonstudy.tui.screens.start import recent_label

    bad = tmp_path / "notes.lessonstudy"
    bad.write_text("shopping list", encoding="utf-8")
    assert str(recent_label(bad)) == f"notes  notes.lessonstudy · {tmp_path}"


async def test_a_file_that_is_not_a_study_gives_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "notes.lessonstudy"
    bad.write_text("shopping list", encoding="utf-8")
    app = LessonStudyApp(bad)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert app.study_file is None
        messages = [n.message for n in app._notifications]
        assert any(str(bad) in message for message in messages), messages


async def test_open_the_example_study(data_dir):
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        assert app.study_file is not None
        assert app.study_file.load().lessons[0].stages  # a real, filled-in study


# --------------------------------------------------------------------------- the map


async def test_map_shows_every_step_and_highlights_the_next(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyMapScreen)
        steps_list = screen.query_one("#steps")
        ids = [i for i in option_ids(steps_list) if i]
        assert ids[:5] == ["initial", "plan:1", "observe:1", "interviews:1", "discussion:1"]
        assert ids[-2:] == ["open_house", "write_up"]
        assert len(ids) == 1 + 3 * 4 + 2
        first = str(steps_list.get_option("initial").prompt)
        assert first.startswith("▶ ◐ Initial meeting")  # members exist: started, and next
        assert "needs" in first
        assert "○" in str(steps_list.get_option(ids[1]).prompt)


async def test_map_refreshes_when_a_step_screen_is_closed(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("plan:1")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press(*"2026-01-01", "enter", *"09:00", "enter", *"Ann")
        await pilot.press("escape")
        await pilot.pause()
        steps_list = app.screen.query_one("#steps")
        assert "◐ RL1: plan" in str(steps_list.get_option("plan:1").prompt)


async def test_command_palette_reaches_every_step(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"RL2: plan")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.number == 2


async def test_f1_explains_the_current_step_and_lists_its_keys(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("initial")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("Markdown").source
        assert "The initial meeting" in text
        assert "Undo" in text  # the screen's keys are listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InitialMeetingScreen)


async def test_teach_and_observe_asks_who_you_are_first(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("observe:1")
        await pilot.pause()
        assert isinstance(app.screen, WhoAreYouDialog)
        assert option_ids(app.screen.query_one("#who-list")) == ["Ann", "Bo"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ObserveScreen"


async def test_observe_as_goes_straight_to_observing(study_path):
    with StudyFile.open(study_path) as study_file:
        assert lesson_to_observe(study_file.load()) == 1
    app = LessonStudyApp(study_path, observe_as="Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "ObserveScreen"


async def test_both_versions_kept_are_shown_and_can_be_dismissed(study_path):
    with StudyFile.open(study_path) as study_file:
        overview, revision = study_file.read(documents.OVERVIEW)
        overview.focus = "mine"
        study_file.save(documents.OVERVIEW, overview, revision)
        overview.focus = "theirs"
        assert study_file.save(documents.OVERVIEW, overview, revision).conflict
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        # Painted from the summary: not known yet, no empty box (no list at all).
        assert not app.screen.query("#conflicts")
        # The conflicts are read with the whole study, by a worker once the study is open.
        await until(pilot, lambda: app.screen.query("#conflicts"), "the conflicts read")
        conflicts = app.screen.query_one("#conflicts", OptionList)
        await until(pilot, lambda: conflicts.region, "the conflicts laid out")
        assert conflicts.display and conflicts.option_count
        assert "Both versions kept: the initial meeting" in str(
            conflicts.get_option_at_index(0).prompt
        )
        await pilot.press("c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        # In plain words: the field, the two versions side by side; no JSON, no ids.
        shown = rendered(app.screen.query_one("#conflict-body").children[0])
        assert "focus" in shown and "theirs" in shown and "mine" in shown
        assert "{" not in shown and '"' not in shown
        assert "another window" in rendered(app.screen.query_one(".hint", Static))
        await pilot.press("d", "r")  # letters do nothing here
        assert isinstance(app.screen, ConflictDialog)
        await pilot.click("#keep-that")  # the other version, "mine", goes back in
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        assert not app.screen.query_one("#conflicts").display
    with StudyFile.open(study_path) as study_file:
        assert study_file.conflicts() == []
        assert study_file.read(documents.OVERVIEW)[0].focus == "mine"


async def test_usable_at_80_by_24(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        steps_list = app.screen.query_one("#steps")
        assert steps_list.size.height >= 12
        app.open_step("plan:1")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        grid = app.screen.query_one("PredictionGrid")
        assert grid.size.height >= 10
        assert grid.virtual_size.width <= 80  # every pupil's column without scrolling


def test_the_cached_summary_gives_the_same_map_as_the_process(study_path):
    from lessonstudy.process import next_step, steps
    from lessonstudy.store.summary import read_cached_at
    from lessonstudy.tui.screens.study_map import rows_from_glance, rows_from_steps

    with StudyFile.open(study_path) as study_file:
        study = study_file.load()
    glance = read_cached_at(study_path)
    assert glance is not None  # written when the file was created
    assert rows_from_glance(glance) == rows_from_steps(steps(study), next_step(study))
    assert rows_from_glance({"steps": [["x", "done", "", False]] * 5}) is None


@pytest.mark.long
async def test_every_step_of_the_example_opens_its_screen(tmp_path):
    from lessonstudy.resources import example_study_path
    from lessonstudy.store.export import read_json

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ids = [i for i in option_ids(app.screen.query_one("#steps")) if i]
        for step_id in ids:
            app.open_step(step_id)
            await pilot.pause()
            assert not isinstance(app.screen, StudyMapScreen), step_id
            if step_id.startswith("observe"):
                assert isinstance(app.screen, WhoAreYouDialog)
            app.pop_screen()
            await pilot.pause()
            assert isinstance(app.screen, StudyMapScreen), step_id
        assert not [n for n in app._notifications if n.severity == "error"]


# --------------------------------------------------------------------------- found by trying it


async def test_the_map_fits_80_columns_when_opened_from_the_start_screen(tmp_path):
    """A study created from the start screen: each step was one character too wide at 80
    columns, so every line with a "needs ..." wrapped and the map no longer fitted."""
    app = LessonStudyApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.create_study(tmp_path / "new.lessonstudy", "New")
        await pilot.pause()
        steps_list = app.screen.query_one("#steps")
        inside = steps_list.scrollable_content_region.width
        prompts = [steps_list.get_option(i).prompt for i in option_ids(steps_list) if i]
        assert all(prompt.cell_len <= inside for prompt in prompts)
        assert steps_list.virtual_size.height <= steps_list.size.height  # no scrolling


@pytest.mark.long
async def test_back_from_a_step_that_is_now_done_the_map_moves_on(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        steps_list = app.screen.query_one("#steps")
        steps_list.highlighted = option_ids(steps_list).index("plan:1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("escape")  # RL1's plan is still not done: stay on it
        await worker_done(pilot, "map-refresh")  # the map read again
        assert option_ids(steps_list)[steps_list.highlighted] == "plan:1"
        with StudyFile.open(study_path) as study_file:  # the initial meeting, done elsewhere
            study = study_file.load()
            study.overview.focus = study.overview.research_question = "x"
            study.overview.technique = "y"
            study.overview.protocol_agreed = True
            for pupil, name in zip(study.pupils, "PQR", strict=False):
                pupil.pseudonym = name
            _old, revision = study_file.read(documents.OVERVIEW)
            study_file.save(documents.OVERVIEW, study.overview, revision)
            _old, revision = study_file.read(documents.PUPILS)
            study_file.save(documents.PUPILS, study.pupils, revision)
        steps_list.highlighted = option_ids(steps_list).index("initial")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await until(  # read by a worker: the map moves on once it shows the step done
            pilot,
            lambda: option_ids(steps_list)[steps_list.highlighted] == "plan:1",
            "the map moved on to the next step (Enter goes on)",
        )


async def test_the_palette_lists_the_steps_first_and_finds_the_theme(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        commands = app.screen.query_one("CommandList")
        names = [str(commands.get_option_at_index(i).prompt) for i in range(3)]
        assert names[0].startswith("Study map"), names
        assert names[1].startswith("Open Initial meeting"), names
        await pilot.press(*"theme")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "CommandPalette"  # now choosing a theme


async def test_the_chosen_theme_is_remembered(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.study_file, "the study opened behind the map")
        app.remember_theme()  # what a real (not headless) start does
        app.theme = "textual-light"
        await pilot.pause()
    assert recent.load_setting("theme") == "textual-light"
    again = LessonStudyApp(study_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme != "textual-light"  # tests keep the default...
        again.remember_theme()
        assert again.theme == "textual-light"  # ...a real start takes the user's choice


def test_a_damaged_settings_file_is_ignored(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.json").write_text("[1, 2", encoding="utf-8")
    assert recent.load_setting("theme") is None
    recent.save_setting("theme", "nord")
    assert recent.load_setting("theme") == "nord"


@pytest.mark.long
async def test_a_file_that_cannot_be_opened_leaves_the_open_dialog_up_with_its_name(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping list", encoding="utf-8")
    app = LessonStudyApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*str(bad), "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "OpenFileDialog"  # try again, not start over
        assert app.screen.query_one("#open-path").value == str(bad)
        assert any("not a study file" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


async def test_the_palette_finds_a_step_by_what_people_call_it(study_path):
    """A teacher looks for "report" or "poster", not "Write-up" (seen in a user trial)."""
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        await pilot.press(*"poster")
        await pilot.pause(0.5)
        commands = app.screen.query_one("CommandList")
        first = str(commands.get_option_at_index(0).prompt)
        assert first.startswith("Open Write-up"), first
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "WriteUpScreen"


async def test_the_help_says_how_to_close_it(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert "Esc&#160;closes&#160;the&#160;help" in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ != "HelpScreen"


async def test_quitting_never_drops_a_note_typed_but_not_saved(study_path, monkeypatch):
    # Seen in a trial: ctrl+q left observing at once, the typed note gone.
    app = LessonStudyApp(study_path, observe_as="Bo")
    exits: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *args, **kwargs: exits.append(True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("0", *"noisy at the start")
        await app.action_quit()  # what the palette's Quit runs
        await pilot.pause()
        assert exits == [] and type(app.screen).__name__ == "ObserveScreen"
        assert any("ctrl+q again" in str(n.message) for n in app._notifications)
        assert app.screen.note_line.text == "noisy at the start"
        await pilot.press("ctrl+q")  # asked twice within seconds: it goes ahead
        assert exits == [True]
        exits.clear()
        await pilot.press("enter")  # saved: nothing left to lose
        await pilot.press("ctrl+q")
        assert exits == [True]
        exits.clear()
        await pilot.press("0", *"again")
        app.screen._quit_asked -= 60  # long after: a new note is held back again
        await pilot.press("ctrl+q")
        assert exits == []


async def test_a_paste_of_several_lines_into_a_one_line_field_keeps_every_line(study_path):
    # Textual's Input keeps only a paste's first line (seen in a trial: the second line
    # of an agreed change was lost); the app joins the lines for a one-line field.
    from textual import events
    from textual.widgets import Input, TabbedContent

    from lessonstudy.store import documents

    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("initial")
        await pilot.pause()
        app.screen.query_one(TabbedContent).active = "class"
        await pilot.pause()
        subject = app.screen.query_one("#class-subject", Input)
        subject.focus()
        await pilot.pause()
        app.post_message(events.Paste("Maths:\r\n  fractions on a\n\nnumber line\n"))
        await pilot.pause()
        assert subject.value == "Maths: fractions on a number line"
        await pilot.press("escape")
        await pilot.pause()
    with StudyFile.open(study_path, read_only=True) as study_file:
        overview, _ = study_file.read(documents.OVERVIEW)
    assert overview.class_details.subject == "Maths: fractions on a number line"


def test_a_recent_study_is_listed_by_its_title_after_others_wrote_notes(study_path):
    # Seen in a trial: after observers in other processes wrote notes, the cached
    # summary was out of date and the start screen listed the study by file name.
    from lessonstudy.model import CLASS, Observation, now
    from lessonstudy.store.summary import read_cached_at
    from lessonstudy.tui.screens.start import recent_label

    with StudyFile.open(study_path) as study_file:
        study_file.refresh_summary()
    with StudyFile.open(study_path) as other:  # an observer's process: its own writes
        other.add_note(Observation(1, "Bo", now(), CLASS, "counts on"))
        other._wrote = False  # as an observer's app killed before it closed
    assert read_cached_at(study_path) is None  # the summary is out of date
    assert str(recent_label(study_path)).startswith("Fractions  study.lessonstudy · ")

    # Its title is read only from an overview whose stored hash matches.
    import sqlite3

    con = sqlite3.connect(study_path)
    con.execute("UPDATE document SET body = replace(body, 'Fractions', 'Fractures')")
    con.commit()
    con.close()
    assert str(recent_label(study_path)).startswith("study  study.lessonstudy · ")


async def test_the_palette_lists_the_steps_as_the_map_read_them(study_path, monkeypatch):
    # It read the whole study on the UI thread each time it opened (0.6 s at 90,000
    # notes); the map keeps the steps read off the UI thread.
    from tui_helpers import record_loads

    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.study_file, "the study opened behind the map")
        await until(pilot, lambda: app.screen.step_rows, "the map's steps")
        loads = record_loads(monkeypatch)
        await pilot.press("ctrl+p")

        def names() -> list[str]:
            found = app.screen.query("CommandList")
            if not found:
                return []
            commands = found.first()
            return [
                str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
            ]

        await until(pilot, names, "the palette's commands")
        assert any(name.startswith("Open Initial meeting") for name in names()), names()
        # (The map may read in its worker meanwhile: nothing on the UI thread.)
        assert [load for load in loads if load.ui_thread] == []
