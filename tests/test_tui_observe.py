"""Observer mode, driven by keyboard alone through Pilot."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.widgets import Checkbox, Input, Select, TextArea

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import CLASS, Discussion, Judgement, Stage, new_study
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.live import StudyChanged, watch_study
from lessonstudy.tui.screens.observe import ObserveScreen
from lessonstudy.tui.screens.observe.correction import NoteCorrectionScreen
from lessonstudy.tui.screens.observe.summary import LessonSummaryScreen
from lessonstudy.tui.widgets.note_line import NoteLine
from lessonstudy.tui.widgets.notes_table import NotesTable
from tui_helpers import burst, letters, rendered, until

STAGES = [("Starter", 5), ("Fraction wall", 10), ("Paired task", 15), ("Share", 10), ("Plenary", 5)]


def make_study(path: Path) -> StudyFile:
    """A lesson with 5 stages, predictions for A, B, C; Ruth watches B, Sam A and C."""
    study = new_study("Fractions on a number line")
    for pupil, name in zip(study.pupils, ["Ali", "Bea", "Cy"], strict=True):
        pupil.pseudonym = name
    lesson = study.lessons[0]
    lesson.stages = [
        Stage(
            title=title,
            minutes=minutes,
            predictions={label: f"{label} at {title.lower()}" for label in "ABC"},
        )
        for title, minutes in STAGES
    ]
    lesson.assignments = {"Ruth": ["B"], "Sam": ["A", "C"]}
    return StudyFile.create(path, study)


class ObserveApp(App[None]):
    """The smallest app that opens observer mode on a study (as app.py will)."""

    def __init__(self, study_file: StudyFile, observer: str, lesson: int = 1) -> None:
        super().__init__()
        self.study_file = study_file
        self.observer = observer
        self.lesson = lesson

    def on_mount(self) -> None:
        self.push_screen(ObserveScreen(self.study_file, self.lesson, self.observer))
        watch_study(self, self.study_file)

    @property
    def observe(self) -> ObserveScreen:
        screen = self.screen_stack[1]
        assert isinstance(screen, ObserveScreen)
        return screen


@pytest.fixture
def study_path(tmp_path: Path) -> Path:
    path = tmp_path / "rl.lessonstudy"
    make_study(path).close()
    return path


def plain(renderable: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def live_notes(study_file: StudyFile) -> list:
    return [n for n in study_file.notes(1) if not n.deleted]


async def type_note(pilot, keys: str) -> None:
    """Press each character as a key, then Enter (what the observer does), read as a
    fast typist's keys are: not with Pilot's two idle waits and a frame after each."""
    await burst(pilot, *letters(keys), "enter")


@pytest.mark.long
async def test_a_whole_lesson_by_keyboard(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.observe
        plan, _ = study_file.read(documents.lesson(1))
        stage_ids = [stage.id for stage in plan.stages]
        assert isinstance(app.focused, Input)
        assert "Not started" in str(screen.query_one("#stage").render())

        await pilot.press("ctrl+n")  # stage 1 starts
        await type_note(pilot, "b+said a half is bigger")
        await type_note(pilot, "a=counts in ones")
        await pilot.press("ctrl+n")  # stage 2
        await type_note(pilot, "c-stuck on the wall")
        await type_note(pilot, "0whole class choral counting")
        await pilot.press("b", "?", "ctrl+f", *"explains to partner", "enter")
        await pilot.press("ctrl+b")  # back to stage 1, by mistake
        await pilot.press("ctrl+n")  # and forward again

        notes = {n.text: n for n in study_file.notes(1)}
        assert notes["said a half is bigger"].about == "B"
        assert notes["said a half is bigger"].judgement is Judgement.BETTER
        assert notes["said a half is bigger"].stage_id == stage_ids[0]
        assert notes["counts in ones"].judgement is Judgement.AS_PREDICTED
        assert notes["stuck on the wall"].about == "C"
        assert notes["stuck on the wall"].judgement is Judgement.LESS
        assert notes["stuck on the wall"].stage_id == stage_ids[1]
        assert notes["whole class choral counting"].about == CLASS
        assert notes["whole class choral counting"].judgement is None
        assert notes["explains to partner"].critical
        assert notes["explains to partner"].judgement is Judgement.UNEXPECTED
        assert all(n.observer == "Ruth" for n in notes.values())
        marks = study_file.marks(1)
        assert [m.stage_id for m in marks] == [
            stage_ids[0],
            stage_ids[1],
            stage_ids[0],
            stage_ids[1],
        ]
        assert "Stage 2 of 5" in str(screen.query_one("#stage").render())

        table = screen.query_one(NotesTable)
        assert table.rows()[0].text == "explains to partner"  # newest first
        assert table.row_count == 5
        assert isinstance(app.focused, Input) and app.focused.value == ""

        # A correction: Tab to the notes, down to "stuck on the wall", Enter.
        await pilot.press("tab")
        assert app.focused is table
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteCorrectionScreen)
        await pilot.press("ctrl+u", *"stuck on the fraction wall", "tab")  # text, then "about"
        assert isinstance(app.focused, Select)
        await pilot.press("enter", "down", "enter")  # C -> class
        await pilot.press("tab", "enter", "up", "enter")  # judgement: - less -> + better
        await pilot.press("tab", "space")  # critical
        assert app.screen.query_one(Checkbox).value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ObserveScreen)
        corrected = {n.id: n for n in study_file.notes(1)}[notes["stuck on the wall"].id]
        assert corrected.text == "stuck on the fraction wall"
        assert corrected.about == CLASS
        assert corrected.judgement is Judgement.BETTER
        assert corrected.critical
        assert corrected.revision == 2
        assert table.row_count == 5
        # After a correction the focus is back where notes are typed.
        assert app.focused is screen.note_line.input

        # A deletion (the Delete key), then brought back (ctrl+z; Delete on it too).
        await pilot.press("tab", "home", "down", "down")
        assert table.selected is not None and table.selected.id == corrected.id
        await pilot.press("delete")
        assert len(live_notes(study_file)) == 4
        assert table.row_count == 4 and table.deleted_count == 1
        await pilot.press("ctrl+z")
        assert len(live_notes(study_file)) == 5
        await pilot.press("delete")
        # The list's title names the key that shows them (it once said "s", which
        # typed an s on the note line).
        title = rendered(screen.query_one("#notes-title"))
        assert "1 deleted (hidden, ctrl+d shows them)" in title
        await pilot.press("ctrl+d")  # show deleted notes
        assert "1 deleted (shown)" in rendered(screen.query_one("#notes-title"))
        assert table.row_count == 5
        assert table.selected is not None and table.selected.deleted
        await pilot.press("delete")  # on a deleted note: brings it back
        assert len(live_notes(study_file)) == 5
        assert table.deleted_count == 0
        assert study_file.conflicts() == []  # one person's own edits never conflict

        # Back to the line; end of the lesson opens the end-of-lesson view.
        await pilot.press("escape")
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+l", "y")
        await pilot.pause()
        assert study_file.marks(1)[-1].stage_id is None
        assert isinstance(app.screen, LessonSummaryScreen)
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Ask Bea why a half is bigger")
        plan, _ = study_file.read(documents.lesson(1))
        assert plan.interview_questions == "Ask Bea why a half is bigger"
        evidence = " ".join(plain(s.content) for s in app.screen.query(".pupil-evidence"))
        assert "said a half is bigger" in evidence and "B at starter" in evidence
        await pilot.press("escape")
        assert app.screen is screen
        assert "Lesson ended" in str(screen.query_one("#stage").render())


async def test_keys_typed_straight_after_enter_go_into_the_next_note(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        # One burst, as from a fast typist or tmux: nothing lands in the wrong note.
        await pilot.press(*"b+one", "enter", *"a-two", "enter", *"c", "ctrl+f", *"three", "enter")
        notes = [(n.about, n.judgement, n.text, n.critical) for n in study_file.notes(1)]
        assert notes == [
            ("B", Judgement.BETTER, "one", False),
            ("A", Judgement.LESS, "two", False),
            ("C", None, "three", True),
        ]


async def test_lines_pasted_into_the_note_line_are_all_kept_once(study_path: Path) -> None:
    """Seen in a new user's trial: three lines pasted gave "Line one says ALine one says
    A" (the first line twice, the others lost). A note is one line: they are joined."""
    from textual import events

    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        line = app.observe.query_one(NoteLine)
        await pilot.press("b")
        app.post_message(events.Paste("Line one says A\nLine two says B\r\n\nLine three says C\n"))
        await pilot.pause()
        assert line.text == "Line one says A Line two says B Line three says C"
        await pilot.press("enter")
        (note,) = study_file.notes(1)
        assert (note.about, note.text) == ("B", "Line one says A Line two says B Line three says C")


