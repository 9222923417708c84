"""Helpers shared by the Pilot tests (not a test module)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from rich.console import Console
from textual import events
from textual.app import App
from textual.keys import _character_to_key as _key_name
from textual.screen import Screen
from textual.widgets import Input, TextArea

from lessonstudy.tui.keys_in_turn import KeysInTurn
from lessonstudy.tui.one_line_paste import OneLinePaste


class ScreenApp(KeysInTurn, OneLinePaste, App[None]):
    """A bare app that shows one screen over its default one; keys are read in turn
    and a paste into a one-line field keeps every line, as in the real app."""

    def __init__(self, make_screen: Callable[[], Screen[None]]) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def rendered(widget: Any, width: int = 120) -> str:
    """What a Static (or anything with `content`) shows, as plain text."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


async def type_text(pilot: Any, text: str) -> None:
    """Type `text` into the focused Input or TextArea in one go (as a paste would)."""
    app = pilot.app
    focused = app.focused
    assert isinstance(focused, Input | TextArea), f"typing into {focused!r}"
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    else:
        focused.insert(text)
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], object], what: str) -> None:
    """Pause until `condition()` holds: for what the app does in a timer or a
    worker thread (a test waits for what it checks, never for a lucky delay).
    Fails saying `what` did not happen within 10 s."""
    for _ in range(1000):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"{what}: not within 10 s")


def key_event(key: str) -> events.Key:
    """The event a terminal sends for `key` ("a", "space", "enter", "ctrl+n" ...)."""
    named = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f"}
    if key in named:
        return events.Key(key, named[key])
    if len(key) == 1:
        return events.Key(_key_name(key), key)
    return events.Key(key, None)


async def burst(pilot: Any, *keys: str) -> None:
    """Keys as a fast typist, a macro or a terminal's paste deliver them: all read by
    the app at once, with no pause between them (pilot.press waits after each key)."""
    for key in keys:
        pilot.app.post_message(key_event(key))
    for _ in range(3):
        await pilot.pause()


def letters(text: str) -> list[str]:
    """`text` as the keys that type it."""
    return ["space" if char == " " else char for char in text]


class Load(NamedTuple):
    """One call of StudyFile.load: on which thread, for which lesson, with notes or not."""

    ui_thread: bool
    lesson: int | None
    notes: bool

    @property
    def whole_on_ui_thread(self) -> bool:
        """Every note of the study read on the UI thread: what no refresh may do."""
        return self.ui_thread and self.lesson is None and self.notes


def record_loads(monkeypatch: Any) -> list[Load]:
    """Record every StudyFile.load from now on (any connection, any thread)."""
    from lessonstudy.store import StudyFile

    calls: list[Load] = []
    load = StudyFile.load

    def recorded(self: StudyFile, lesson: int | None = None, *, notes: bool = True) -> Any:
        calls.append(Load(threading.current_thread() is threading.main_thread(), lesson, notes))
        return load(self, lesson, notes=notes)

    monkeypatch.setattr(StudyFile, "load", recorded)
    return calls


async def worker_done(pilot: Any, name: str) -> None:
    """Pause until no worker named `name` is waiting or running (one asked for by
    what the test just did has started by then: screens start theirs at once)."""

    def idle() -> bool:
        return not [w for w in pilot.app.workers if w.name == name and not w.is_finished]

    await pilot.pause()
    await until(pilot, idle, f"the {name} worker done")
    await pilot.pause()  # what it handed back is shown
