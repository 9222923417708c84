"""What another process changed, said precisely enough to refresh only that."""

from __future__ import annotations

import datetime as dt

import attrs

from lessonstudy.model import StageMark
from lessonstudy.store import StudyFile, documents
from lessonstudy.usecases.changes import Change, change_between, state_of
from store_helpers import AT, make_file, note


def test_nothing_changed_is_an_empty_change(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as ours:
        before = state_of(ours)
        change = change_between(ours, before, state_of(ours))
    assert not change
    assert change == Change()


def test_notes_marks_and_documents_say_where_they_changed(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as ours, StudyFile.open(path) as theirs:
        before = state_of(ours)
        theirs.add_note(note(study, lesson=2, stage_id=study.lessons[1].stages[0].id))
        change = change_between(ours, before, state_of(ours))
        assert change.notes(2) and change.notes() and not change.notes(1)
        assert not change.documents and not change.marks() and not change.conflicts

        before = state_of(ours)
        stage = study.lessons[0].stages[1].id
        theirs.add_mark(StageMark(1, "Sam", AT + dt.timedelta(minutes=5), stage))
        plan = theirs.read(documents.lesson(3))
        plan.value.objective = "To place fractions"
        theirs.save(documents.lesson(3), plan.value, plan.revision)
        change = change_between(ours, before, state_of(ours))
        assert change.marks(1) and not change.marks(2) and not change.notes()
        assert change.document("lesson", "3") and change.document("lesson")
        assert not change.document("lesson", "1") and not change.document("overview")


def test_a_corrected_note_is_a_change_to_its_lesson(tmp_path):
    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as ours, StudyFile.open(path) as theirs:
        first = note(study)
        theirs.add_note(first)
        before = state_of(ours)
        base = theirs.notes(1)[0]
        theirs.update_note(attrs.evolve(base, text="counts in twos"), base)
        change = change_between(ours, before, state_of(ours))
        assert change.notes(1) and not change.notes(2)


def test_a_kept_conflict_is_a_change(tmp_path):
    path, _study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as ours, StudyFile.open(path) as theirs:
        base = theirs.read(documents.OVERVIEW)
        before = state_of(ours)
        base.value.title = "theirs"
        theirs.save(documents.OVERVIEW, base.value, base.revision)
        base.value.title = "mine, from the same base"
        theirs.save(documents.OVERVIEW, base.value, base.revision)
        change = change_between(ours, before, state_of(ours))
        assert change.conflicts and change.document("overview")


async def test_the_app_hears_what_changed_within_a_few_polls(tmp_path):
    from textual.app import App
    from textual.screen import Screen

    from lessonstudy.tui.live import POLL_SECONDS, StudyChanged, watch_study

    heard: list[StudyChanged] = []

    class Listening(Screen[None]):
        def on_study_changed(self, message: StudyChanged) -> None:
            heard.append(message)

    path, study = make_file(tmp_path / "s.lessonstudy")
    with StudyFile.open(path) as ours, StudyFile.open(path) as theirs:
        app: App[None] = App()
        async with app.run_test() as pilot:
            await app.push_screen(Listening())
            watch_study(app, ours)
            theirs.add_note(note(study))
            for _ in range(40):  # a bound, not a sleep for timing: 40 polls at most
                await pilot.pause(POLL_SECONDS)
                if heard:
                    break
    assert POLL_SECONDS <= 0.05  # a note shows within 100 ms of its commit, not 0.5 s
    assert heard and heard[0].change is not None
    assert heard[0].change.notes(1) and not heard[0].change.documents


def test_notes_only_is_what_observers_writing_change() -> None:
    from lessonstudy.usecases.changes import Change

    assert Change(note_lessons=frozenset({1})).notes_only()
    assert not Change().notes_only()
    assert not Change(note_lessons=frozenset({1}), mark_lessons=frozenset({1})).notes_only()
    assert not Change(note_lessons=frozenset({1}), conflicts=True).notes_only()
    documents = frozenset({("lessons", "1")})
    assert not Change(documents=documents, note_lessons=frozenset({1})).notes_only()
