"""Setting up a real study in the app, by keyboard (issue 15).

The two studies the app could not set up: two research lessons with case
pupils A, K and J, and pupils known by their initials M and S. Both are
created from the start screen's dialog and observed with their own keys; the
initial meeting adds and removes lessons and pupils and relabels a pupil
without losing a note; keys typed straight after Tab land in the next field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Button, DataTable, Input, TextArea

from lessonstudy.model import (
    Interview,
    Member,
    Observation,
    Role,
    Stage,
)
from lessonstudy.store import StudyFile, documents
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.screens.initial_meeting import (
    ConfirmDialog,
    InitialMeetingScreen,
    MemberDialog,
    RolesList,
)
from lessonstudy.tui.screens.new_study import NewStudyDialog
from lessonstudy.tui.screens.observe import ObserveScreen
from lessonstudy.tui.screens.start import StartScreen
from lessonstudy.tui.screens.study_map import StudyMapScreen
from lessonstudy.usecases.new_study import study_for
from tui_helpers import ScreenApp as ScreenAppFor
from tui_helpers import rendered

T0 = dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))


def load(path: Path):
    with StudyFile.open(path) as study_file:
        return study_file.load()


def notices(app: LessonStudyApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def burst(app: LessonStudyApp, pilot, *keys: str) -> None:
    """Keys as a terminal delivers a paste or a fast typist: all read at once, with
    no pause for the app between them."""
    for key in keys:
        char = {"tab": "\t", "enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))
    await pilot.pause()
    await pilot.pause()


# --------------------------------------------------------------------------- the new-study dialog


@pytest.mark.parametrize(
    ("title", "lessons_keys", "pupils", "numbers", "labels"),
    [
        ("Two lessons", ["backspace", "2"], "A,K,J", [1, 2], ["A", "K", "J"]),
        ("Initials", [], "M, S", [1, 2, 3], ["M", "S"]),
    ],
)
async def test_both_real_studies_are_set_up_from_the_start_screens_dialog(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    title: str,
    lessons_keys: list[str],
    pupils: str,
    numbers: list[int],
    labels: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    app = LessonStudyApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")  # "New study…"
        await pilot.pause()
        assert isinstance(app.screen, NewStudyDialog)
        await pilot.press(*title, "enter", *lessons_keys, "enter")
        await pilot.press("ctrl+u", *pupils)  # the default A, B, C replaced
        await pilot.pause()
        check = rendered(app.screen.query_one("#new-pupils-check"))
        assert f"{len(labels)} case pupils: {', '.join(labels)}" in check
        await pilot.press("enter", "enter")  # the suggested file name: created
        await pilot.pause()
        assert isinstance(app.screen, StudyMapScreen)
        steps = app.screen.query_one("#steps")
        ids = [steps.get_option_at_index(i).id for i in range(steps.option_count)]
        assert {step_id.partition(":")[2] for step_id in ids if step_id and ":" in step_id} == {
            str(n) for n in numbers
        }
    study = load(tmp_path / f"{title.lower().replace(' ', '-')}.lessonstudy")
    assert [lesson.number for lesson in study.lessons] == numbers
    assert study.overview.lesson_count == len(numbers)
    assert study.labels == labels


async def test_the_dialog_refuses_labels_the_rules_refuse_and_keeps_what_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = LessonStudyApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Bad", "enter", "backspace", "7", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewStudyDialog)
        assert "1 to 6 research lessons, not 7" in notices(app)
        assert app.focused is app.screen.query_one("#new-lessons")
        await pilot.press("backspace", "2", "enter", "ctrl+u", *"M,m", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewStudyDialog)
        assert "two case pupils are labelled" in notices(app)
        assert "✗" in rendered(app.screen.query_one("#new-pupils-check"))
        assert app.screen.query_one("#new-pupils", Input).value == "M,m"
    assert not list(tmp_path.glob("*.lessonstudy"))


# --------------------------------------------------------------------------- observing


def with_a_stage(path: Path, labels: list[str], lessons: int = 2) -> Path:
    study = study_for("Real", lessons, labels)
    for pupil in study.pupils:
        pupil.pseudonym = f"Pseud{pupil.label}"
    study.members = [Member("Ann", [Role.OBSERVER])]
    study.lessons[0].stages = [Stage(title="Starter", predictions={lab: "p" for lab in labels})]
    study.lessons[0].assignments = {"Ann": list(labels)}
    StudyFile.create(path, study).close()
    return path


@pytest.mark.parametrize(
    ("labels", "typed", "about"),
    [
        (["A", "K", "J"], ["k+said a half is bigger", "jwaited for the wall"], ["K", "J"]),
        (["M", "S"], ["m=counted in quarters", "S-stuck on 3/4"], ["M", "S"]),
        (["K", "KA", "J"], ["k=K's note", "a+KA's note"], ["K", "KA"]),
    ],
)
async def test_observers_pick_each_pupil_with_their_own_key(
    tmp_path: Path, labels: list[str], typed: list[str], about: list[str]
) -> None:
    path = with_a_stage(tmp_path / "s.lessonstudy", labels)
    app = LessonStudyApp(path, observe_as="Ann", lesson=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ObserveScreen)
        placeholder = screen.query_one("#note-text", Input).placeholder
        for label in labels:  # each pupil's key beside label and pseudonym
            key = {"KA": "a"}.get(label, label[0].lower())
            assert f"{key} {label} Pseud{label}" in placeholder
        await pilot.press("ctrl+n")  # the first stage starts
        for note in typed:
            await pilot.press(*note, "enter")
        await pilot.pause()
    with StudyFile.open(path) as study_file:
        notes = [n for n in study_file.notes(1) if not n.deleted]
    assert [n.about for n in notes] == about
    assert [n.text for n in notes] == [note[1:].lstrip("=+-?") for note in typed]


# --------------------------------------------------------------------------- the initial meeting


def with_evidence_about_k(path: Path) -> Path:
    study = study_for("AKJ", 2, ["A", "K", "J"])
    study.pupils[1].pseudonym = "Kit"
    stage = Stage(title="Starter", predictions={"K": "halves"})
    study.lessons[0].stages = [stage]
    study.notes = [
        Observation(1, "Ann", T0, "K", "said a half is bigger", stage_id=stage.id),
        Observation(1, "Ann", T0 + dt.timedelta(minutes=1), "K", "fixed it", stage_id=stage.id),
        Observation(1, "Ann", T0 + dt.timedelta(minutes=2), "J", "waited"),
    ]
    study.interviews = [Interview(1, "K")]
    StudyFile.create(path, study).close()
    return path


async def open_initial(app: LessonStudyApp, pilot) -> InitialMeetingScreen:
    await pilot.pause()
    app.open_step("initial")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, InitialMeetingScreen)
    return screen


async def test_relabel_a_pupil_with_notes_and_every_note_stays_with_them(tmp_path: Path) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        title = screen.query_one("#label-K").parent.parent.border_title
        assert title == "Case pupil K — Kit · observers' key k"
        screen.query_one("#label-K").focus()
        await pilot.press("backspace", "P", "enter")
        await pilot.pause()
        await pilot.pause()
        assert "K is P now, everywhere; 2 notes moved with them" in notices(app)
        assert "Observers pick them with the key p" in notices(app)
        assert not screen.query("#label-K")
        assert screen.query_one("#label-P", Input).value == "P"
        assert app.focused is screen.query_one("#pupil-P-pseudonym")  # Enter moved on
        await pilot.press(*"ia")  # typing goes on in the relabelled pupil's form
        await pilot.pause()
    study = load(path)
    assert study.labels == ["A", "P", "J"]
    assert study.pupil("P").pseudonym == "Kitia"
    assert [n.about for n in study.notes] == ["P", "P", "J"]
    assert study.lessons[0].stages[0].predictions == {"P": "halves"}
    assert study.interviews[0].interviewee == "P"


async def test_a_label_the_rules_refuse_changes_nothing_and_says_why(tmp_path: Path) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        screen.query_one("#label-K").focus()
        await pilot.press("backspace", "j", "enter")
        await pilot.pause()
        assert "K keeps its label: another case pupil is labelled J already" in notices(app)
        assert app.focused is screen.query_one("#label-K")
    assert load(path).labels == ["A", "K", "J"]


@pytest.mark.long
async def test_pupils_are_added_and_removed_by_the_rules_of_evidence(tmp_path: Path) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        plan, revision = study_file.read(documents.lesson(1))
        plan.stages[0].predictions["A"] = "counts on"
        study_file.save(documents.lesson(1), plan, revision)
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        # K has notes and an interview: refused, saying why.
        screen.query_one("#remove-K", Button).press()
        await pilot.pause()
        assert "Case pupil K cannot be removed: the study holds 2 observation notes" in notices(app)
        # A pupil added holds nothing yet: still asked (undo cannot bring a pupil back).
        screen.query_one("#add-pupil", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert app.focused is screen.query_one("#label-B")  # to give them their label
        screen.query_one("#remove-B", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "undo cannot bring them back" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query("#label-B")  # Esc keeps them
        screen.query_one("#remove-B", Button).press()
        await pilot.pause()
        app.screen.query_one("#confirm-yes", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert not screen.query("#label-B")
        # A's prediction would go with them: asked first; Esc keeps A.
        screen.query_one("#remove-A", Button).press()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "1 prediction about A" in dialog.question
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query("#label-A")
        screen.query_one("#remove-A", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        app.screen.query_one("#confirm-yes", Button).press()
        await pilot.pause()
        await pilot.pause()
        assert not screen.query("#label-A")
        # Two pupils left: the rules keep at least two.
        assert screen.query_one("#remove-J", Button).disabled
    study = load(path)
    assert study.labels == ["K", "J"]
    assert study.lessons[0].stages[0].predictions == {"K": "halves"}
    assert len(study.notes) == 3


async def test_lessons_are_added_and_an_empty_one_removed_from_the_initial_meeting(
    tmp_path: Path,
) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")  # RL1 holds notes, RL2 nothing
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await pilot.press("f3")
        table = screen.query_one("#lessons-table", DataTable)
        table.focus()
        await pilot.pause()
        assert "3 observation notes" in str(table.get_row_at(0)[3])
        assert str(table.get_row_at(1)[3]) == "nothing yet"
        await pilot.press("a")  # a adds RL3
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("delete")  # RL3, highlighted: holds nothing, removed
        await pilot.pause()
        assert table.row_count == 2
        await pilot.press("up", "delete")  # RL1 holds notes: refused
        await pilot.pause()
        assert "RL1 cannot be removed: it holds" in notices(app)
        assert table.row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        steps = app.screen.query_one("#steps")
        ids = [steps.get_option_at_index(i).id for i in range(steps.option_count)]
        assert "plan:2" in ids and "plan:3" not in ids
    assert load(path).overview.lesson_count == 2


async def test_the_lessons_table_follows_others_notes_counting_not_loading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's notes and plans show in the lessons table, read when it is
    in view (never every note of the study on the UI thread: 0.6 s at 90,000)."""
    from textual.screen import Screen

    from lessonstudy.tui.live import StudyChanged
    from lessonstudy.usecases.changes import Change
    from tui_helpers import record_loads

    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as study_file:
        app = ScreenAppFor(lambda: InitialMeetingScreen(study_file))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InitialMeetingScreen)
            table = screen.query_one("#lessons-table", DataTable)
            loads = record_loads(monkeypatch)

            def holds(row: int) -> str:
                return str(table.get_row_at(row)[3])

            with StudyFile.open(path) as theirs:
                theirs.add_note(Observation(1, "Bo", T0, "A", "counted on"))
                theirs.add_note(Observation(2, "Bo", T0, "A", "counted back"))
            notes = Change(note_lessons=frozenset({1, 2}))
            screen.post_message(StudyChanged(notes))  # the table is on another tab
            await pilot.pause()
            assert loads == [] and "3 observation notes" in holds(0)
            await pilot.press("f3")
            await pilot.pause()
            assert "4 observation notes" in holds(0) and holds(1) == "1 observation note"

            await app.push_screen(Screen())  # out of view: nothing read
            with StudyFile.open(path) as theirs:
                plan, revision = theirs.read(documents.lesson(2))
                plan.teacher = "Ann"
                theirs.save(documents.lesson(2), plan, revision)
            screen.post_message(StudyChanged(Change(documents=frozenset({("lesson", "2")}))))
            await pilot.pause()
            assert str(table.get_row_at(1)[2]) == "—"
            app.pop_screen()  # shown again: read
            await pilot.pause()
            assert str(table.get_row_at(1)[2]) == "Ann" and "a teacher" in holds(1)
            assert loads and not any(load.whole_on_ui_thread for load in loads)


