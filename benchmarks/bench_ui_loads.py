"""What a screen costs the UI thread when another process changes the study, or
when it is shown again, on the large study with 90,000 notes.

    python benchmarks/bench_ui_loads.py [--notes 90000] [--runs 5] [--screens map,open ...]
                                        [--burst]

Each screen is opened in a headless app; then, for each case, another
connection commits (a note in RL1, or a saved plan) and the screen is told what
changed (`StudyChanged`, as the app's watcher tells it), or a screen pushed
over it is popped (it is shown again). Printed per case, median of the runs:
the longest the UI thread was held at once (the event loop's longest stall:
what a key pressed then waits) and the time until the screen has caught up
(its workers done; a screen that rests after a read, tui.background, reads at
once in these cases). With --burst, also 20 notes 60 ms apart (observers
writing), each told to the screen as it comes, the screen resting as it would
(caught up: its workers done). Run it before and after a change to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from textual.app import App  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import TabbedContent  # noqa: E402

from large_study import make_large_study  # noqa: E402
from lessonstudy.model import Observation  # noqa: E402
from lessonstudy.store import StudyFile, documents  # noqa: E402
from lessonstudy.tui.live import StudyChanged  # noqa: E402
from lessonstudy.usecases.changes import change_between, state_of  # noqa: E402


class BenchApp(App[None]):
    pass


class Stalls:
    """The event loop's longest stall while running: ticks every millisecond."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._on = True
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while self._on:
            began = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - began - 0.001)

    async def stop(self) -> float:
        self._on = False
        await self._task
        return self.worst


async def settled(app: App[Any], pilot: Any, *, rests: bool = True) -> None:
    """Until the screens' workers (and what they hand back) are done, and (`rests`)
    their rests after a read (tui.background) over."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
        for screen in app.screen_stack:
            reader = getattr(screen, "_reader", None)
            while rests and reader is not None and reader.busy:
                await pilot.pause(0.01)
    await pilot.pause()


def rest_over(screen: Screen[Any]) -> None:
    """End a screen's rest after a read now (a read asked meanwhile starts)."""
    reader = getattr(screen, "_reader", None)
    if reader is not None and reader._resting is not None:
        reader._resting.stop()
        reader._rested()


def a_note(lesson: int) -> Observation:
    return Observation(
        id=uuid.uuid4(),
        lesson=lesson,
        observer="Ben Carter",
        at=dt.datetime.now(dt.UTC),
        about="A",
        text="counts on in quarters",
    )


async def measure(
    app: App[Any], pilot: Any, trigger: Callable[[], Awaitable[None]], *, rests: bool = True
) -> tuple[float, float]:
    """(longest stall, seconds until caught up) for one trigger; `rests`: waiting
    out a screen's rests after its reads (else until its workers are done)."""
    await settled(app, pilot)
    stalls = Stalls()
    began = time.perf_counter()
    await trigger()
    await settled(app, pilot, rests=rests)
    took = time.perf_counter() - began
    return await stalls.stop(), took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=90_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screens", default="", help="the screens whose name starts so")
    parser.add_argument("--burst", action="store_true", help="also 20 notes in 1.2 s")
    args = parser.parse_args(argv)
    wanted = [word.strip() for word in args.screens.split(",") if word.strip()]
    folder = Path(tempfile.mkdtemp(prefix="bench-ui-loads-"))
    path = make_large_study(folder / "large.lessonstudy", notes=args.notes)
    results = asyncio.run(run_cases(path, args.runs, wanted, burst=args.burst))
    print(f"{args.notes:,} notes; median of {args.runs} runs")
    print(f"{'screen':<16} {'case':<22} {'longest UI stall ms':>20} {'caught up ms':>13}")
    for (screen, case), runs in results.items():
        stall = statistics.median(s for s, _ in runs) * 1000
        took = statistics.median(t for _, t in runs) * 1000
        print(f"{screen:<16} {case:<22} {stall:>20.1f} {took:>13.1f}")
    return 0


async def run_cases(
    path: Path, runs: int, wanted: list[str], *, burst: bool = False
) -> dict[tuple[str, str], list[tuple[float, float]]]:
    from lessonstudy.tui.screens.initial_meeting import InitialMeetingScreen
    from lessonstudy.tui.screens.interviews import InterviewsScreen
    from lessonstudy.tui.screens.observe.summary import LessonSummaryScreen
    from lessonstudy.tui.screens.open_house import OpenHouseScreen
    from lessonstudy.tui.screens.study_map import StudyMapScreen
    from lessonstudy.tui.screens.writeup import WriteUpScreen

    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    study_file = StudyFile.open(path)
    theirs = StudyFile.open(path)
    screens: dict[str, Callable[[], Screen[Any]]] = {
        "study map": lambda: StudyMapScreen(study_file),
        "initial meeting": lambda: InitialMeetingScreen(study_file),
        "initial lessons": lambda: InitialMeetingScreen(study_file),  # its lessons tab shown
        "open house": lambda: OpenHouseScreen(study_file),
        "open pictures": lambda: OpenHouseScreen(study_file),  # its Pictures tab shown
        "interviews": lambda: InterviewsScreen(study_file, 1, live_timer=False),
        "end of lesson": lambda: LessonSummaryScreen(study_file, 1, "Ben Carter"),
        "write-up": lambda: WriteUpScreen(study_file),
    }

    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:

        async def commit(write: Callable[[], object]) -> None:
            before = state_of(theirs)
            write()
            change = change_between(theirs, before, state_of(theirs))
            for screen in app.screen_stack:
                screen.post_message(StudyChanged(change))

        def save_plan() -> None:
            plan, revision = theirs.read(documents.lesson(2))
            plan.resources += " ruler"
            theirs.save(documents.lesson(2), plan, revision)

        async def resume() -> None:
            await app.pop_screen()

        async def notes_coming() -> None:
            for _ in range(20):
                await commit(lambda: theirs.add_note(a_note(1)))
                await asyncio.sleep(0.06)

        for name, make in screens.items():
            if wanted and not any(name.startswith(word) for word in wanted):
                continue
            screen = make()
            reader = getattr(screen, "_reader", None)
            rest = reader._rest if reader is not None else 0
            await app.push_screen(screen)
            await settled(app, pilot)
            tab = {"initial lessons": "class", "open pictures": "pictures"}.get(name)
            if tab is not None:
                screen.query_one(TabbedContent).active = tab
                await settled(app, pilot)
            cases: dict[str, Callable[[], Awaitable[None]]] = {
                "a note in RL1": lambda: commit(lambda: theirs.add_note(a_note(1))),
                "a plan saved": lambda: commit(save_plan),
                "shown again": resume,
            }
            if burst:
                cases["20 notes in 1.2 s"] = notes_coming
            for run in range(runs + 1):  # the first round warms up: dropped
                for case, trigger in cases.items():
                    if case == "shown again":
                        await app.push_screen(Screen())
                        await settled(app, pilot)
                    # Each case reads at once, not after the last one's rest; observers
                    # writing meet the screen's rests, as they would.
                    if reader is not None:
                        reader._rest = rest if case == "20 notes in 1.2 s" else 0
                    measured = await measure(app, pilot, trigger, rests=case != "20 notes in 1.2 s")
                    rest_over(screen)
                    if run:
                        results.setdefault((name, case), []).append(measured)
            await app.pop_screen()
            await settled(app, pilot)
    study_file.close()
    theirs.close()
    return results


if __name__ == "__main__":
    raise SystemExit(main())
