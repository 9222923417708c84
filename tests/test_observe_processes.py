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
from test_tui_observe import ObserveApp, make_study

WRITER = Path(__file__).with_name("note_writer.py")  # python note_writer.py STUDY COUNT NAME
PER_PROCESS = 150
WRITERS = ("Sam", "Tia", "Uma")


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