async def test_long_answers_wrap_and_show_all_their_text(tmp_path: Path) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    long = "reason about the size of fractions when the denominators differ " * 4
    app = LessonStudyApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_initial(app, pilot)
        focus = screen.query_one("#ov-focus", TextArea)
        assert app.focused is focus
        focus.insert(long)
        await pilot.pause()
        assert focus.size.height >= 4  # it grew: every word in view
        assert focus.wrapped_document.height == focus.size.height
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(screen.query_one("#pupil-K-why_chosen"), TextArea)
        assert isinstance(screen.query_one("#pupil-K-pseudonym"), Input)  # a name: one line
    assert load(path).overview.focus == long


async def test_the_member_dialog_reads_without_colour_and_the_arrows_go_where_it_says(
    tmp_path: Path,
) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_initial(app, pilot)
        await pilot.press("f4", "a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemberDialog)
        # ↓ from the name: the roles; space ticks the one under the cursor, however
        # fast (Textual's own list ticked the role highlighted when it got round to it).
        await burst(app, pilot, *"Ann", "down", "space", "down", "down", "space")
        roles = dialog.query_one(RolesList)
        assert app.focused is roles
        assert dialog.query_one("#member-name", Input).value == "Ann"
        await pilot.pause()
        lines = [roles.render_line(y).text for y in range(3)]
        assert lines[0].startswith("[x] chair")
        assert lines[1].startswith("[ ] recorder")
        assert lines[2].startswith("[x] final commentator")
        await pilot.press(*["down"] * 5)  # past the last role: the notes
        assert app.focused is dialog.query_one("#member-notes")
        await pilot.press("up")
        assert app.focused is roles
        await pilot.press("tab", *"new", "enter")
        await pilot.pause()
        assert isinstance(app.screen, InitialMeetingScreen)
        assert screen  # back
    members = load(path).members
    assert [(m.name, m.roles, m.notes) for m in members] == [
        ("Ann", [Role.CHAIR, Role.FINAL_COMMENTATOR], "new")
    ]


# --------------------------------------------------------------------------- typing after Tab


async def test_keys_typed_straight_after_tab_land_in_the_field_tab_moved_to(
    tmp_path: Path,
) -> None:
    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await burst(app, pilot, *"ab", "tab", *"cd", "tab", *"ef", "shift+tab", *"g")
        assert screen.query_one("#ov-focus", TextArea).text == "ab"
        assert screen.query_one("#ov-research_question", TextArea).text == "cdg"
        assert screen.query_one("#ov-technique", TextArea).text == "ef"
        # In a form of single-line fields too, straight after the key that opens it.
        await burst(app, pilot, "f3", *"Y4", "tab", *"28", "tab", *"mixed")
        assert screen.query_one("#class-year_group", Input).value == "Y4"
        assert screen.query_one("#class-pupil_count", Input).value == "28"
        assert screen.query_one("#class-attainment", Input).value == "mixed"
        # Enter moves on in a form of one-line fields: what follows it goes along.
        await burst(app, pilot, "enter", *"Ann", "enter", *"maths")
        assert screen.query_one("#class-usual_teacher", Input).value == "Ann"
        assert screen.query_one("#class-subject", Input).value == "maths"
        assert screen.query_one("#class-attainment", Input).value == "mixed"
    overview = load(path).overview
    assert (overview.focus, overview.research_question, overview.technique) == ("ab", "cdg", "ef")
    assert overview.class_details.subject == "maths"
    assert overview.class_details.pupil_count == 28


async def test_a_backspace_typed_among_letters_applies_where_it_was_typed(tmp_path: Path) -> None:
    """Textual runs a field's Backspace binding only after the key has bubbled up to
    the app: "helo", Backspace, "lo" typed fast became "helol"."""
    path = with_a_stage(tmp_path / "s.lessonstudy", ["A", "K", "J"])
    correction = [*"helo", "backspace", *"lo"]
    app = LessonStudyApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_initial(app, pilot)
        await burst(app, pilot, *correction)  # a long answer
        assert screen.query_one("#ov-focus", TextArea).text == "hello"
        await pilot.press("f3")
        await pilot.pause()
        await burst(app, pilot, *correction)  # a one-line field
        assert screen.query_one("#class-year_group", Input).value == "hello"
    app = LessonStudyApp(path, observe_as="Ann", lesson=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await burst(app, pilot, "k", *correction, "enter")  # a note, in the lesson
    with StudyFile.open(path) as study_file:
        assert [n.text for n in study_file.notes(1)] == ["hello"]
    assert load(path).overview.focus == "hello"


# --------------------------------------------------------------------------- pupils as people


async def test_the_notes_list_and_the_discussion_grid_name_pupils_by_label_and_pseudonym(
    tmp_path: Path,
) -> None:
    from lessonstudy.process import plan_step
    from lessonstudy.tui.screens.discussion import DiscussionScreen
    from lessonstudy.tui.widgets.evidence_grid import EvidenceTable
    from lessonstudy.tui.widgets.notes_table import NotesTable

    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    study = load(path)
    # The map's line for a plan says who has no observer yet, as people.
    assert "an observer for A, K (Kit), J" in plan_step(study, study.lessons[0]).detail

    for size, wide in (((120, 40), True), ((80, 24), False)):
        app = LessonStudyApp(path, observe_as="Ann", lesson=1)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            table = app.screen.query_one(NotesTable)
            lines = [table.render_line(y).text for y in range(3)]
            line = next(text for text in lines if "fixed it" in text)
            assert ("K Kit" in line) is wide, line

    with StudyFile.open(path) as study_file:
        app = ScreenAppFor(lambda: DiscussionScreen(study_file, 1))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            grid = app.screen.query_one(EvidenceTable)
            headers = [column.label.plain for column in grid.columns.values()]
            assert headers == ["A", "K Kit", "J"]


# --------------------------------------------------------------------------- contrast and no colour


async def test_the_high_contrast_theme_is_offered_and_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lessonstudy.tui.recent import load_setting

    path = with_evidence_about_k(tmp_path / "s.lessonstudy")
    app = LessonStudyApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "lessonstudy-high-contrast" in app.available_themes
        app.remember_theme()  # as outside tests
        app.theme = "lessonstudy-high-contrast"
        await pilot.pause()
        assert app.current_theme.background == "#000000"
    assert load_setting("theme") == "lessonstudy-high-contrast"


async def test_with_no_color_every_state_and_judgement_keeps_its_symbol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from lessonstudy.resources import example_study_path
    from lessonstudy.store.export import read_json

    monkeypatch.setenv("NO_COLOR", "1")
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    app = LessonStudyApp(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.no_color
        screens = [app.export_screenshot()]
        app.open_step("discussion:1")
        await pilot.pause()
        screens.append(app.export_screenshot())
    chrome = {"ff5f57", "febc2e", "28c840", "c5c8c6"}  # the SVG's window buttons and frame
    for svg in screens:
        colours = set(re.findall(r"#([0-9a-f]{6})\b", svg)) - chrome
        tinted = {c for c in colours if not (c[0:2] == c[2:4] == c[4:6])}
        assert not tinted, tinted  # no colour: only greys
    assert "✓" in screens[0] and "done" in screens[0]  # states: symbol and word
    legend = ["as&#160;predicted", "better", "less", "unexpected"]
    assert all(word in screens[1] for word in legend)
    assert all(symbol in screens[1] for symbol in ("=", "+", "-", "?"))


async def test_a_long_field_painted_as_it_is_removed_draws_nothing_instead_of_stopping_the_app():
    """Seen in the full suite under load: rebuilding the pupils' forms, Textual painted
    a text area after its removal had cleared its styles, and TextArea raised
    KeyError 'text-area--gutter', which stops the app."""
    from textual.app import App, ComposeResult
    from textual.geometry import Region
    from textual.widgets import TextArea

    from lessonstudy.tui.widgets.long_field import LongField

    class Form(App[None]):
        def compose(self) -> ComposeResult:
            yield LongField("why this pupil", id="long")
            yield TextArea("plain", id="plain")

    app = Form()
    async with app.run_test(size=(40, 10)) as pilot:
        long_field, plain_area = app.query_one(LongField), app.query_one("#plain", TextArea)
        await long_field.remove()
        await plain_area.remove()
        await pilot.pause()
        with pytest.raises(KeyError, match="text-area--gutter"):
            plain_area.render_lines(Region(0, 0, 20, 2))  # Textual's own, as it is
        strips = long_field.render_lines(Region(0, 0, 20, 2))
        assert [strip.cell_length for strip in strips] == [20, 20]
        assert all(not strip.text.strip() for strip in strips)
