"""One observer at a keyboard, in a process of its own (not a test module).

    python tests/observer_process.py STUDY NAME clock|observer NOTES

Runs observer mode headless (Textual's run_test) on lesson 1 and types at the
keys as an observer would. The "clock" observer also moves the lesson's clock:
before each ctrl+n it prints `MOVE <stage number> <time before> <time after>`
(the press and its commit lie between the two times), and ends the lesson with
ctrl+l at the end. Every observer types NOTES notes, each `b+<name> <n> jumps`,
and prints `DONE` when finished. Used by tests/test_observe_processes.py.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from textual.app import App

from lessonstudy.model import now
from lessonstudy.store import StudyFile
from lessonstudy.tui.live import watch_study
from lessonstudy.tui.screens.observe import ObserveScreen

STAGES = 5


class ObserverApp(App[None]):
    def __init__(self, study_file: StudyFile, name: str) -> None:
        super().__init__()
        self.study_file = study_file
        self.observer_name = name

    def on_mount(self) -> None:
        self.push_screen(ObserveScreen(self.study_file, 1, self.observer_name))
        watch_study(self, self.study_file)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def observe(path: Path, name: str, role: str, notes: int) -> None:
    with StudyFile.open(path) as study_file:
        app = ObserverApp(study_file, name)
        async with app.run_test() as pilot:
            await pilot.pause()
            per_stage = max(1, notes // STAGES)
            typed = 0
            for stage in range(1, STAGES + 1):
                if role == "clock":
                    before = now()
                    await pilot.press("ctrl+n")
                    await pilot.pause()
                    say(f"MOVE {stage} {before.isoformat()} {now().isoformat()}")
                for _ in range(per_stage):
                    keys = f"{'abc'[typed % 3]}+{name} {typed} jumps"
                    await pilot.press(*keys, "enter")
                    typed += 1
            if role == "clock":
                before = now()
                await pilot.press("ctrl+l", "y")  # y: for every observer
                await pilot.pause()
                say(f"MOVE end {before.isoformat()} {now().isoformat()}")
                await pilot.press("escape")  # back from the end-of-lesson view
                await pilot.pause()
            else:
                # Taken after the lesson (or typed while it ends): then one deleted.
                await pilot.press(*f"0{name} {typed} after the bell", "enter")
                await pilot.press("tab", "home", "delete")
                await pilot.pause()
            say("DONE")


if __name__ == "__main__":
    study, who, kind, count = sys.argv[1:5]
    asyncio.run(observe(Path(study), who, kind, int(count)))
