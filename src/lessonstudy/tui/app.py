"""The lessonstudy app: a study map and one screen per step of lesson study.

`LessonStudyApp(path)` opens a study and shows its map; without a path it
shows the start screen (recent studies, new, open, example). Step screens are
imported only when first opened, so start-up stays close to a bare Textual
app's.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.notifications import SeverityLevel

from lessonstudy.cycle import INFO
from lessonstudy.errors import LessonStudyError
from lessonstudy.printable import printable
from lessonstudy.tui.keys_in_turn import KeysInTurn
from lessonstudy.tui.one_line_paste import OneLinePaste
from lessonstudy.tui.plain import keep_control_codes_off_the_screen

if TYPE_CHECKING:  # imported when first needed: the first screen does not wait for them
    from textual.screen import Screen

    from lessonstudy.store import StudyFile

EXIT_AFTER_FIRST_SCREEN_ENV = "LESSONSTUDY_EXIT_AFTER_FIRST_SCREEN"
PAINT_SECONDS = 1 / 30  # a frame or two: the first one is on the terminal by then
"""Benchmarks set this: the app exits as soon as its first screen has been drawn."""


class StudyCommands(Provider):
    """Command palette: every step of the open study, the map, help, the keys of
    the screen, then Textual's own commands (theme, quit ...), in that order."""

    async def startup(self) -> None:
        # The other words each step is known by ("report" for the write-up), by command name.
        self._also: dict[str, str] = {}
        self._commands = list(self._all_commands())

    def _all_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        commands = [*self._study_commands(), *self._screen_keys(), *self._system_commands()]
        seen: set[str] = set()
        for name, words, command in commands:
            if name not in seen:  # "Help" is both a key and a command
                seen.add(name)
                yield name, words, command

    def _study_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        assert isinstance(app, LessonStudyApp)
        if app.study_file is None:
            yield "New study", "Start a new lesson study", app.action_new_study
            yield "Open the example", "A finished example study to look around", app.open_example
            yield "Help", "What lesson study is, step by step", app.action_help
            return
        yield "Study map", "Every step of the study, and what is next", app.action_show_map
        from lessonstudy.cycle import parse_step_id

        for step_id, title, state, detail in self._steps():
            words = state + (f" - {detail}" if detail else "")
            self._also[f"Open {title}"] = INFO[parse_step_id(step_id)[0]].also
            yield f"Open {title}", words, partial(app.open_step, step_id)
        yield "Help", "What the current step is for, and its keys", app.action_help

    def _steps(self) -> list[tuple[str, str, str, str]]:
        """(id, title, state, detail) of each step: as the study map last read them (off
        the UI thread, kept up to date with other windows' changes), else read now.
        Reading the whole study each time the palette opened held the app for 0.6 s on a
        study of 90,000 notes."""
        app = self.app
        assert isinstance(app, LessonStudyApp) and app.study_file is not None
        from lessonstudy.tui.screens.study_map import StudyMapScreen

        maps = [s for s in app.screen_stack if isinstance(s, StudyMapScreen)]
        if maps and maps[0].step_rows:
            return [(r.id, r.title, r.state, r.detail) for r in maps[0].step_rows]
        from lessonstudy.process import steps

        try:
            study = app.study_file.load()  # no map (observe --as): the states need the notes
        except LessonStudyError:
            return []
        return [(s.id, s.title, s.state.value, s.detail) for s in steps(study)]

    def _system_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """Textual's commands (theme, keys, quit ...): after ours, so the steps come first."""
        for name, words, callback, *_ in self.app.get_system_commands(self.screen):
            if name == "Theme":
                words = (
                    "Light, dark or high-contrast colours (lessonstudy-high-contrast suits "
                    "a projector); remembered next time"
                )
            yield name, words, callback

    def _screen_keys(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """The keys of the screen the palette was opened on, so they can be found by name."""
        from lessonstudy.tui.screens.help_screen import is_ours

        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not is_ours(binding) or binding.system or binding.description in seen:
                continue
            if not active.enabled:
                continue
            seen.add(binding.description)
            key = self.app.get_key_display(binding)
            run = partial(self.app.run_action, binding.action, active.node)
            yield binding.description, f"key: {key}", run

    async def discover(self) -> Hits:
        for name, words, command in self._commands:
            yield DiscoveryHit(name, command, help=escape(words))  # help is read as markup

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().lower()
        for name, words, command in self._commands:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=escape(words))
            elif wanted and wanted in self._also.get(name, "").lower():
                # Below every match of a name: "report" finds the write-up.
                help_words = f"{words} · for: {self._also[name]}"
                yield Hit(0.01, name, command, help=escape(help_words))