async def test_picks_show_and_backspace_takes_them_back(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        line = app.observe.query_one(NoteLine)
        await pilot.press("z")  # not a pupil: the text begins, nobody picked
        assert line.about is None and line.text == "z" and line.stage == "text"
        await pilot.press("backspace")
        assert line.text == "" and line.stage == "who"
        await pilot.press("b")
        assert line.about == "B" and line.stage == "marks"
        assert "B Bea" in str(line.query_one("#picks").render())
        await pilot.press("+")
        assert line.judgement is Judgement.BETTER and line.text == ""
        assert "better" in str(line.query_one("#picks").render())
        await pilot.press("backspace")
        assert line.judgement is None and line.about == "B"
        await pilot.press("backspace")
        assert line.about is None
        await pilot.press("a", "=", *"ok", "backspace", "backspace", "backspace")
        assert (line.about, line.judgement, line.text) == ("A", None, "")
        await pilot.press("enter")  # nothing to save yet
        assert study_file.notes(1) == []
        # The observer's own pupil is offered first.
        assert line.input.placeholder.startswith("who?") or line.stage == "marks"
        assert list(line.pupils) == ["B", "A", "C"]


async def test_a_note_that_cannot_be_saved_stays_in_the_line(
    study_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")

    def fail(note: object) -> None:
        raise LessonStudyError("disk full")

    async with app.run_test() as pilot:
        await pilot.pause()
        monkeypatch.setattr(study_file, "add_note", fail)
        await type_note(pilot, "b=keeps going")
        line = app.observe.query_one(NoteLine)
        assert (line.about, line.judgement, line.text) == (
            "B",
            Judgement.AS_PREDICTED,
            "keeps going",
        )
        assert any("NOT saved" in str(n.message) for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("enter")
        assert [n.text for n in study_file.notes(1)] == ["keeps going"]
        assert line.text == ""


async def test_only_your_own_notes_change_and_not_after_the_discussion(study_path: Path) -> None:
    with StudyFile.open(study_path) as other:
        other_app = ObserveApp(other, "Sam")
        async with other_app.run_test() as pilot:
            await pilot.pause()
            await type_note(pilot, "a=Sam's note")
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_note(pilot, "b+Ruth's note")
        table = app.observe.query_one(NotesTable)
        await pilot.press("tab", "down", "delete")  # Sam's note
        assert len(live_notes(study_file)) == 2
        assert any("only Sam" in str(n.message) for n in app._notifications)
        await pilot.press("up", "delete")  # Ruth's own
        assert len(live_notes(study_file)) == 1
        study_file.save(documents.discussion(1), Discussion(lesson=1), None)
        await pilot.press("s", "r")
        assert len(live_notes(study_file)) == 1  # not brought back once discussed
        assert table.deleted_count == 1


def plan_stage(study_file: StudyFile, index: int) -> Any:
    plan, _revision = study_file.read(documents.lesson(1))
    return plan.stages[index].id


async def test_an_observer_joining_late_is_on_the_lessons_one_clock(study_path: Path) -> None:
    ruth_file, sam_file = StudyFile.open(study_path), StudyFile.open(study_path)
    ruth, sam = ObserveApp(ruth_file, "Ruth"), ObserveApp(sam_file, "Sam")
    async with ruth.run_test() as ruth_pilot:
        await ruth_pilot.pause()
        await ruth_pilot.press("ctrl+n", "ctrl+n", "ctrl+n")  # the lesson is at stage 3
    async with sam.run_test() as sam_pilot:
        await sam_pilot.pause()
        # Sam never pressed ctrl+n: the clock is the lesson's, not each observer's.
        header = str(sam.observe.query_one("#stage").render())
        assert "Stage 3 of 5" in header and "clock moved by Ruth" in header
        await type_note(sam_pilot, "a=joins in late")
        note = sam_file.notes(1)[0]
        assert note.stage_id == plan_stage(sam_file, 2) and not note.stage_chosen
        await sam_pilot.press("ctrl+n")  # anyone observing moves the one clock
        marks = sam_file.marks(1)
        assert [m.stage_id for m in marks][-1] == plan_stage(sam_file, 3)
        assert marks[-1].observer == "Sam"


async def test_two_app_instances_see_each_others_notes(study_path: Path) -> None:
    ruth_file, sam_file = StudyFile.open(study_path), StudyFile.open(study_path)
    ruth, sam = ObserveApp(ruth_file, "Ruth"), ObserveApp(sam_file, "Sam")
    async with ruth.run_test() as ruth_pilot, sam.run_test() as sam_pilot:
        await ruth_pilot.pause()
        await sam_pilot.pause()
        await sam_pilot.press("ctrl+n", "a", "-", *"half way typed")  # Sam is mid-note
        sam_table = sam.observe.query_one(NotesTable)
        await type_note(ruth_pilot, "b+Ruth saw this")
        sam.screen.post_message(StudyChanged())
        await sam_pilot.pause()
        assert sam.observe.query_one(NotesTable) is sam_table  # merged in, not re-mounted
        assert [(n.observer, n.text) for n in sam_table.rows()] == [("Ruth", "Ruth saw this")]
        sam_line = sam.observe.query_one(NoteLine)
        assert sam_line.text == "half way typed" and sam_line.judgement is Judgement.LESS
        assert sam.focused is sam_line.input  # typing was not interrupted
        assert [m.stage_id for m in sam_file.marks(1)] == [plan_stage(sam_file, 0)]
        await sam_pilot.press("enter")
        # Ruth's app finds out by itself (watch_study polls data_version).
        ruth_table = ruth.observe.query_one(NotesTable)
        for _ in range(40):
            if ruth_table.row_count == 2:
                break
            await ruth_pilot.pause(0.1)
        # In time order: Sam's note is timed from when Sam picked the pupil, before Ruth's.
        assert [(n.observer, n.text) for n in ruth_table.rows()] == [
            ("Ruth", "Ruth saw this"),
            ("Sam", "half way typed"),
        ]


def test_the_lesson_clock_shows_planned_against_actual() -> None:
    from lessonstudy.model import ResearchLesson, StageMark
    from lessonstudy.process import lesson_clock
    from lessonstudy.tui.widgets.lesson_clock import LessonClock

    lesson = ResearchLesson(
        number=1, stages=[Stage(title=title, minutes=minutes) for title, minutes in STAGES]
    )
    start = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    marks = [  # one clock: Ruth started the lesson, Sam moved it on
        StageMark(1, "Ruth", start, lesson.stages[0].id),
        StageMark(1, "Sam", start + dt.timedelta(minutes=7), lesson.stages[1].id),
    ]
    clock = LessonClock()
    since = start + dt.timedelta(minutes=7)
    clock.show(lesson_clock(lesson, marks), 2, since)
    text = clock.render_clock(since + dt.timedelta(minutes=11, seconds=5))
    lines = text.plain.splitlines()
    assert lines[1].split()[-2:] == ["5′", "7′"]  # starter: planned 5, took 7
    assert lines[2].startswith("▶2 Fraction wall") and lines[2].endswith("11:05")
    overrun = [span for span in text.spans if "orange" in str(span.style)]
    assert len(overrun) == 2  # the starter ran over, and the running stage is past 10 minutes
    assert lines[-1].split()[-1] == "45′"


async def test_a_correction_adds_to_the_note_instead_of_replacing_it(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "b=labels the spaces")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteCorrectionScreen)
        text = app.screen.query_one("#text", Input)
        assert text.cursor_position == len("labels the spaces") and text.selection.is_empty
        await pilot.press(*" not the marks", "enter")
        await pilot.pause()
        assert [n.text for n in study_file.notes(1)] == ["labels the spaces not the marks"]


async def test_escape_goes_back_but_never_with_a_note_in_the_line(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.observe
        assert screen.HELP_STEP is not None  # F1 explains observing, not the map
        line = screen.query_one(NoteLine)
        await pilot.press("b", "=", *"half typed", "escape")
        assert app.screen is screen and line.text == "half typed"  # kept, not left
        await pilot.press("enter", "tab", "escape")  # from the notes list: the note line
        assert app.screen is screen and app.focused is line.input
        await pilot.press("c", "escape")  # a pick only: Escape takes it back
        assert app.screen is screen and line.about is None
        await pilot.press("escape")  # an empty line: back where we came from
        await pilot.pause()
        assert app.screen is not screen
        assert [n.text for n in study_file.notes(1)] == ["half typed"]


async def test_the_observer_name_is_matched_to_a_member(study_path: Path) -> None:
    from lessonstudy.model import Member
    from lessonstudy.tui.screens.observe import match_observer

    known = ["Grace Okafor", "Helen Marsh", "Ruth"]
    assert match_observer("grace okafor", known) == "Grace Okafor"
    assert match_observer(" Grace  Okafor ", known) == "Grace Okafor"
    assert match_observer("helen", known) == "Helen Marsh"
    assert match_observer("Zed Visitor", known) == "Zed Visitor"
    assert match_observer("Grace", [*known, "Grace Lee"]) == "Grace"  # two Graces: as typed

    with StudyFile.open(study_path) as setup:
        setup.save(documents.MEMBERS, [Member(name="Ruth Ames"), Member(name="Sam")], None)
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.observe.observer == "Ruth"  # the plan assigns pupils to "Ruth"
        assert list(app.observe.query_one(NoteLine).pupils) == ["B", "A", "C"]
        assert not app._notifications
    guest = ObserveApp(StudyFile.open(study_path), "Zed Visitor")
    async with guest.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert guest.observe.observer == "Zed Visitor"
        assert any("not one of the group" in str(n.message) for n in guest._notifications)
        await type_note(pilot, "0a guest's note")  # still allowed: kept under that name
        assert [(n.observer, n.text) for n in study_file.notes(1)] == [
            ("Zed Visitor", "a guest's note")
        ]


async def test_a_lesson_with_no_plan_says_so(study_path: Path) -> None:
    app = ObserveApp(StudyFile.open(study_path), "Ruth", lesson=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "RL4 is not planned" in str(app.observe.query_one("#stage").render())
        assert any("no plan" in str(n.message) for n in app._notifications)


async def test_it_fits_80x24_with_room_for_notes(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.observe
        await pilot.press("ctrl+n")
        for n in range(6):
            await type_note(pilot, f"b=note {n}")
        await pilot.pause()
        assert screen.has_class("-short")
        assert not screen.query_one("#hint").display and screen.query_one("#short-hint").display
        table = screen.query_one(NotesTable)
        assert table.size.height >= 6  # was 3: the six notes just typed are all in view
        header = str(screen.query_one("#stage").render())
        assert header.index("0:0") < 40  # the time in the stage is not cut off


async def test_two_observers_jot_interview_questions_at_once(study_path: Path) -> None:
    ruth_file, sam_file = StudyFile.open(study_path), StudyFile.open(study_path)
    ruth, sam = ObserveApp(ruth_file, "Ruth"), ObserveApp(sam_file, "Sam")
    async with ruth.run_test() as ruth_pilot, sam.run_test() as sam_pilot:
        await ruth_pilot.pause()
        await sam_pilot.pause()
        await ruth_pilot.press("ctrl+l", "y")
        sam.observe.refresh_from_store()  # Sam's screen has heard: the lesson has ended
        await sam_pilot.press("ctrl+l")  # ... so ctrl+l opens the end-of-lesson view
        await ruth_pilot.pause()
        await sam_pilot.pause()
        await ruth_pilot.press(*"Bea: why is a half bigger")
        await sam_pilot.press(*"Cy: how many")  # Sam had not seen Ruth's line yet
        ruth.screen.post_message(StudyChanged())  # Ruth's app hears of Sam's save
        await ruth_pilot.pause()
        await ruth_pilot.press(*"?")  # Ruth goes on typing: her line, not Sam's
        await sam_pilot.press(*" halves?")
        sam.screen.post_message(StudyChanged())
        await sam_pilot.pause()
        ruth.screen.post_message(StudyChanged())
        await ruth_pilot.pause()
        plan, _ = ruth_file.read(documents.lesson(1))
        expected = "Bea: why is a half bigger?\nCy: how many halves?"
        assert plan.interview_questions == expected
        assert ruth.screen.query_one("#questions", TextArea).text == expected
        assert sam.screen.query_one("#questions", TextArea).text == expected
        assert ruth_file.conflicts() == []  # merged, not kept aside as a conflict


def test_merging_question_lines_keeps_everyone_s() -> None:
    from lessonstudy.store.three_way import merge_lines

    assert merge_lines("Q1", "Q1\nmine", "Q1\ntheirs") == "Q1\nmine\ntheirs"
    assert merge_lines("Q1\nM: wh", "Q1\nM: whe", "Q1\nS: how\nM: wh") == "Q1\nS: how\nM: whe"
    assert merge_lines("a\nb", "a\nB", "a\nb\nc") == "a\nB\nc"
    assert merge_lines("a\nb", "a", "a\nb") == "a"  # my deletion stands
    assert merge_lines("a", "a", "a\nb") == "a\nb"


# --------------------------------------------------------------------------- issue 9: what was seen


async def test_keys_typed_after_a_correction_make_a_note_not_commands(study_path: Path) -> None:
    # The recipe: add a note, Tab, Enter, ctrl+s, type `b=did well`. The
    # focus stayed in the notes list and `d` deleted a note ("Note deleted").
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "a=counts in ones")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteCorrectionScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await type_note(pilot, "b=did well")
        notes = study_file.notes(1)
        assert not any(n.deleted for n in notes)
        assert [(n.about, n.judgement, n.text) for n in notes] == [
            ("A", Judgement.AS_PREDICTED, "counts in ones"),
            ("B", Judgement.AS_PREDICTED, "did well"),
        ]


async def test_letters_typed_in_the_notes_list_go_to_the_note_line(study_path: Path) -> None:
    # `s`, then `rdrdr` in one burst: once commands (show deleted, restore,
    # delete ...) that deleted notes and made false conflicts; now typing.
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "a=counts in ones")
        await pilot.press("tab", "s", *"rdrdr")
        line = app.observe.note_line
        assert app.focused is line.input
        assert not any(n.deleted for n in study_file.notes(1))
        assert study_file.conflicts() == []
        assert line.text == "srdrdr" and line.about is None  # kept as text, not commands
        await pilot.press("home", "b", "enter")
        assert [n.text for n in study_file.notes(1)] == ["counts in ones", "srdrdr"]


async def test_ones_own_quick_deletes_and_undos_never_conflict(study_path: Path) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "a=counts in ones")
        await pilot.press("tab", "delete", "ctrl+z", "delete", "ctrl+z", "delete")
        await pilot.pause()
        (note,) = study_file.notes(1)
        assert note.deleted and note.revision == 6
        assert study_file.conflicts() == []


@pytest.mark.parametrize(
    ("keys", "about", "judgement", "critical", "text"),
    [
        ("0 ! - argues with partner", CLASS, Judgement.LESS, True, "argues with partner"),
        ("0-!argues", CLASS, Judgement.LESS, True, "argues"),
        ("c + ! explains the wall", "C", Judgement.BETTER, True, "explains the wall"),
        ("c ! ? explains", "C", Judgement.UNEXPECTED, True, "explains"),
        ("b said it!", "B", None, False, "said it!"),
        ("0 whole class", CLASS, None, False, "whole class"),
    ],
)
async def test_one_note_grammar_for_pupil_and_class_notes(
    study_path: Path, keys: str, about: str, judgement: Judgement | None, critical: bool, text: str
) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        await type_note(pilot, keys)
        (note,) = study_file.notes(1)
        assert (note.about, note.judgement, note.critical, note.text) == (
            about,
            judgement,
            critical,
            text,
        )


async def test_a_note_before_the_first_stage_is_placed_in_the_correction(
    study_path: Path,
) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "b=early")  # before anyone started the clock
        (note,) = study_file.notes(1)
        assert note.stage_id is None
        await pilot.press("tab", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteCorrectionScreen)
        dialog.query_one("#stage", Select).value = str(plan_stage(study_file, 1))
        await pilot.press("ctrl+s")
        await pilot.pause()
        (note,) = study_file.notes(1)
        assert note.stage_id == plan_stage(study_file, 1) and note.stage_chosen
        # Back to the clock's stage: the note follows the timeline again.
        await pilot.press("tab", "enter")
        await pilot.pause()
        app.screen.query_one("#stage", Select).value = "clock"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (note,) = study_file.notes(1)
        assert note.stage_id is None and not note.stage_chosen


async def test_a_note_typed_before_this_screen_heard_of_the_mark_gets_its_stage(
    study_path: Path,
) -> None:
    # Sam moves the clock in another process; Ruth types before her screen polls.
    ruth_file, sam_file = StudyFile.open(study_path), StudyFile.open(study_path)
    ruth = ObserveApp(ruth_file, "Ruth")
    async with ruth.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")  # stage 1
        from lessonstudy.model import StageMark, now

        sam_file.add_mark(StageMark(1, "Sam", now(), plan_stage(sam_file, 1)))
        await type_note(pilot, "b+straight after the move")  # no poll in between
        (note,) = ruth_file.notes(1)
        assert note.stage_id == plan_stage(ruth_file, 1)
        # Ruth's own list catches up when the change arrives.
        ruth.observe.refresh_from_store()
        (shown,) = ruth.observe.query_one(NotesTable).rows()
        assert shown.stage_id == plan_stage(ruth_file, 1)
        assert "Stage 2 of 5" in str(ruth.observe.query_one("#stage").render())


def key(char: str) -> Any:
    from textual import events
    from textual.keys import _character_to_key

    names = {"\b": "backspace", "\r": "enter"}
    if char in names:
        return events.Key(names[char], None)
    return events.Key(_character_to_key(char), char)


async def test_a_note_typed_in_a_burst_on_the_notes_list_is_one_note(study_path: Path) -> None:
    # Keys arriving together (a fast typist, tmux): the first letter moves the
    # focus to the note line, and every key until it gets there is the note's -
    # Backspace edits it, Enter saves it (it does not open a correction).
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "a=counts in ones")
        await pilot.press("tab")
        assert app.focused is app.observe.table
        for char in "b=dix\bd well\r":
            app.post_message(key(char))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ObserveScreen)
        notes = study_file.notes(1)
        assert [(n.about, n.judgement, n.text, n.deleted) for n in notes] == [
            ("A", Judgement.AS_PREDICTED, "counts in ones", False),
            ("B", Judgement.AS_PREDICTED, "did well", False),
        ]


