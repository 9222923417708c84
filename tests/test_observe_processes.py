"""Three observer processes write notes at once while observer mode shows them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from lessonstudy.store import StudyFile
from lessonstudy.tui.live import StudyChanged
from lessonstudy.tui.widgets.note_line import NoteLine
from lessonstudy.tui.widgets.notes_table import NotesTable
from report_fixtures import docx_all_text
from test_tui_observe import ObserveApp, make_study

WRITER = Path(__file__).with_name("note_writer.py")  # python note_writer.py STUDY COUNT NAME
PER_PROCESS = 150
WRITERS = ("Sam", "Tia", "Uma")
# Notes each observer types at the keyboard: two a stage of five is enough for a
# note in every stage from each process; every key costs Pilot's idle waits.
TYPED_PER_OBSERVER = 10


@pytest.mark.slow
def test_three_observer_processes_every_note_stored_and_shown(tmp_path: Path) -> None:
    path = tmp_path / "rl.lessonstudy"
    make_study(path).close()
    asyncio.run(_observe_while_others_write(path))


async def _observe_while_others_write(path: Path) -> None:
    study_file = StudyFile.open(path)
    app = ObserveApp(study_file, "Ruth")
    async with app.run_test() as pilot:
        await pilot.pause()
        writers = [
            subprocess.Popen(
                [sys.executable, str(WRITER), str(path), str(PER_PROCESS), name],
                stdout=subprocess.PIPE,
                text=True,
            )
            for name in WRITERS
        ]
        # Ruth keeps taking notes while the others write, refreshing as they commit.
        own = 0
        while any(w.poll() is None for w in writers) and own < 30:
            await pilot.press("b", "+", *f"ruth {own}", "enter")
            own += 1
            app.screen.post_message(StudyChanged())
            await pilot.pause()
        await pilot.press("a", *"half typed")  # in the line when the last notes arrive
        acknowledged = set()
        for writer in writers:
            out, _err = await asyncio.to_thread(writer.communicate, timeout=60)
            assert writer.returncode == 0
            acknowledged |= set(out.split())
        assert len(acknowledged) == PER_PROCESS * len(WRITERS)

        expected = PER_PROCESS * len(WRITERS) + own
        table = app.observe.query_one(NotesTable)
        for _ in range(50):  # bounded: the app refreshes on StudyChanged
            if table.note_count == expected:
                break
            app.screen.post_message(StudyChanged())
            await pilot.pause()

        stored = study_file.notes(1)
        assert len(stored) == expected
        assert {str(n.id) for n in stored} >= acknowledged
        shown = {n.id for n in table.rows()}
        assert shown == {n.id for n in stored}
        assert table.note_count == expected
        for name in WRITERS:
            assert sum(n.observer == name for n in table.rows()) == PER_PROCESS
        assert sum(n.observer == "Ruth" for n in table.rows()) == own
        line = app.observe.query_one(NoteLine)
        assert (line.about, line.text) == ("A", "half typed")  # never interrupted
        assert app.focused is line.input
    study_file.close()


@pytest.mark.long
@pytest.mark.slow
def test_three_observer_processes_one_clock_every_note_in_its_stage_and_the_report(
    tmp_path: Path,
) -> None:
    """Issue 9's "done when": three observers, each in a process of its own, typing
    at the keyboard; only one moves the stage (one joins after the lesson began).
    Every note has the stage that was running when it was typed, and every note not
    deleted is in the Markdown, HTML and Word report."""
    import datetime as dt

    from lessonstudy import report

    path = tmp_path / "rl.lessonstudy"
    make_study(path).close()
    script = Path(__file__).with_name("observer_process.py")

    def start(name: str, role: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(script), str(path), name, role, str(TYPED_PER_OBSERVER)],
            stdout=subprocess.PIPE,
            text=True,
        )

    clock = start("Sam", "clock")
    early = start("Ruth", "observer")
    moves: list[tuple[str, dt.datetime, dt.datetime]] = []
    late = None
    assert clock.stdout is not None
    for line in clock.stdout:
        if line.startswith("MOVE"):
            _move, stage, before, after = line.split()
            moves.append(
                (stage, dt.datetime.fromisoformat(before), dt.datetime.fromisoformat(after))
            )
            if stage == "2" and late is None:
                late = start("Uma", "observer")  # joins once the lesson is under way
    assert clock.wait(timeout=120) == 0
    assert late is not None
    for process in (early, late):
        out, _err = process.communicate(timeout=120)
        assert process.returncode == 0 and "DONE" in out
    assert [stage for stage, _b, _a in moves] == ["1", "2", "3", "4", "5", "end"]

    with StudyFile.open(path) as study_file:
        study = study_file.load()
    plan = study.lesson(1)
    # Only Sam moved the clock.
    assert {m.observer for m in study.marks} == {"Sam"}

    def expected(at: dt.datetime) -> set[object]:
        """The stage(s) running at `at` by the clock's own log: one, or the two
        either side of a move whose press and commit straddle `at`."""
        running: set[object] = {None}
        for stage, before, after in moves:
            target = None if stage == "end" else plan.stages[int(stage) - 1].id
            if at >= after:
                running = {target}
            elif at >= before:
                running = running | {target}
        return running

    notes = study.live_notes(1)
    assert {n.observer for n in notes} == {"Sam", "Ruth", "Uma"}
    checked = 0
    for note in notes:
        assert note.stage_id in expected(note.at), (note.observer, note.text)
        checked += note.observer != "Sam"
    # The two who never moved the clock: every note they typed, the one after the bell
    # too, placed by it; each deleted one note (theirs or another's).
    typed_by_them = 2 * (TYPED_PER_OBSERVER + 1)
    assert typed_by_them - 2 <= checked <= typed_by_them
    assert any(n.deleted for n in study.notes)  # each observer deleted one

    markdown = report.render_markdown(study)
    html = report.render(study, fmt="html").decode()
    # Paragraphs and table cells: the appendix of every note is a table.
    word = docx_all_text(report.render(study, fmt="docx"))
    for note in notes:
        assert note.text in markdown and note.text in html and note.text in word
    for note in (n for n in study.notes if n.deleted):
        assert note.text not in markdown
