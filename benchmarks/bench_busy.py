"""The map, the discussion and the plan while others write: CPU and keystroke to screen.

    python benchmarks/bench_busy.py [--notes 90000] [--seconds 20] [--keys 200]

A study of `--notes` notes (large_study.py) is open in the real app
(LessonStudyApp), in this process under Textual's Pilot at 120x40: the
in-process measure issue 16 allows. Three writer processes, one per observer,
each add a note to RL1 every 0.2 s (15 notes a second in all) the whole time.
For each screen in turn (the study map, RL1's post-lesson discussion, RL1's
plan):

  CPU   the share of a core this process uses over `--seconds` with the screen
        showing and nobody typing (process time: every thread of the app, so
        the change poll, the refreshes and their workers). Target < 15 %.
  keys  a key posted to the app as a terminal delivers it, until every message
        it caused is handled and the screen's frame is drawn; `--keys` keys at
        10 a second (a fast typist), the writers still writing: down/up in the
        map's list of steps, letters in the discussion's point line and in the
        plan's objective. Target p99 <= 16 ms.

The typed text is checked afterwards, so every key landed. Prints the load
average, a table with a target and a verdict per figure, and exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_observe import key_event, percentile  # noqa: E402
from bench_tmux import BUSY_WRITER  # noqa: E402
from large_study import make_large_study  # noqa: E402

CPU_TARGET = 0.15
P99_TARGET_MS = 16.0
SIZE = (120, 40)
WRITERS = ("Ben Carter", "Chloe Davies", "Dev Patel")
KEYS_PER_SECOND = 10
SCREENS = {"map": "study map", "discussion:1": "discussion", "plan:1": "plan"}

Row = tuple[str, str, str, str]


async def _drawn(app: Any) -> None:
    """Every message queued so far handled, and the screen's pending frame drawn."""
    from textual.pilot import Pilot

    await Pilot(app)._wait_for_screen()
    app.screen._on_timer_update()


async def _until(condition: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"bench_busy: {what} did not happen within {seconds:.0f} s")
        await asyncio.sleep(0.01)  # polling a condition, not timing by sleep


async def one_screen(
    study: Path, step: str, seconds: float, keys: int
) -> tuple[float, list[float], int]:
    """(CPU share, keystroke samples in ms, notes the writers added) for one screen."""
    from textual.widgets import Input, OptionList

    from lessonstudy.store import StudyFile
    from lessonstudy.tui.app import LessonStudyApp
    from lessonstudy.tui.screens.study_map import StudyMapScreen

    with StudyFile.open(study, read_only=True) as study_file:
        before_notes = len(study_file.notes(1))
    app = LessonStudyApp(study)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: isinstance(app.screen, StudyMapScreen), "the map")
        await _until(lambda: app.screen.study_file is not None, "the study opening")
        if step != "map":
            app.open_step(step)
        await pilot.pause()
        screen = app.screen
        if step == "map":
            field: Any = screen.query_one("#steps", OptionList)
            typed = ["down", "up"] * (keys // 2)
        else:
            selector = "#point-input" if step.startswith("discussion") else "#plan-objective"
            field = screen.query_one(selector, Input)
            text = "the pupils said the bottom number tells the size of the part "
            typed = [text[i % len(text)] for i in range(keys)]
        field.focus()
        await pilot.pause()
        start_value = getattr(field, "value", None)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        duration = seconds + len(typed) / KEYS_PER_SECOND + 5
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", BUSY_WRITER, str(study), name, str(duration)], env=env
            )
            for name in WRITERS
        ]
        try:
            await asyncio.sleep(1.0)  # the writers are writing
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            await asyncio.sleep(seconds)  # the screen showing, nobody typing
            share = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
            for key in typed:
                begin = time.perf_counter()
                app.post_message(key_event(key))
                await _drawn(app)
                samples.append((time.perf_counter() - begin) * 1000)
                await asyncio.sleep(max(0.0, 1 / KEYS_PER_SECOND - (time.perf_counter() - begin)))
        finally:
            for writer in writers:
                writer.wait()
        if step != "map":
            assert field.value == (start_value or "") + "".join(typed), "a key was lost"
        else:
            assert app.screen is screen, "the map's keys opened something"
    with StudyFile.open(study, read_only=True) as study_file:
        added = len(study_file.notes(1)) - before_notes
    return share, samples, added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=90_000, help="notes in the study")
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window per screen")
    parser.add_argument("--keys", type=int, default=200, help="keys typed per screen")
    parser.add_argument("--only", choices=list(SCREENS.values()), help="one screen")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LESSONSTUDY_DATA_DIR"] = str(Path(folder) / "data")  # not the user's list
        made = make_large_study(Path(folder) / "large.lessonstudy", seed=1, notes=args.notes)
        for step, name in SCREENS.items():
            if args.only and name != args.only:
                continue
            study = Path(folder) / f"busy-{name.replace(' ', '-')}.lessonstudy"
            shutil.copy(made, study)
            share, samples, added = asyncio.run(one_screen(study, step, args.seconds, args.keys))
            p99 = percentile(samples, 99)
            rows.append(
                (
                    f"{name}: app CPU, 3 writers ({added} notes added)",
                    f"{share * 100:.1f} % of a core",
                    f"< {CPU_TARGET * 100:.0f} %",
                    "ok" if share < CPU_TARGET else "MISSED",
                )
            )
            rows.append(
                (
                    f"{name}: keystroke to screen ({len(samples)} keys)",
                    f"p50 {statistics.median(samples):.2f} ms, p99 {p99:.2f} ms",
                    f"p99 <= {P99_TARGET_MS:.0f} ms",
                    "ok" if p99 <= P99_TARGET_MS else "MISSED",
                )
            )
            print(" | ".join(rows[-2]), "\n", " | ".join(rows[-1]), file=sys.stderr, flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    headers: Row = (f"{args.notes:,} notes, Pilot in-process 120x40", "measured", "target", "")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[-1] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
