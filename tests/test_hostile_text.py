"""Typed text is data, never markup: hostile text in every field, through every screen.

Every string a person can type in the example study is given a prefix and a
tail that Rich/Textual markup would act on ("[/]" crashes a screen, "[sic]"
and "[inaudible]" vanish, "[bold]" restyles), a terminal escape sequence,
right-to-left text, an emoji sequence and a combining accent. Each screen and
dialog of the app is then opened by keyboard (Pilot) and read back as the
terminal would show it: nothing crashes, the typed brackets are on screen
literally, and no control character reaches the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Input

from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.export import from_envelope
from lessonstudy.tui import recent
from lessonstudy.tui.app import LessonStudyApp

MARK = "[sic][/]"  # what must show literally wherever typed text shows
TAIL = " [inaudible] [bold]b[/bold] [link=https://x.invalid]l \x1b[31mred\x07 مرحبا 👩‍🏫 e\u0301"

# Values the program, not a person, writes: ids, times, dates, enum values, the
# protocol's name, the pupils' labels (letters and digits) and what they point at.
NOT_TYPED = {
    "id",
    "stage_id",
    "at",
    "started",
    "date",
    "judgement",
    "roles",
    "kind",
    "protocol",
    "about",
    "label",
    "lesson",
    "number",
    "interviewee",
}
KEYED_BY_NAME = {"assignments"}  # dicts whose keys are members' names


def hostile(text: str) -> str:
    return f"{MARK}{text}{TAIL}"


def _is_a_time(text: str) -> bool:
    """Dates and times are written by the program (or parsed from what was typed)."""
    for parse in (dt.datetime.fromisoformat, dt.date.fromisoformat):
        try:
            parse(text)
        except ValueError:
            continue
        return True
    return False


def poison(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {
            (hostile(k) if key in KEYED_BY_NAME else k): v if k in NOT_TYPED else poison(v, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [poison(item, key) for item in value]
    if isinstance(value, str) and key not in NOT_TYPED and not _is_a_time(value):
        return hostile(value)
    return value


def hostile_study_file(path: Path) -> Path:
    """The example study with hostile text in every typed field, and a conflict too."""
    data = json.loads(example_study_path().read_text(encoding="utf-8"))
    data["study"] = poison(data["study"])
    study = from_envelope(data, where="hostile")  # the import's own rules accept it
    with StudyFile.create(path, study) as study_file:
        overview, revision = study_file.read(documents.OVERVIEW)
        assert overview is not None
        # Someone else's version kept aside: the conflict dialog shows its body.
        overview.aim = hostile("their aim")
        study_file.save(documents.OVERVIEW, overview, revision)
        overview.aim = hostile("our aim")
        study_file.save(documents.OVERVIEW, overview, revision)
    return path


def screen_text(app: App[Any]) -> str:
    """The screen as the terminal shows it, as plain text (control characters kept)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, force_terminal=True
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


