"""The first frame is the map from the cached summary: the study opens after it is out."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile
from lessonstudy.store.export import read_json
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.study_map import StudyMapScreen


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


async def test_the_study_opens_after_the_first_frame_not_before_it(tmp_path):
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    open_when_first_shown: list[bool] = []

    class Watching(LessonStudyApp):
        def first_screen_shown(self) -> None:
            super().first_screen_shown()
            # Still the summary's map: opening here would hold the frame back.
            open_when_first_shown.append(self._pending_open is None)

    app = Watching(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app._pending_open is not None:  # bounded by the timer: a frame or two
            await pilot.pause(0.01)
        screen = app.screen
        assert isinstance(screen, StudyMapScreen) and screen.study_file is not None
    assert open_when_first_shown == [False]


async def test_the_first_frame_written_holds_the_title_and_the_steps(tmp_path, monkeypatch):
    """Seen: the first frame reaching the terminal had the steps but not the title (Textual
    drops the first full frame, drawn while the app is still starting, and the next one
    drew only what had changed since); the title came a frame or two later."""
    import re

    from textual._compositor import CompositorUpdate
    from textual.app import App

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    written: list[str] = []
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        # What the terminal would be sent: updates made in a batch are not written.
        if isinstance(renderable, CompositorUpdate) and not self._batch_count:
            raw = renderable.render_segments(self.console)
            written.append(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", raw))
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", capture)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    first = next(frame for frame in written if frame.strip())
    assert "Fractions on a number line" in first
    assert "Initial meeting" in first


async def test_the_study_opens_and_loads_off_the_ui_thread(tmp_path, monkeypatch):
    """Opening (SQLite's integrity check, the rows' checks) and the map's full read
    after the first paint ran on the UI thread: keys typed meanwhile waited for them
    (about 0.5 s and 0.7 s at 90,000 notes)."""
    import threading

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    on_ui_thread: list[str] = []
    ui_thread = threading.current_thread()
    real_open, real_load = StudyFile.open.__func__, StudyFile.load

    def watched_open(cls, *args, **kwargs):
        if threading.current_thread() is ui_thread:
            on_ui_thread.append("open")
        return real_open(cls, *args, **kwargs)

    def watched_load(self, *args, **kwargs):
        if threading.current_thread() is ui_thread:
            on_ui_thread.append("load")
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(StudyFile, "open", classmethod(watched_open))
    monkeypatch.setattr(StudyFile, "load", watched_load)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app._pending_open is not None:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()  # the map's full read
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyMapScreen) and screen.study_file is not None
    assert on_ui_thread == []


async def test_the_map_is_not_drawn_first_into_a_frame_that_is_dropped(tmp_path, monkeypatch):
    """Seen: the map, pushed over Textual's default screen in on_mount, was drawn while
    the app was still starting (in Textual's start-up batch, so never written) and
    reached the terminal only with the frame after, about 30 ms later. As the app's
    default screen it is drawn once the start-up is over, and that frame is written."""
    from textual._compositor import CompositorUpdate
    from textual.app import App

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    frames: list[bool] = []  # for each frame drawn: written to the terminal?
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            frames.append(not self._batch_count)
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", capture)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        assert len(app.screen_stack) == 1  # nothing under the map to show by mistake
    assert frames and frames[0], f"frames drawn, written or not: {frames}"


async def test_a_study_found_damaged_after_the_paint_gives_the_start_screen_and_why(
    tmp_path, monkeypatch
):
    """The quick checks before the paint pass, the full open after it finds damage
    (rows the program could not have written): the map painted from the summary
    gives way to the start screen, which says what is wrong."""
    from lessonstudy.errors import LessonStudyError
    from lessonstudy.tui.screens.start import StartScreen

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()

    def damaged_open(cls, *args, **kwargs):
        raise LessonStudyError(f"{path}: damaged study file (3 notes with an id that is not one)")

    monkeypatch.setattr(StudyFile, "open", classmethod(damaged_open))
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        while app._pending_open is not None:
            await pilot.pause(0.01)
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert len(app.screen_stack) == 1  # the map it replaced is gone, not under it
        messages = [str(n.message) for n in app._notifications]
        assert any("3 notes with an id that is not one" in m for m in messages), messages


async def test_the_steps_are_built_once_for_the_first_paint(tmp_path, monkeypatch):
    """The steps were cut to a room guessed before the layout (the screen's width less
    4), found wrong once laid out, and built and drawn again right after the first
    frame, while that frame was still to be written. The guess is now the room."""
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    built: list[int] = []
    show_steps = StudyMapScreen._show_steps

    def counted(self: StudyMapScreen) -> None:
        show_steps(self)
        built.append(self._built_room)

    monkeypatch.setattr(StudyMapScreen, "_show_steps", counted)
    rooms: list[tuple[list[int], int]] = []  # built before the first frame, room laid out

    class Watching(LessonStudyApp):
        def first_screen_shown(self) -> None:
            screen = self.screen
            assert isinstance(screen, StudyMapScreen)
            rooms.append((list(built), screen._room()))
            super().first_screen_shown()

    for size in ((120, 40), (80, 24)):
        built.clear()
        rooms.clear()
        async with Watching(path).run_test(size=size) as pilot:
            await pilot.pause()
        [(built_before_shown, laid_out)] = rooms
        assert built_before_shown == [laid_out], size


async def test_the_writer_gets_the_gil_right_after_the_first_frame(tmp_path, monkeypatch):
    """Textual's writer thread writes each frame; the UI thread went on at once with
    what follows the first frame and held the GIL, so the frame reached the terminal
    a switch interval (5 ms) later. The map sleeps a moment right after it."""
    from textual._compositor import CompositorUpdate
    from textual.app import App

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    written: list[str] = []
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate) and not self._batch_count:
            written.append("frame")
        display(self, screen, renderable)

    let_out = StudyMapScreen._let_the_frame_out

    async def watched(self: StudyMapScreen) -> None:
        written.append("out")
        await let_out(self)

    monkeypatch.setattr(App, "_display", capture)
    monkeypatch.setattr(StudyMapScreen, "_let_the_frame_out", watched)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert written[:2] == ["frame", "out"], written[:5]


async def test_the_other_screens_rules_are_parsed_when_the_first_of_them_shows(
    tmp_path, monkeypatch
):
    """app.tcss held the rules of every screen: all parsed before the map's first frame.
    Those of the other screens (screens.tcss) now come in with the first of them, in
    time to style it, however soon it is opened."""
    from textual._compositor import CompositorUpdate
    from textual.app import App

    from lessonstudy.tui.screens.help_screen import HelpScreen

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    screens_css = str(LessonStudyApp.SCREENS_CSS_PATH)
    parsed_at_frame: list[bool] = []  # each frame written: screens.tcss read by then?
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate) and not self._batch_count:
            parsed_at_frame.append(self.stylesheet.has_source(screens_css))
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", capture)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")  # the help, a dialog, as soon as the map takes keys
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert str(body.styles.width) == "90"  # screens.tcss: #help-body
        assert app.screen.styles.align == ("center", "middle")  # screens.tcss: ModalScreen
    assert parsed_at_frame[0] is False and parsed_at_frame[-1] is True


async def test_the_footer_comes_right_after_the_first_frame_in_its_kept_place(
    tmp_path, monkeypatch
):
    """Textual's footer shows no keys in the first frame (they come once the screen's
    bindings are ready): it is mounted after that frame, a bar keeping its place."""
    from textual._compositor import CompositorUpdate
    from textual.app import App
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from tui_helpers import until

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    at_first_frame: list[tuple[int, int]] = []  # (footers, places) in the first frame
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        written = isinstance(renderable, CompositorUpdate) and not self._batch_count
        if written and not at_first_frame:
            at_first_frame.append((len(screen.query(Footer)), len(screen.query("#footer-place"))))
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", capture)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def keys() -> list[str]:
            return [key.description for key in app.screen.query(FooterKey)]

        await until(pilot, lambda: "Open step" in keys(), "the map's keys in the footer")
        assert "Next step" in keys() and "Quit" in keys()
        assert not app.screen.query("#footer-place")
        footer = app.screen.query_one(Footer)
        assert footer.region.y == 39 and footer.region.height == 1  # where the bar was
    assert at_first_frame == [(0, 1)]


def test_the_collector_is_held_off_until_the_first_frame(tmp_path, monkeypatch):
    """`lessonstudy STUDY` holds Python's garbage collector off from before Textual's
    import to the first frame (it walked the objects of every import and widget again
    and again meanwhile, 15-18 ms), then lets it go, the objects alive by then frozen
    out of its way (tui/collector.py)."""
    import gc

    from textual._compositor import CompositorUpdate
    from textual.app import App

    from lessonstudy import cli

    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    collecting_at_first_frame: list[bool] = []
    display = App._display

    def capture(self: App, screen, renderable) -> None:
        written = isinstance(renderable, CompositorUpdate) and not self._batch_count
        if written and not collecting_at_first_frame:
            collecting_at_first_frame.append(gc.isenabled())
        display(self, screen, renderable)

    collecting_once_ready: list[bool] = []  # App.on_ready: the first frame is drawn
    on_ready = LessonStudyApp.on_ready

    def ready(self: LessonStudyApp) -> None:
        on_ready(self)
        collecting_once_ready.append(gc.isenabled())

    real_run = LessonStudyApp.run

    def headless_run(self: LessonStudyApp, **_options: object) -> None:
        real_run(self, headless=True, size=(120, 40))

    monkeypatch.setattr(App, "_display", capture)
    monkeypatch.setattr(LessonStudyApp, "on_ready", ready)
    monkeypatch.setattr(LessonStudyApp, "run", headless_run)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("LESSONSTUDY_EXIT_AFTER_FIRST_SCREEN", "1")
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        assert cli._run_app(path) == 0
        assert collecting_at_first_frame == [False]
        assert collecting_once_ready == [True]  # let go by the app, right after
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


def test_a_collector_switched_off_elsewhere_stays_off():
    """release() switches the collector on only if hold() switched it off."""
    import gc

    from lessonstudy.tui import collector

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        collector.hold()
        collector.release()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        if was_enabled:
            gc.enable()
