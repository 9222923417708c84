"""The map follows other processes' notes without loading the study on the UI thread,
and only while it shows (a hidden map catches up when shown again)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import OptionList

from lessonstudy.store import StudyFile
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.study_map import StudyMapScreen
from store_helpers import make_file, note
from tui_helpers import record_loads, until, worker_done


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


def observe_detail(screen: StudyMapScreen) -> str:
    step = next(s for s in screen._steps if s.id == "observe:1")
    return step.detail


async def wait_until(pilot, condition, polls: int = 200) -> None:
    for _ in range(polls):  # a bound, not a sleep for timing
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("never happened")


async def test_the_map_shows_another_process_s_notes_reading_off_the_ui_thread(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.study_file is not None)
        screen = app.screen
        assert isinstance(screen, StudyMapScreen)
        await wait_until(pilot, lambda: screen.study_file is not None)
        ui_thread_loads = []
        original = screen.study_file.load

        def load(*args, **kwargs):
            ui_thread_loads.append(threading.current_thread() is threading.main_thread())
            return original(*args, **kwargs)

        screen.study_file.load = load  # type: ignore[method-assign]
        with StudyFile.open(path) as theirs:
            theirs.add_note(note(study))
            await wait_until(pilot, lambda: observe_detail(screen).startswith("1 note"))
            assert not any(ui_thread_loads)

            # Hidden under another screen: no reading; shown again: caught up.
            await app.push_screen(Screen())
            asked = screen._reader.ask_count
            theirs.add_note(note(study, "a second"))
            await pilot.pause(0.3)
            assert screen._reader.ask_count == asked  # nothing read while hidden
            assert observe_detail(screen).startswith("1 note")
            app.pop_screen()
            await wait_until(pilot, lambda: observe_detail(screen).startswith("2 notes"))
            assert not any(ui_thread_loads)


async def test_the_discussion_reads_nothing_for_another_lesson_s_notes(tmp_path, monkeypatch):
    from lessonstudy.resources import example_study_path
    from lessonstudy.store.export import read_json
    from lessonstudy.tui.live import StudyChanged
    from lessonstudy.tui.screens.discussion import DiscussionScreen
    from lessonstudy.usecases.changes import Change
    from tui_helpers import ScreenApp

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    with StudyFile.open(path) as study_file:
        app = ScreenApp(lambda: DiscussionScreen(study_file, 1))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DiscussionScreen)
            # (lesson, with notes, on the UI thread): the study read again, from any connection
            loads: list[tuple[int | None, bool, bool]] = []
            changed_since: list[int] = []  # only the notes changed since a sequence number
            load, notes = StudyFile.load, study_file.notes

            def counted_load(self, lesson=None, *, notes=True):
                on_ui = threading.current_thread() is threading.main_thread()
                loads.append((lesson, notes, on_ui))
                return load(self, lesson, notes=notes)

            def counted_notes(lesson=None, *, after_seq=0):
                changed_since.append(after_seq)
                return notes(lesson, after_seq=after_seq)

            monkeypatch.setattr(StudyFile, "load", counted_load)
            study_file.notes = counted_notes
            seen = study_file.last_seq()
            screen.post_message(StudyChanged(Change(note_lessons=frozenset({2}))))
            await pilot.pause()
            assert loads == [] and changed_since == []
            screen.post_message(StudyChanged(Change(note_lessons=frozenset({1}))))
            await until(pilot, lambda: changed_since, "lesson 1's new notes read")
            assert loads == [] and changed_since == [seen]  # never the whole lesson again
            # Not known what changed: the documents read at once, the lesson's notes by
            # a worker with a connection of its own (0.4 s at 90,000 notes).
            screen.post_message(StudyChanged())
            await until(pilot, lambda: len(loads) == 2 and not screen._notes_reader.reading, "read")
            assert loads == [(None, False, True), (1, True, False)]


async def test_the_map_shown_again_catches_up_off_the_ui_thread(tmp_path, monkeypatch):
    """Back from a step, the map reads the study in a worker: at 90,000 notes a
    read on the UI thread held the keys for 0.6 s."""
    path, study = make_file(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.study_file is not None)
        screen = app.screen
        assert isinstance(screen, StudyMapScreen)
        await wait_until(pilot, lambda: screen.study_file is not None and screen._steps)
        await worker_done(pilot, "map-refresh")
        loads = record_loads(monkeypatch)
        steps = screen.query_one("#steps", OptionList)
        steps.highlighted = next(
            i for i in range(steps.option_count) if steps.get_option_at_index(i).id == "observe:1"
        )
        await pilot.press("enter")  # observe RL1: who are you?
        await pilot.pause()
        assert not isinstance(app.screen, StudyMapScreen)
        with StudyFile.open(path) as theirs:  # observed elsewhere meanwhile
            theirs.add_note(note(study))
        app.pop_screen()
        await until(pilot, lambda: observe_detail(screen).startswith("1 note"), "the map caught up")
        assert loads and not any(load.whole_on_ui_thread for load in loads)


async def test_a_highlight_left_on_the_next_step_moves_on_with_it(tmp_path):
    # Seen in a trial: another window finished "RL2: plan"; the map's ▶ and its hint
    # ("Next: RL2: teach & observe") moved on, but the highlight stayed, and Enter
    # opened the step just done. A highlight the user moved elsewhere stays.
    path, _study = make_file(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.study_file is not None)
        screen = app.screen
        assert isinstance(screen, StudyMapScreen)
        steps = screen.query_one("#steps", OptionList)

        def highlighted() -> str | None:
            assert steps.highlighted is not None
            return steps.get_option_at_index(steps.highlighted).id

        def next_becomes(index: int) -> None:  # as a read after another window's change
            screen._steps = [
                row._replace(is_next=n == index, state="done" if n < index else row.state)
                for n, row in enumerate(screen._steps)
            ]
            screen._show_steps()

        first = next(n for n, row in enumerate(screen._steps) if row.is_next)
        steps.highlighted = screen._option_index(first)  # on ▶
        await pilot.pause()
        next_becomes(first + 1)
        assert highlighted() == screen._steps[first + 1].id
        assert "Next:" not in str(screen.query_one("#map-hint").render())

        steps.highlighted = 0  # the user looks at another step
        await pilot.pause()
        chosen = highlighted()
        next_becomes(first + 2)
        assert highlighted() == chosen


async def test_a_screen_under_an_opaque_one_does_not_redraw_the_one_in_front(tmp_path):
    """Each change another process makes goes to every screen on the stack. The map
    under a step's screen handles it, and Textual took the screen just below the front
    one as showing through: the step's screen was then drawn in full once per change
    (about 14 times a second while three observers wrote, half the app's CPU)."""
    from lessonstudy.tui.live import StudyChanged
    from lessonstudy.usecases.changes import Change

    path, _study = make_file(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.study_file is not None)
        under = app.screen
        assert isinstance(under, StudyMapScreen)
        front = Screen()
        await app.push_screen(front)
        await pilot.pause()
        assert front.styles.background.a == 1
        full_redraws = []
        draw = front._compositor.render_full_update

        def counted(*args, **kwargs):
            full_redraws.append(1)
            return draw(*args, **kwargs)

        front._compositor.render_full_update = counted  # type: ignore[method-assign]
        for _ in range(5):
            under.post_message(StudyChanged(Change(note_lessons=frozenset({2}))))
            await pilot.pause()
        assert full_redraws == []
        assert app._background_screens == []
        # A translucent screen in front (a dialog) still shows the one below.
        front.styles.background = "black 50%"
        assert app._background_screens == [under]
