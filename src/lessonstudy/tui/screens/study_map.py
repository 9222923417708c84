"""The study map: every step of the study in view, its state, and what is next.

The first paint comes from the at-a-glance summary cached in the study file
(read with the standard library only), so the map appears without waiting for
the model, cattrs and the process to import; the full study is read right
after and the map refreshed from it (and shows any conflicts).

After that the map is read again by a worker thread (tui.background), never on
the UI thread: when another process changes the study (only while the map
shows), when it is shown again (a step screen's edits change the states), and
after a conflict is dealt with. A 90,000-note study takes most of a second to
read and work the steps out from.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from lessonstudy.cycle import STATE_SYMBOLS, StepState
from lessonstudy.errors import LessonStudyError
from lessonstudy.printable import printable
from lessonstudy.tui.background import BackgroundRead
from lessonstudy.tui.plain import assemble, plain
from lessonstudy.words import short

if TYPE_CHECKING:
    from lessonstudy.process import Step
    from lessonstudy.store import StudyFile
    from lessonstudy.store.study_file import Conflict

# A colour beside each state's symbol (cycle.STATE_SYMBOLS). Keyed by StepState
# values, so the cached summary can be shown without the process.
STATE_COLOURS = {
    StepState.DONE.value: "green",
    StepState.IN_PROGRESS.value: "yellow",
    StepState.NOT_STARTED.value: "dim",
}
DONE = StepState.DONE.value
FRAME_OUT_SECONDS = 0.001
"""How long the UI thread stands back right after the map's first frame.

Textual hands each frame to a writer thread, which needs the GIL to write it. Right
after the map's first frame the UI thread goes on with what follows it (Resize, the
highlight's hint, the footer's keys), and the writer waited for the GIL for Python's
switch interval (5 ms): measured in tmux, the frame reached the terminal 5-11 ms after
it was drawn, against under 2 ms for a one-Label app, idle once its frame is out."""


class StepRow(NamedTuple):
    """One line of the map: a process Step, or the same read from the cached summary."""

    id: str
    title: str
    state: str  # a StepState value
    detail: str
    is_next: bool

    @property
    def lesson(self) -> str:
        return self.id.partition(":")[2]


class MapRead(NamedTuple):
    """What the map shows, as read by a worker."""

    rows: list[StepRow]
    title: str
    conflicts: list[Conflict]


def rows_from_steps(steps: list[Step], upcoming: Step | None) -> list[StepRow]:
    return [
        StepRow(
            s.id, s.title, s.state.value, s.detail, upcoming is not None and s.id == upcoming.id
        )
        for s in steps
    ]


def rows_from_glance(glance: dict[str, Any]) -> list[StepRow] | None:
    """The cached summary's steps (None: unusable, load the study instead)."""
    try:
        return [
            StepRow(str(step_id), str(title), str(state), str(detail or ""), bool(is_next))
            for step_id, title, state, detail, is_next in glance["steps"]
        ]
    except (KeyError, TypeError, ValueError):
        return None


def step_prompt(step: StepRow, width: int = 120) -> Text:
    """One line per step; what is missing is cut to fit (the hint line shows it all)."""
    symbol, colour = STATE_SYMBOLS.get(step.state, "?"), STATE_COLOURS.get(step.state, "")
    is_next = step.is_next
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("▶ " if is_next else "  ", style="bold")
    text.append(f"{symbol} ", style=colour)
    text.append(printable(f"{step.title:<28}"), style="bold" if is_next else "")
    text.append(f" {step.state:<12}", style=colour)
    if step.detail:
        room = width - len(text) - 2
        text.append(f" {short(printable(step.detail), room)}", style="italic")
    return text


def conflict_words(conflict: Conflict) -> str:
    from lessonstudy.store import documents  # the map opens before the model is imported

    what = documents.words_for(conflict.kind, conflict.key)
    return printable(
        f"! Both versions kept: {what} (from {conflict.source}, {conflict.found_at[:16]})"
    )


class StepList(OptionList):
    """The steps; Enter opens one (shown in the footer)."""

    BINDINGS = [Binding("enter", "select", "Open step", id="map.open")]