class LessonStudyApp(KeysInTurn, OneLinePaste, App[None]):
    """Guides a lesson study group from the first meeting to the write-up."""

    TITLE = "Lesson study"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    # The rules of every screen but the first ones: parsed when the first of those is
    # shown (_load_screen_css), not before the map's first frame (about 3 ms).
    SCREENS_CSS_PATH = Path(__file__).with_name("screens.tcss")
    COMMANDS = {StudyCommands}  # Textual's own commands are listed by it, after the steps
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="What this step is for"),
        # Textual's own ctrl+q is a hidden priority binding, which would hide the
        # map's and start screen's visible "Quit": same key, not priority here.
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False),
        # Tab moves the focus as soon as the app reads it, before the keys after it:
        # Textual's own Tab (a screen binding) runs only once the field has handled
        # the key, and by then a paste or a fast typist's next keys have already gone
        # to the field Tab was leaving. Priority bindings run on arrival instead
        # (KeysInTurn: once the field has the keys typed before it).
        Binding("tab", "focus_next_now", "Next field", id="app.next", show=False, priority=True),
        Binding(
            "shift+tab",
            "focus_previous_now",
            "Previous field",
            id="app.previous",
            show=False,
            priority=True,
        ),
        # The same for Enter where it moves on to the next field (the screen says
        # where: `enter_moves_on`); elsewhere Enter is the widget's, as always.
        Binding("enter", "enter_now", "Next field", id="app.enter", show=False, priority=True),
    ]
    _remember_theme = False  # set by remember_theme(): then the user's choice is saved

    def __init__(
        self,
        study_path: Path | None = None,
        *,
        observe_as: str | None = None,
        lesson: int | None = None,
        library: Path | None = None,
        library_index: Path | None = None,
    ) -> None:
        super().__init__()
        keep_control_codes_off_the_screen()
        self.study_path = Path(study_path) if study_path is not None else None
        self.library = library  # `lessonstudy library DIR`: the library of DIR first
        self.library_index = library_index
        self.observe_as = observe_as
        self.observe_lesson = lesson
        self._study_file: StudyFile | None = None
        self._pending_open: Path | None = None  # the map shows the cached summary meanwhile
        self._opening: Future[StudyFile] | None = None  # _pending_open, opening in a thread
        self._first_screen_shown = False
        from lessonstudy.tui.themes import THEMES

        for theme in THEMES:  # in the theme list (ctrl+p, Theme), remembered like the rest
            self.register_theme(theme)

    @property
    def study_file(self) -> StudyFile | None:
        """The open study. While the first map is painted from the cached summary,
        asking for it opens the study at once (so callers never see it missing)."""
        if self._study_file is None and self._pending_open is not None:
            self._open_behind_map(self._pending_open)
        return self._study_file

    @study_file.setter
    def study_file(self, value: StudyFile | None) -> None:
        self._study_file = value

    @property
    def _background_screens(self) -> list[Screen[Any]]:
        """The screens that show through the one in front: none when it is opaque.

        Textual counts the screen just below as showing through whatever covers it.
        Such a screen is "current": it repaints on each message it handles, and each
        repaint marks it for the next and repaints the whole screen in front. The map
        under the discussion handles every change another process makes (StudyChanged
        goes to every screen on the stack), so the discussion was drawn in full about
        14 times a second while observers wrote: half the app's CPU. A screen under an
        opaque one catches up when shown again (Textual lays it out anew on resume,
        with a Resize if the terminal changed meanwhile)."""
        stack = self._screen_stack
        if not stack or stack[-1].styles.background.a == 1:
            return []
        return super()._background_screens

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages carry typed text and file names
        ("plan [draft].lessonstudy"), which Textual would otherwise read as markup.
        (Widget.notify always passes markup=True, so it is ignored here.)"""
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        if not self.is_headless:  # tests keep the default theme, whatever the user chose
            self.remember_theme()
        if self.library is not None:
            self._show_start()
            self.open_library(self.library, self.library_index)
            return
        if self.study_path is None:
            self._show_start()
            return
        if not self.study_path.exists():
            # A new name: offer to create the study there, as a new user expects.
            self._show_start()
            self.action_new_study(self.study_path)
            return
        if self._pending_open is not None:
            return  # the map painted from the summary is the first screen (get_default_screen)
        try:
            self._open(self.study_path)
        except LessonStudyError as error:
            self._show_start()
            self.notify(str(error), title="Cannot open the study", severity="error", timeout=15)
            return
        if self.observe_as is not None:
            self._observe(self.observe_as, self.observe_lesson)
        else:
            self.action_show_map()

    def on_ready(self) -> None:
        # The first frame is drawn: the garbage collector the command line held off
        # until now may run again (tui/collector.py).
        from lessonstudy.tui import collector

        collector.release()

    def remember_theme(self) -> None:
        """Use the theme this user chose last time, and remember their next choice."""
        from lessonstudy.tui.recent import load_setting

        saved = load_setting("theme")
        if saved and saved in self.available_themes:
            self.theme = saved
        self._remember_theme = True

    def watch_theme(self, theme: str) -> None:
        if self._remember_theme:
            from lessonstudy.tui.recent import save_setting

            save_setting("theme", theme)

    def get_default_screen(self) -> Screen[Any]:
        """The map painted from the summary cached in the file, when there is one: as
        the app's first screen it is in the very first frame (a screen pushed in
        on_mount comes a frame later). The study opens after that paint
        (first_screen_shown); until then `_pending_open` holds its path."""
        map_screen = self._map_from_summary()
        return map_screen if map_screen is not None else super().get_default_screen()

    def _map_from_summary(self) -> Screen[Any] | None:
        path = self.study_path
        if path is None or self.library is not None or self.observe_as is not None:
            return None
        from lessonstudy.store.summary import read_cached_at
        from lessonstudy.tui.screens.study_map import StudyMapScreen

        try:
            glance = read_cached_at(path, thorough=False)  # the open after the paint checks all
        except LessonStudyError:
            return None  # on_mount's full open says what is wrong
        if glance is None:
            return None  # no such file (on_mount offers to create it), or no summary yet
        self._pending_open = path  # opened by first_screen_shown(), after the paint
        return StudyMapScreen(None, glance=glance, path=path)

    def _open_in_background(self, path: Path) -> None:
        """Open the study (SQLite's integrity check, the rows' checks, a migration)
        in a thread: the map painted from the summary keeps taking keys meanwhile."""
        from lessonstudy.store import StudyFile

        if not self.is_running or self._pending_open is None:
            return  # quit before the paint's timer, or already opened
        opening: Future[StudyFile] = Future()
        self._opening = opening

        def run() -> None:
            try:
                opening.set_result(StudyFile.open(path))
            except BaseException as error:  # handed to the UI thread, which says what
                opening.set_exception(error)
            # RuntimeError: the app has closed; on_unmount closes what was opened.
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._open_behind_map, path)

        threading.Thread(target=run, name="open-study", daemon=True).start()

    def _open_behind_map(self, path: Path) -> None:
        from lessonstudy.tui.screens.study_map import StudyMapScreen

        if self._pending_open is None:
            return  # already opened (someone asked for study_file first)
        if not self.is_running:
            return  # quit before the paint's timer: the map is gone, nothing to open
        self._pending_open = None
        opening, self._opening = self._opening, None
        try:
            if opening is None:
                self._open(path)
            else:
                self._use(opening.result())  # waits only if asked for before it is open
        except LessonStudyError as error:
            from lessonstudy.tui.screens.start import StartScreen

            # The map painted from the summary is the app's first screen, which Textual
            # can neither pop nor switch: the start screen takes over in a mode of its
            # own (the map, never shown again, stays in the first mode's stack).
            self.add_mode("start", StartScreen)
            self.switch_mode("start")
            self.notify(str(error), title="Cannot open the study", severity="error", timeout=15)
            return
        for screen in self.screen_stack:
            if isinstance(screen, StudyMapScreen) and screen.study_file is None:
                assert self.study_file is not None
                screen.attach(self.study_file)

    def first_screen_shown(self) -> None:
        """Called by the first screen once it is drawn (benchmarks exit here).

        A map painted from the cached summary opens its study now, after the paint.
        """
        if not self._first_screen_shown and os.environ.get(EXIT_AFTER_FIRST_SCREEN_ENV):
            self._first_screen_shown = True
            self.exit()
            return
        self._first_screen_shown = True
        if self._pending_open is not None:
            # first_screen_shown runs after the layout, before the frame is written:
            # opening now would keep the painted map off the terminal until the
            # study is open. A timer runs after the frame is out.
            path = self._pending_open
            self.set_timer(PAINT_SECONDS, lambda: self._open_in_background(path))

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        """Textual calls this for every screen it shows but the default one (push,
        switch, a mode's first), before styling it: the rules of every screen
        (screens.tcss) come in with the first of them."""
        path = str(self.SCREENS_CSS_PATH)
        if not self.stylesheet.has_source(path):
            css = self.SCREENS_CSS_PATH.read_text(encoding="utf-8")
            self.stylesheet.add_source(css, read_from=(path, ""))
            # Parsed now, alone (the sources parsed before are cached); the screen was
            # styled before this call (ModalScreen's rules are here), its widgets after.
            self.stylesheet.apply(screen)
        super()._load_screen_css(screen)

    def _show_start(self) -> None:
        from lessonstudy.tui.screens.start import StartScreen

        self.push_screen(StartScreen())

    def _open(self, path: Path) -> None:
        from lessonstudy.store import StudyFile

        self._use(StudyFile.open(path))

    def _use(self, study_file: StudyFile) -> None:
        """The study just opened is the app's from now on (the one before it is closed)."""
        from lessonstudy.tui.live import watch_study
        from lessonstudy.tui.recent import remember

        if self._study_file is not None:
            self._study_file.close()
        self._study_file = study_file
        self.study_path = study_file.path
        remember(study_file.path)
        watch_study(self, study_file)

    # ------------------------------------------------------------------ opening studies

    def open_study(self, path: Path) -> bool:
        """Open a study file and show its map; False (and a message) if it cannot be."""
        try:
            self._open(path)
        except LessonStudyError as error:
            self.notify(str(error), title="Cannot open the study", severity="error", timeout=15)
            return False
        self.action_show_map()
        return True

    def open_study_above(self, path: Path) -> bool:
        """Open a study and show its map above the current screen (the library), so
        going back from the map returns there; False (and a message) if it cannot be."""
        from lessonstudy.tui.screens.study_map import StudyMapScreen

        try:
            self._open(path)
        except LessonStudyError as error:
            self.notify(
                str(error),
                title="Cannot open the study",
                severity="error",
                timeout=15,
                markup=False,  # a file's name is typed text
            )
            return False
        assert self.study_file is not None
        self.push_screen(StudyMapScreen(self.study_file))
        return True

    def open_library(self, folder: Path, index: Path | None = None) -> None:
        """The library of the studies under `folder`."""
        from lessonstudy.tui.screens.library import LibraryScreen

        self.push_screen(LibraryScreen(folder, index))

    def create_study(
        self, path: Path, title: str, lessons: int = 3, labels: tuple[str, ...] = ("A", "B", "C")
    ) -> bool:
        """Create a new, empty study and show its map."""
        from lessonstudy.usecases.new_study import create_study

        try:
            create_study(path, title, lessons, labels)
        except (LessonStudyError, OSError) as error:
            self.notify(str(error), title="Cannot create the study", severity="error")
            return False
        return self.open_study(path)

    def open_example(self) -> None:
        """Open a fresh copy of the bundled example study."""
        from lessonstudy.usecases.example import make_example_copy

        try:
            path = make_example_copy()
        except (LessonStudyError, OSError) as error:
            self.notify(str(error), title="Cannot open the example", severity="error")
            return
        self.open_study(path)

    def action_new_study(self, path: Path | None = None) -> None:
        """Ask for a title, the lessons and pupils (and a file name, unless `path` is
        given), then create it."""
        from lessonstudy.tui.screens.new_study import NewStudy, NewStudyDialog

        def created(answer: NewStudy | None) -> None:
            if answer is not None:
                self.create_study(answer.path, answer.title, answer.lessons, answer.labels)

        self.push_screen(NewStudyDialog(path), created)

    # ------------------------------------------------------------------ steps

    def action_show_map(self) -> None:
        """Show the study map, closing whatever step screens are open above it."""
        from lessonstudy.tui.screens.study_map import StudyMapScreen

        if self.study_file is None:
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, StudyMapScreen):
            self.pop_screen()
        if isinstance(self.screen, StudyMapScreen):
            self.screen.refresh_steps()
        elif len(self.screen_stack) <= 1:
            self.push_screen(StudyMapScreen(self.study_file))
        else:  # the start screen: the map takes its place
            self.switch_screen(StudyMapScreen(self.study_file))

    def open_step(self, step_id: str) -> None:
        """Open the screen of one step ("initial", "plan:1", "observe:2" ...)."""
        from lessonstudy.cycle import parse_step_id
        from lessonstudy.tui.steps import STEP_SCREENS

        if self.study_file is None:
            return
        kind, lesson = parse_step_id(step_id)
        STEP_SCREENS[kind].open(self, self.study_file, lesson)

    def _observe(self, observer: str, lesson: int | None) -> None:
        """Straight into observing (`lessonstudy observe --as NAME`)."""
        from lessonstudy.process import lesson_to_observe
        from lessonstudy.tui.steps import observe

        assert self.study_file is not None
        if lesson is None:
            lesson = lesson_to_observe(self.study_file.load()) or 1
        observe(self, self.study_file, lesson, observer)

    # ------------------------------------------------------------------ fields

    def action_focus_next_now(self) -> None:
        if self._focused_wants("tab"):
            raise SkipAction()  # the widget's own Tab (a TextArea that indents ...)
        self.screen.focus_next()

    def action_focus_previous_now(self) -> None:
        if self._focused_wants("shift+tab"):
            raise SkipAction()
        self.screen.focus_previous()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False, not raising in the action: the footer then shows the widget's own
        # Enter ("⏎ Open step"), which a priority binding of the app would hide.
        if action == "enter_now":
            return self._enter_moves_on()
        if action == "focus_next_now":
            return not self._focused_wants("tab")
        if action == "focus_previous_now":
            return not self._focused_wants("shift+tab")
        return True

    def _enter_moves_on(self) -> bool:
        focused = self.focused
        moves_on = getattr(self.screen, "enter_moves_on", None)
        return focused is not None and moves_on is not None and bool(moves_on(focused))

    async def action_enter_now(self) -> None:
        focused = self.focused
        if focused is None or not self._enter_moves_on():
            raise SkipAction()  # Enter is the widget's own (a new line, a choice, save ...)
        submit = getattr(focused, "action_submit", None)
        if submit is not None:
            await submit()  # the screen still hears Submitted, and does not move again
        self.screen.focus_next()

    def _focused_wants(self, key: str) -> bool:
        """The focused widget, or a container of it, binds `key` itself."""
        # The footer asks this while drawing the first frame: importing TextArea (and
        # its tree-sitter document) there held the map back. No TextArea exists
        # before its module is loaded.
        text_area = sys.modules.get("textual.widgets._text_area")
        node = self.focused
        while node is not None and node is not self.screen:
            if (
                text_area is not None
                and isinstance(node, text_area.TextArea)
                and node.tab_behavior == "indent"
                and key == "tab"
            ):
                return True
            if key in node._bindings.key_to_bindings:
                return True
            node = node.parent  # type: ignore[assignment]
        return False

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: a screen holding typing not yet saved
        (observe's note line) may hold it back, saying so (`quit_held`)."""
        for screen in reversed(self.screen_stack):
            held = getattr(screen, "quit_held", None)
            if callable(held) and held():
                return
        self.exit()

    # ------------------------------------------------------------------ help

    def action_help(self) -> None:
        from lessonstudy.tui.screens.help_screen import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        kind = getattr(self.screen, "HELP_STEP", None)
        self.push_screen(HelpScreen(kind, self.screen))

    def on_unmount(self) -> None:
        self._pending_open = None
        if self._opening is not None:  # still opening: closed once it is open
            self._opening.add_done_callback(_close_opened)
        if self._study_file is not None:
            self._study_file.close()


def _close_opened(opening: Future[StudyFile]) -> None:
    if opening.exception() is None:
        opening.result().close()