class Looker:
    """Reads each screen as it is reached and keeps what went wrong."""

    def __init__(self, app: App[Any], pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.seen: list[str] = []

    async def look(self, where: str, *, typed_shows: bool = True, expect: str = MARK) -> str:
        await self.pilot.pause()
        await self.pilot.pause()
        text = screen_text(self.app)
        self.seen.append(where)
        assert not any(ch in text for ch in "\x1b\x07\x9b"), f"{where}: a control code"
        if typed_shows:
            assert expect in text, f"{where}: typed text not shown literally:\n{text}"
        errors = [n for n in self.app._notifications if n.severity == "error"]
        assert not errors, f"{where}: {[n.message for n in errors]}"
        return text


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def study_path(tmp_path) -> Path:
    # A file name that is markup too: it shows in the map, the start screen, the
    # open dialog and in messages.
    folder = tmp_path / "[b]work"
    folder.mkdir()
    return hostile_study_file(folder / "[sic] RL [i]study.lessonstudy")


async def test_start_screen_and_its_dialogs(study_path, monkeypatch):
    recent.remember(study_path)
    monkeypatch.chdir(study_path.parent)
    app = LessonStudyApp()
    async with app.run_test(size=(120, 40)) as pilot:
        looker = Looker(app, pilot)
        name = study_path.name
        # Each recent study by its title (typed text), then its file (a name that is markup).
        shown = await looker.look("start screen (recent studies)", expect=f"{name} · ")
        assert MARK in shown, shown
        await pilot.press("o")
        await looker.look("open a study file (this folder)", expect=name)
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        app.focused.insert_text_at_cursor(hostile("Year 4"))
        await looker.look("new study dialog")
        await pilot.press("escape")
        await looker.look("back at the start", expect=study_path.stem)


@pytest.mark.long
async def test_every_step_screen_of_a_study(study_path):
    app = LessonStudyApp(study_path)
    async with app.run_test(size=(120, 40)) as pilot:
        looker = Looker(app, pilot)
        await looker.look("study map")
        await pilot.press("c")
        await looker.look("conflict dialog")
        await pilot.press("escape")

        app.open_step("initial")
        for tab in ("f2", "f3", "f4", "f5", "f6"):
            await pilot.press(tab)
            await looker.look(f"initial meeting {tab}", typed_shows=tab != "f3")
        await pilot.press("f4")
        await pilot.press("enter")  # edit the first member
        await looker.look("member dialog")
        await pilot.press("escape")
        await pilot.press("escape")

        app.open_step("plan:1")
        for tab in ("f2", "f3", "f4", "f5"):
            await pilot.press(tab)
            await looker.look(f"plan {tab}")
        await pilot.press("f3")
        await pilot.press("enter")  # the first stage's title: the stage editor
        await looker.look("stage editor")
        await pilot.press("ctrl+n")
        await looker.look("prediction editor")
        await pilot.press("escape")
        await pilot.press("escape")

        app.open_step("observe:1")
        await looker.look("who are you?")
        await pilot.press("escape")

        app.open_step("interviews:1")
        await looker.look("interviews")
        await pilot.press("f2")
        await looker.look("interview prompts dialog")
        await pilot.press("escape")
        await pilot.press("escape")

        app.open_step("discussion:1")
        screen = app.screen
        for _ in range(len(screen.protocol.steps)):  # type: ignore[attr-defined]
            await looker.look(f"discussion step {screen.step_index + 1}")  # type: ignore[attr-defined]
            await pilot.press("ctrl+n")
        await pilot.press("f2")
        await looker.look("discussion header dialog")
        await pilot.press("escape")
        await pilot.press("escape")

        app.open_step("open_house")
        for tab in ("f2", "f3", "f4"):
            await pilot.press(tab)
            await looker.look(f"open house {tab}")
        await pilot.press("escape")

        app.open_step("write_up")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the preview is rendered by a worker
        await looker.look("write-up")
        await pilot.press("escape")

        await pilot.press("f1")
        await looker.look("help", typed_shows=False)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await looker.look("command palette", typed_shows=False)
        await pilot.press("escape")
        assert len(looker.seen) >= 25


async def test_observing_and_the_end_of_lesson_view(study_path):
    with StudyFile.open(study_path) as study_file:
        members, _ = study_file.read(documents.MEMBERS)
        plan, _ = study_file.read(documents.lesson(1))
        assert members and plan is not None
        observer = next(name for name in plan.assignments)
    app = LessonStudyApp(study_path, observe_as=observer, lesson=1)
    async with app.run_test(size=(120, 40)) as pilot:
        looker = Looker(app, pilot)
        await looker.look("observing")
        await pilot.press("ctrl+n")  # a stage starts: its title and predictions show
        await pilot.press("a", "+")
        app.focused.insert_text_at_cursor(hostile("said 'a half'"))  # type: ignore[union-attr]
        await pilot.press("enter")
        await looker.look("observing, a note typed")
        await pilot.press("tab")  # the notes list
        await pilot.press("enter")
        await looker.look("correcting a note")
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.press("ctrl+l", "y")
        await looker.look("end of lesson view")


async def test_messages_that_name_a_file_are_plain(tmp_path):
    """A file name with brackets in an error message: shown as it is, not as markup."""
    bad = tmp_path / "[sic] not [b]a study.lessonstudy"
    bad.write_text("not a study", encoding="utf-8")
    app = LessonStudyApp(bad)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        [message] = [n.message for n in app._notifications if n.severity == "error"]
        assert "[sic] not [b]a study" in message
        await pilot.pause()
        assert "[sic] not [b]a study" in screen_text(app).replace("\n", "")