class StudyMapScreen(Screen[None]):
    """The whole process, always in view. Enter opens the highlighted step."""

    HELP_STEP = None
    BINDINGS = [
        Binding("n", "open_next", "Next step", id="map.next"),
        Binding("c", "show_conflicts", "Both versions kept", id="map.conflicts"),
        Binding("escape", "back_to_library", "Back to the library", id="map.library"),
        Binding("ctrl+q", "app.quit", "Quit", id="map.quit"),
    ]

    def __init__(
        self,
        study_file: StudyFile | None,
        *,
        glance: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        """`study_file` None: show `glance` (the cached summary of `path`) until attach()."""
        super().__init__()
        self.study_file = study_file
        self._glance = glance
        self._path = study_file.path if study_file is not None else path
        self._steps: list[StepRow] = []
        self._conflicts: list[Conflict] = []
        self._suspended = False
        self._built_room = 0  # the room the steps' lines were cut to
        self._opened: str | None = None  # the step opened from here, until we are back
        # Back from that step: (its id, the ask whose read shows the states after it,
        # the line highlighted then: moved meanwhile, the map does not move it again).
        self._move_on: tuple[str, int, int | None] | None = None
        self._reader = BackgroundRead(
            self, self._read_steps, self._show_read, name="map-refresh", failed=self._read_failed
        )
        self._read_error = ""  # the last read's failure, said once
        self._shown_next: str | None = None  # the step ▶ was on when last shown

    def compose(self) -> ComposeResult:
        # The cached summary's title from the start, with the steps (see _repaint_all).
        title = self._title(str(self._glance.get("title") or "")) if self._glance else ""
        yield Static(title, id="map-title", classes="screen-title")
        yield StepList(id="steps")
        yield Static(id="map-hint", classes="hint")
        # The list of both versions kept (#conflicts) comes once there are some: never
        # an empty warning box, and a widget less to style and lay out before the
        # first frame.
        # Textual's footer shows its keys a few frames after the first anyway (once the
        # screen's bindings are ready): it is mounted right after the first frame, and
        # a bar of its colour keeps its place until then (_show_footer).
        yield Static(id="footer-place")

    def on_mount(self) -> None:
        if self.study_file is not None:
            self._load_steps()
        elif self._glance is not None:
            self._steps = rows_from_glance(self._glance) or []
            self._show_title(str(self._glance.get("title") or ""))
            self._show_steps()
        steps_list = self.query_one("#steps", OptionList)
        nxt = next((i for i, s in enumerate(self._steps) if s.state != DONE), 0)
        steps_list.highlighted = self._option_index(nxt)
        steps_list.focus()
        # Textual draws the first full frame while the app is still starting, and drops
        # it; the frame after draws only what changed since (the steps): the title and
        # the hint came a frame or two later. Drawn again in full once the app is up.
        self.app.call_later(self._repaint_all)
        self.call_after_refresh(self.app_first_screen)
        # Queued behind this screen's ScreenResume, which draws its first frame.
        self.call_later(self._let_the_frame_out)

    async def _let_the_frame_out(self) -> None:
        """Sleep a moment (without the GIL), so the writer thread writes the frame
        just drawn before the work that follows it (FRAME_OUT_SECONDS); then the
        footer takes its place."""
        time.sleep(FRAME_OUT_SECONDS)
        await self._show_footer()

    async def _show_footer(self) -> None:
        from lessonstudy.tui.widgets.footer import Footer

        if not self.is_attached:
            return  # the app quit as soon as it showed (a benchmark, a quick ctrl+q)
        place = self.query_one("#footer-place")
        await self.mount(Footer(), before=place)
        await place.remove()
        self.refresh_bindings()  # the keys of the moment, to the footer now listening

    def _repaint_all(self) -> None:
        for widget in self.walk_children():
            widget.refresh()

    def attach(self, study_file: StudyFile) -> None:
        """The study is open now: show it in full (conflicts too), read by a worker
        (the cached summary on screen may be older than the file; loading a large
        study on the UI thread would stall the keys right after the first paint)."""
        self.study_file = study_file
        self._glance = None
        self.on_study_changed()

    def _title(self, title: str) -> Text:
        name = self._path.name if self._path else ""
        return assemble((title or Path(name).stem, "bold"), "  ", (name, "dim"))

    def _show_title(self, title: str) -> None:
        self.query_one("#map-title", Static).update(self._title(title))

    def app_first_screen(self) -> None:
        first = getattr(self.app, "first_screen_shown", None)
        if first is not None:
            first()

    @property
    def step_rows(self) -> list[StepRow]:
        """The steps as the map shows them (its last read of the study)."""
        return list(self._steps)

    def _option_index(self, step_index: int) -> int:
        steps_list = self.query_one("#steps", OptionList)
        wanted = self._steps[step_index].id if self._steps else None
        for index in range(steps_list.option_count):
            if steps_list.get_option_at_index(index).id == wanted:
                return index
        return 0

    def _load_steps(self) -> None:
        """The steps read on the UI thread: only when the map opens on a study
        without its cached summary (a new study, one opened from the library)."""
        if self.study_file is None:
            return
        from lessonstudy.process import next_step, steps

        try:
            study = self.study_file.load()
            self._conflicts = self.study_file.conflicts()
        except LessonStudyError as error:
            self.notify(str(error), severity="error")
            return
        self._show_refreshed(
            rows_from_steps(steps(study), next_step(study)), study.overview.title, self._conflicts
        )

    def _show_refreshed(self, rows: list[StepRow], title: str, found: list[Conflict]) -> None:
        self._conflicts = found
        shown = next(iter(self.query("#conflicts").results(OptionList)), None)
        had_conflicts = shown is not None and bool(shown.option_count)
        self._steps = rows
        self._show_title(title)
        self._show_steps()
        options = [Option(Text(conflict_words(c), style="bold"), id=c.id) for c in found]
        if shown is not None:
            shown.set_options(options)
            shown.display = bool(options)
        elif options:
            self.mount(OptionList(*options, id="conflicts"), after="#map-hint")
        if had_conflicts != bool(self._conflicts):
            self.refresh_bindings()  # the conflicts key shows only while there are some

    def _show_steps(self) -> None:
        """Lay the steps out for the list's width (no reading: also used on resize)."""
        steps_list = self.query_one("#steps", OptionList)
        highlighted = steps_list.highlighted
        was = steps_list.get_option_at_index(highlighted).id if highlighted is not None else None
        now_next = next((s.id for s in self._steps if s.is_next), None)
        # A highlight left on ▶ moves on with it (another window finished that step):
        # else Enter opened the step just done, while the hint said "Next: ..." (seen
        # in a trial). A highlight the user moved elsewhere stays where it is.
        if was is not None and was == self._shown_next and now_next is not None:
            was = now_next
        self._shown_next = now_next
        options: list[Option | None] = []
        previous_lesson: str | None = None
        width = self._built_room = self._room()
        for step in self._steps:
            if step.lesson != previous_lesson:
                options.append(None)  # a rule between cycles
                previous_lesson = step.lesson
            options.append(Option(step_prompt(step, width), id=step.id))
        steps_list.set_options(options)
        if highlighted is not None:
            ids = [steps_list.get_option_at_index(i).id for i in range(steps_list.option_count)]
            # By its step, not its place (a lesson added or removed shifts the lines).
            steps_list.highlighted = (
                ids.index(was) if was in ids else min(highlighted, steps_list.option_count - 1)
            )
        self._show_hint()

    def _show_hint(self) -> None:
        """What the highlighted step needs, in full, and what comes next."""
        steps_list = self.query_one("#steps", OptionList)
        index = steps_list.highlighted
        step_id = steps_list.get_option_at_index(index).id if index is not None else None
        step = next((s for s in self._steps if s.id == step_id), None)
        upcoming = next((s for s in self._steps if s.is_next), None)
        parts = []
        if step is not None and step.detail:
            parts.append(f"{step.title}: {step.detail}.")
        if upcoming is None:
            parts.append("The study is complete.")
        elif step is None or step.id != upcoming.id:
            parts.append(f"Next: {upcoming.title}.")
        parts.append("Enter opens a step; F1 explains it.")
        self.query_one("#map-hint", Static).update(plain(" ".join(parts)))

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionHighlighted, "#steps")
    def _step_highlighted(self) -> None:
        if self._steps:
            self._show_hint()

    def _room(self) -> int:
        """The room for a step's line: inside the list's padding, less a scrollbar's (a
        line that wraps doubles the map's height at 80 columns)."""
        steps_list = self.query_one("#steps", OptionList)
        inside = steps_list.scrollable_content_region.width
        if not inside:
            # Not laid out yet (the first paint): the screen's width, less the list's
            # padding and border, as the layout will make it. Guessed short, the steps
            # were built again right after the first frame, and drawn twice.
            inside = self.app.size.width - steps_list.styles.gutter.width
        return inside - 2

    def on_resize(self) -> None:
        if self._steps and self._room() != self._built_room:
            self._show_steps()

    @on(OptionList.OptionSelected, "#steps")
    def _step_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
            self._opened = event.option_id
            self.app.open_step(event.option_id)  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#conflicts")
    def _conflict_selected(self, event: OptionList.OptionSelected) -> None:
        conflict = next((c for c in self._conflicts if c.id == event.option_id), None)
        if conflict is not None and self.study_file is not None:
            from lessonstudy.tui.screens.map_dialogs import ConflictDialog

            # Shown again when it closes: the map reads the conflicts left (on_screen_resume).
            self.app.push_screen(ConflictDialog(self.study_file, conflict))

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Back from a step screen: its edits change the states, and other processes'
        # changes while it was in front were not read. (Not on first show.)
        if self._suspended:
            self._suspended = False
            asked = self.refresh_steps()
            if self._opened is not None and asked is not None:
                highlighted = self.query_one("#steps", OptionList).highlighted
                self._move_on = (self._opened, asked, highlighted)
            self._opened = None

    def _move_on_if_done(self, step_id: str) -> None:
        """Back from a step that is now done: highlight the next step, so Enter goes on."""
        step = next((s for s in self._steps if s.id == step_id), None)
        upcoming = next((i for i, s in enumerate(self._steps) if s.is_next), None)
        if step is not None and step.state == DONE and upcoming is not None:
            self.query_one("#steps", OptionList).highlighted = self._option_index(upcoming)

    def refresh_steps(self) -> int | None:
        """Read the study again now, in a worker (see on_study_changed): shown again,
        or asked by the user. Returns the number of the ask (BackgroundRead.ask)."""
        if self.study_file is None:
            return None
        return self._reader.ask(now=True)

    def on_study_changed(self) -> None:
        """Another process changed the study (tui.live.StudyChanged): show new states.

        Not while another screen is on top (it reads when shown again), and never
        by loading the study on the UI thread: a worker reads it with a connection
        of its own, at most one at a time, and rests a while after each read while
        notes keep arriving (tui.background), so that a large study with several
        observers writing costs a small share of a core."""
        if self._suspended or self.study_file is None:
            return
        self._reader.ask()

    def _read_steps(self) -> MapRead:
        """In a worker thread: the steps, title and conflicts as the file has them now."""
        from lessonstudy.process import next_step, steps
        from lessonstudy.store import StudyFile

        assert self._path is not None
        with StudyFile.open(self._path, read_only=True) as reader:
            study = reader.load()
            conflicts = reader.conflicts()
        rows = rows_from_steps(steps(study), next_step(study))
        return MapRead(rows, study.overview.title, conflicts)

    def _show_read(self, read: MapRead) -> None:
        self._read_error = ""
        if self._suspended:
            return  # read again when shown
        self._show_refreshed(read.rows, read.title, read.conflicts)
        if self._move_on is not None and self._reader.turn >= self._move_on[1]:
            step_id, _asked, highlighted = self._move_on
            self._move_on = None
            if self.query_one("#steps", OptionList).highlighted == highlighted:
                self._move_on_if_done(step_id)

    def _read_failed(self, error: Exception) -> None:
        """A damaged file, say: said once, not at every change while it lasts."""
        message = str(error) if isinstance(error, LessonStudyError) else repr(error)
        if message != self._read_error and not self._suspended:
            self._read_error = message
            self.notify(message, severity="error")

    def action_open_next(self) -> None:
        upcoming = next((s for s in self._steps if s.state != DONE), None)
        if upcoming is not None:
            self._opened = upcoming.id
            self.app.open_step(upcoming.id)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_conflicts":
            return bool(self._conflicts)  # the key only shows while there are some
        if action == "back_to_library":
            return self._below_is_library()
        return True

    def _below_is_library(self) -> bool:
        """Opened from the library (tui/screens/library.py): Escape goes back there."""
        stack = self.app.screen_stack
        return self in stack[1:] and getattr(stack[stack.index(self) - 1], "LIBRARY", False)

    def action_back_to_library(self) -> None:
        if self._below_is_library():
            self.app.pop_screen()

    def action_show_conflicts(self) -> None:
        if self._conflicts:
            conflicts = self.query_one("#conflicts", OptionList)
            if conflicts.highlighted is None:
                conflicts.highlighted = 0
            conflicts.focus()
        else:
            self.notify("No conflicting versions: every edit is in one version.", timeout=3)