async def test_at_the_end_of_the_lesson_a_note_in_no_stage_is_placed_with_a_digit(
    study_path: Path,
) -> None:
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_note(pilot, "b=before the lesson began")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+l", "y")
        await pilot.pause()
        assert isinstance(app.screen, LessonSummaryScreen)
        listing = app.screen.query_one("#unplaced")
        assert listing.display
        await pilot.press("shift+tab", "2")
        await pilot.pause()
        (note,) = study_file.notes(1)
        assert note.stage_id == plan_stage(study_file, 1) and note.stage_chosen
        assert not app.screen.query_one("#unplaced").display


async def test_a_sentence_typed_without_a_pupil_key_is_kept_and_asks_who(
    study_path: Path,
) -> None:
    # Seen in a trial: "the class is noisy" lost 't','h','e',' ' and the 'c' of
    # "class" picked pupil C, so Enter would have saved "lass is noisy" about Cy.
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.observe
        line = screen.note_line
        await pilot.press("ctrl+n", *"the class is noisy")
        assert line.text == "the class is noisy"
        assert line.about is None  # no later letter became the pupil
        assert "who?" in str(line.query_one("#picks").render())
        await pilot.press("enter")  # nobody picked: refused, the text kept
        await pilot.pause()
        assert study_file.notes(1) == [] and line.text == "the class is noisy"
        hint = str(screen.query_one("#short-hint").render())
        assert "Who is it about?" in hint and "0 class" in hint
        await pilot.press("home", "0")  # the class, at the start of the line
        await pilot.pause()
        assert line.about == CLASS and line.text == "the class is noisy"
        assert "Who is it about?" not in str(screen.query_one("#short-hint").render())
        await pilot.press("enter")
        await pilot.pause()
        [note] = study_file.notes(1)
        assert (note.about, note.text) == (CLASS, "the class is noisy")
        # A stale refusal goes as soon as the line is fixed by typing, too.
        await pilot.press(*"xy", "enter")
        await pilot.pause()
        assert "Who is it about?" in str(screen.query_one("#short-hint").render())
        await pilot.press("backspace")
        await pilot.pause()
        assert "Who is it about?" not in str(screen.query_one("#short-hint").render())


