"""Pupil interviews, driven with Pilot on the example study (RL1's interviews taken out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select, Static, TextArea

from lessonstudy.model import Interview, IntervieweeKind, Study
from lessonstudy.process import StepState, interviews_step
from lessonstudy.protocols import load_protocol
from lessonstudy.resources import example_study_path
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.export import read_json
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.screens.interviews import (
    AnswerArea,
    AnswerField,
    InterviewsScreen,
    PromptsDialog,
    interviews_summary,
    timer_text,
)
from tui_helpers import ScreenApp, burst, letters, rendered, type_text

START = dt.datetime(2026, 1, 20, 11, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> dt.datetime:
        return self.at


def example_without_rl1_interviews(prompts: bool = True) -> Study:
    study = read_json(example_study_path())
    study.interviews = [i for i in study.interviews if i.lesson != 1]
    if not prompts:
        study.overview.interview_prompts = []
    return study


@pytest.fixture
def study_file(tmp_path: Path) -> Iterator[StudyFile]:
    with StudyFile.create(tmp_path / "s.lessonstudy", example_without_rl1_interviews()) as sf:
        yield sf


def interviews_app(study_file: StudyFile, clock: Clock) -> ScreenApp:
    return ScreenApp(lambda: InterviewsScreen(study_file, 1, clock=clock, live_timer=False))


def saved_interviews(study_file: StudyFile) -> list[Interview]:
    return study_file.load().lesson_interviews(1)


async def test_interview_a_case_pupil_with_a_quote_and_the_timer(study_file: StudyFile) -> None:
    clock = Clock()
    app = interviews_app(study_file, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        assert "No interviews" in rendered(screen.query_one("#interview-empty", Static))
        await pilot.press("ctrl+n")
        await pilot.pause()
        # The first case pupil not yet interviewed; the first member interviews.
        assert screen.interview is not None
        assert screen.interview.interviewee == "A"
        assert screen.query_one("#interviewer", Select).value == "Priya Shah"
        timer = screen.query_one("#interview-timer", Static)
        assert "starts with the first answer" in rendered(timer)
        fields = list(screen.query(AnswerField))
        prompts = study_file.load().overview.interview_prompts
        assert [f.answer.prompt for f in fields] == prompts
        # Answers typed as said; Enter moves on to the next prompt.
        fields[0].query_one(AnswerArea).focus()
        await pilot.pause()
        await type_text(pilot, "The beads, because you can see it get to one")
        await pilot.press("enter")
        assert app.focused is fields[1].query_one(AnswerArea)
        await type_text(pilot, "A quarter is a bit. It's not four.")
        await pilot.press("ctrl+f")  # a verbatim quote for the write-up
        assert "quote" in str(fields[1].query_one(".answer-prompt").content)
        assert "4:59" not in rendered(timer) and "5:00 left" in rendered(timer)
        clock.at = START + dt.timedelta(minutes=3, seconds=12)
        screen._tick()
        assert "1:48 left" in rendered(timer)
        clock.at = START + dt.timedelta(minutes=5, seconds=40)
        screen._tick()
        assert "Time is up (+0:40)" in rendered(timer)
        # Pupil C instead, interviewed by Grace.
        screen.query_one("#interviewee-pupil", Select).value = "C"
        screen.query_one("#interviewer", Select).value = "Grace Okafor"
        await pilot.pause()
        listed = screen.query_one("#interview-list", OptionList)
        assert "Sami" in str(listed.get_option_at_index(0).prompt)

    [interview] = saved_interviews(study_file)
    assert interview.interviewee == "C" and interview.kind is IntervieweeKind.CASE_PUPIL
    assert interview.interviewer == "Grace Okafor"
    assert interview.started == START
    assert interview.answers[0].answer == "The beads, because you can see it get to one"
    assert not interview.answers[0].quote
    assert interview.answers[1].answer == "A quarter is a bit. It's not four."
    assert interview.answers[1].quote
    study = study_file.load()
    assert interviews_step(study, study.lesson(1)).state is StepState.DONE
    said = interviews_summary(study, study.lesson_interviews(1))
    assert "It's not four" in str(said.renderables[1])  # quotes first


async def test_several_interviews_a_group_and_reopening_one(study_file: StudyFile) -> None:
    clock = Clock()
    app = interviews_app(study_file, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        first = screen.interview
        assert first is not None
        screen.query(AnswerArea).first().focus()
        await pilot.pause()
        await type_text(pilot, "counting")
        await pilot.press("ctrl+n")
        await pilot.pause()
        second = screen.interview
        assert second is not None and second.id != first.id
        assert second.interviewee == "B"  # A has been interviewed already
        screen.query_one("#interviewee-kind", Select).value = IntervieweeKind.GROUP.value
        await pilot.pause()
        assert screen.query_one("#interviewee-text", Input).display
        assert not screen.query_one("#interviewee-pupil", Select).display
        screen.query_one("#interviewee-text", Input).focus()
        await pilot.pause()
        await type_text(pilot, "Two pupils from the blue table")
        listed = screen.query_one("#interview-list", OptionList)
        assert listed.option_count == 3  # two interviews and "+ New interview"
        # Open the first again from the list: its answer is there.
        listed.focus()
        listed.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.interview is not None and screen.interview.id == first.id
        assert app.focused is screen.query(AnswerArea).first()
        assert screen.query(AnswerArea).first().text == "counting"
        await pilot.press("ctrl+z")  # undo the answer
        await pilot.pause()
        assert screen.interview.answers[0].answer == ""

    interviews = {i.id: i for i in saved_interviews(study_file)}
    assert interviews[first.id].answers[0].answer == ""
    group = interviews[second.id]
    assert group.kind is IntervieweeKind.GROUP
    assert group.interviewee == "Two pupils from the blue table"


async def test_prompts_come_from_the_protocol_and_edits_save_into_the_overview(
    tmp_path: Path,
) -> None:
    protocol = load_protocol("english")
    study = example_without_rl1_interviews(prompts=False)
    with StudyFile.create(tmp_path / "p.lessonstudy", study) as study_file:
        app = interviews_app(study_file, Clock())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InterviewsScreen)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert [a.prompt for a in screen.interview.answers] == list(protocol.interview_prompts)
            screen.query(AnswerArea).first().focus()
            await pilot.pause()
            await type_text(pilot, "the beads")
            await pilot.press("f2")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, PromptsDialog)
            assert protocol.optional_interview_prompts[0] in rendered(
                dialog.query_one("#prompts-optional", Static)
            )
            edited = [
                protocol.interview_prompts[0],
                "How do you know how well you have done?",
            ]
            dialog.query_one("#prompts-text", TextArea).load_text("\n".join(edited) + "\n\n")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen
            # The open interview follows the new prompts and keeps its typed answer.
            assert [a.prompt for a in screen.interview.answers] == edited
            assert screen.interview.answers[0].answer == "the beads"
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert [a.prompt for a in screen.interview.answers] == edited
        assert study_file.load().overview.interview_prompts == edited


def test_the_timer_counts_down_five_minutes_then_says_time_is_up() -> None:
    assert "5:00" in timer_text(None, START).plain
    assert timer_text(START, START + dt.timedelta(seconds=1)).plain.startswith("Timer: 4:59 left")
    assert timer_text(START, START + dt.timedelta(minutes=5)).plain == "Time is up (+0:00)"
    assert "+1:05" in timer_text(START, START + dt.timedelta(minutes=6, seconds=5)).plain


def test_snapshot_an_interview_at_80_by_24(snap_compare: Any, tmp_path: Path) -> None:
    """RL1's first interview of the example, the timer stopped at a fixed moment."""
    path = tmp_path / "example.lessonstudy"
    StudyFile.create(path, read_json(example_study_path())).close()
    study_file = StudyFile.open(path)
    clock = Clock()
    clock.at = dt.datetime(2026, 1, 20, 15, 33, tzinfo=dt.UTC)
    try:
        assert snap_compare(interviews_app(study_file, clock), terminal_size=(80, 24))
    finally:
        study_file.close()