def test_an_end_taken_back_resumes_the_running_stage_from_its_start() -> None:
    from lessonstudy.model import ResearchLesson, StageMark
    from lessonstudy.process import (
        lesson_clock,
        running_since,
        running_stage,
        stage_to_resume,
        timeline,
    )

    lesson = ResearchLesson(
        number=1, stages=[Stage(title=title, minutes=minutes) for title, minutes in STAGES]
    )
    first, last = lesson.stages[0].id, lesson.stages[-1].id
    start = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    ended = [StageMark(1, "Ruth", start, first), StageMark(1, "Sam", start + 3 * minute, None)]
    assert stage_to_resume(ended, 1) == first
    assert running_since(ended, 1) is None
    resumed = [*ended, StageMark(1, "Sam", start + 4 * minute, first)]
    assert stage_to_resume(resumed, 1) is None  # running again
    assert running_since(resumed, 1) == start  # its first start, on everyone's clock
    assert timeline(lesson, resumed).stage_at(start + 3.5 * minute) == first
    assert running_stage(lesson, resumed, start + 3.5 * minute) is lesson.stages[0]
    rows = lesson_clock(lesson, resumed)
    assert rows[0].started == start and rows[0].actual_minutes is None  # still running
    assert [row.started for row in rows[1:]] == [None] * 4  # never taught: no times
    moved_on = [*resumed, StageMark(1, "Sam", start + 9 * minute, lesson.stages[1].id)]
    assert lesson_clock(lesson, moved_on)[0].actual_minutes == 9
    # Before this, ctrl+b after an end marked the last stage: such a file reads as it did.
    old = [*ended, StageMark(1, "Sam", start + 4 * minute, last)]
    old_rows = lesson_clock(lesson, old)
    assert old_rows[0].actual_minutes == 3 and old_rows[-1].started == start + 4 * minute
    assert timeline(lesson, old).stage_at(start + 3.5 * minute) is None


async def test_ending_the_lesson_is_asked_and_ctrl_b_takes_it_back(study_path: Path) -> None:
    # Seen in a trial: one ctrl+l ended the lesson for everyone unasked, and ctrl+b
    # then went to the plan's last stage (clock 0:00), not the one running.
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.observe
        await pilot.press("ctrl+n")
        started = study_file.marks(1)[-1].at
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "every observer" in plain(app.screen.query_one(".dialog-title").render())
        await pilot.press("escape")  # no: the lesson runs on
        await pilot.pause()
        assert app.screen is screen and len(study_file.marks(1)) == 1
        assert app.focused is screen.note_line.input
        await pilot.press("ctrl+l", "y")
        await pilot.pause()
        assert isinstance(app.screen, LessonSummaryScreen)
        await pilot.press("escape", "ctrl+b")
        await pilot.pause()
        marks = study_file.marks(1)
        first = plan_stage(study_file, 0)
        assert [m.stage_id for m in marks] == [first, None, first]
        header = plain(screen.query_one("#stage").render())
        assert "Stage 1 of 5" in header
        assert screen._running_since == started  # the shared clock keeps its start
        clock = plain(screen.query_one("#clock").render())
        rows = clock.splitlines()
        assert rows[1].startswith("▶1 Starter")  # resumed
        assert [row.count("′") for row in rows[2:6]] == [1, 1, 1, 1]  # planned only: not taught