async def test_enter_on_the_empty_list_starts_an_interview(study_file: StudyFile) -> None:
    clock = Clock()
    app = interviews_app(study_file, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        listed = screen.query_one("#interview-list", OptionList)
        listed.focus()
        await pilot.pause()
        # A teacher who has not read the footer presses Enter on "+ New interview".
        await pilot.press("enter")
        await pilot.pause()
        assert screen.interview is not None
        assert len(saved_interviews(study_file)) == 1
        assert isinstance(app.focused, AnswerArea)


async def test_the_observers_questions_show_and_the_list_never_wraps(
    study_file: StudyFile,
) -> None:
    study = study_file.load()
    questions = study.lesson(1).interview_questions
    assert questions, "the example's RL1 has questions jotted for the interviews"
    clock = Clock()
    app = interviews_app(study_file, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        shown = screen.query_one("#interview-questions", Static)
        assert shown.display
        assert " ".join(questions.split()) in " ".join(rendered(shown).split())
        await pilot.press("ctrl+n")
        await pilot.pause()
        interviewer = screen.query_one("#interviewer", Select)
        interviewer.value = "Grace Okafor"
        # From the interviewer, Tab goes straight to the first answer: the pupil's
        # words are not typed into nowhere.
        interviewer.focus()
        await pilot.press("tab")
        assert app.focused is screen.query(AnswerArea).first()
        await type_text(pilot, "Making my own card")
        await pilot.press("ctrl+f")
        await pilot.pause()
        # Each interview keeps its three lines in the 80-column list: who, by whom,
        # how far (with its quotes), nothing wrapped onto a fourth.
        listed = screen.query_one("#interview-list", OptionList)
        lines = [listed.render_line(y).text.rstrip() for y in range(4)]
        assert lines[0].startswith("Pupil A")
        assert lines[1].strip() == "by Grace Okafor"
        assert lines[2].strip() == "1/4 answered, 1 ❝"
        assert lines[3].startswith("+ New interview")


async def test_an_interview_started_by_mistake_can_be_deleted_and_brought_back(
    study_file: StudyFile,
) -> None:
    app = interviews_app(study_file, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(saved_interviews(study_file)) == 1
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert screen.interview is None
        assert saved_interviews(study_file) == []
        # Kept in the file, marked, so a merge cannot bring it back by accident.
        assert [i.deleted for i in study_file.load().interviews if i.lesson == 1] == [True]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.interview is not None
        assert len(saved_interviews(study_file)) == 1


async def test_answers_typed_in_a_burst_go_to_their_prompts(study_file: StudyFile) -> None:
    """Seen in a user trial (tmux sending the keys at once): the three answers all went
    into the first, and ctrl+f flagged the empty second prompt as a quote."""
    app = LessonStudyApp(study_file.path)  # the real app: its Enter and Tab bindings
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_step("interviews:1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        keys = ["ctrl+n", *letters("alpha words"), "enter", *letters("beta words"), "ctrl+f"]
        await burst(pilot, *keys, "enter", *letters("gamma words"))
        areas = list(screen.query(AnswerArea))
        assert [area.text for area in areas[:3]] == ["alpha words", "beta words", "gamma words"]
        assert app.focused is areas[2]
    [interview] = saved_interviews(study_file)
    answers = interview.answers
    assert [a.answer for a in answers[:3]] == ["alpha words", "beta words", "gamma words"]
    assert [a.quote for a in answers[:3]] == [False, True, False]


async def test_an_answer_saved_elsewhere_while_typing_another_is_kept(
    study_file: StudyFile,
) -> None:
    app = interviews_app(study_file, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        await pilot.press("ctrl+n")  # straight to the first answer
        await pilot.pause()
        await type_text(pilot, "The beads")
        interview = screen.interview
        assert interview is not None
        # A colleague, in another window, types the second answer of this interview.
        with StudyFile.open(study_file.path) as other:
            theirs, revision = other.read(documents.interview(interview))
            theirs.answers[1].answer = "Quarters"
            other.save(documents.interview(interview), theirs, revision)
        screen.post_message(StudyChanged())
        await pilot.pause()
        await type_text(pilot, " helped")
        await pilot.pause()
        [saved] = saved_interviews(study_file)
        assert [a.answer for a in saved.answers[:2]] == ["The beads helped", "Quarters"]
        assert study_file.conflicts() == []
        areas = list(screen.query(AnswerArea))
        assert areas[1].text == "Quarters" and app.focused is areas[0]


async def test_observers_notes_read_nothing_and_a_saved_interview_shows(
    study_file: StudyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes and the lesson clock come many a second while a lesson is observed, and
    nothing here shows them: only a saved document reads the study again (without
    notes), and the list shows the colleague's interview."""
    from lessonstudy.usecases.changes import Change
    from tui_helpers import record_loads

    app = interviews_app(study_file, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewsScreen)
        loads = record_loads(monkeypatch)
        screen.post_message(StudyChanged(Change(note_lessons=frozenset({1}))))
        screen.post_message(StudyChanged(Change(mark_lessons=frozenset({1}))))
        await pilot.pause()
        assert loads == []
        with StudyFile.open(study_file.path) as other:  # a colleague interviews K
            interview = Interview(lesson=1, interviewee="K", interviewer="Ben")
            other.save(documents.interview(interview), interview, None)
        key = ("interview", str(interview.id))
        screen.post_message(StudyChanged(Change(documents=frozenset({key}))))
        await pilot.pause()
        assert [(load.lesson, load.notes) for load in loads] == [(None, False)]
        options = screen.query_one("#interview-list", OptionList)
        assert str(interview.id) in [options.get_option_at_index(i).id for i in range(2)]