async def test_the_header_s_keys_fit_80_columns_and_note_saved_goes(study_path: Path) -> None:
    # Seen in a trial at 80x24: "… · ctrl+n starts stage 1: Warm-up: which is" and,
    # after an end, "… ctrl+b:" with the recovery key never explained; and a stale
    # "· note saved 11:10:11" for the rest of the lesson.
    study_file = StudyFile.open(study_path)
    plan, revision = study_file.read(documents.lesson(1))
    plan.stages[0].title = "Warm-up: which is bigger, a half or a quarter of the same bar?"
    study_file.save(documents.lesson(1), plan, revision)
    app = ObserveApp(study_file, "Ruth Abernathy-Llewellyn")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.observe

        def header() -> str:
            return plain(screen.query_one("#stage").render()).rstrip("\n")

        assert "ctrl+n starts stage 1" in header() and len(header()) <= 80
        assert header().endswith("…")  # the long title is cut, visibly
        await pilot.press("ctrl+n", "ctrl+l", "y", "escape")
        await pilot.pause()
        assert "Lesson ended" in header() and "ctrl+b resumes stage 1" in header()
        assert "ctrl+l: summary" in header() and len(header()) <= 80
        await pilot.press("ctrl+b")
        await type_note(pilot, "b=fine")
        await pilot.pause()
        assert "note saved" in header()
        await pilot.press("a")  # a pick is not yet typing
        assert "note saved" in header()
        await pilot.press("x")  # the next note begins
        await pilot.pause()
        assert "note saved" not in header()
        await pilot.press("enter")
        assert "note saved" in header()
        screen._last_saved -= dt.timedelta(seconds=6)  # a while later
        screen._tick()
        assert "note saved" not in header()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_correction_dialog_fits_with_save_in_view(
    study_path: Path, size: tuple[int, int]
) -> None:
    # Seen in a trial at 80x24: no right border, no bottom, the Save button off screen.
    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await type_note(pilot, "b=counts on")
        await pilot.press("tab", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NoteCorrectionScreen)
        screen_region = dialog.region
        box = dialog.query_one("#correction").region
        assert screen_region.contains_region(box), (box, screen_region)
        save = dialog.query_one("#save").region
        assert box.contains_region(save) and save.height >= 1
        await pilot.click("#save")  # reachable by mouse too: it is on screen
        await pilot.pause()
        assert not isinstance(app.screen, NoteCorrectionScreen)


async def test_at_80_columns_the_footer_keys_end_before_the_palette(study_path: Path) -> None:
    # Seen in a trial: in the notes list the footer's keys ran under the palette key
    # ("esc Not▏^p palettee"), hiding the lesson clock's keys.
    from textual.widgets._footer import FooterKey

    def overlapping() -> list[str]:
        keys = list(app.screen.query(FooterKey))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        return [
            k.description for k in keys if k is not palette and k.region.right > palette.region.x
        ]

    study_file = StudyFile.open(study_path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert overlapping() == []  # the note line
        await type_note(pilot, "B= counts on")
        await pilot.press("tab", "delete")  # the notes list, a note just deleted
        await pilot.pause()
        await pilot.pause()
        assert app.focused is app.observe.query_one(NotesTable)
        await until(
            pilot,
            lambda: (
                {"Correct", "Delete", "Next stage", "End lesson"}
                <= {k.description for k in app.screen.query(FooterKey)}
            ),
            "the notes list's keys in the footer",
        )
        await pilot.pause()
        assert overlapping() == []
    study_file.close()
