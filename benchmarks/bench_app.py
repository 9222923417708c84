"""App benchmarks. Run: python benchmarks/bench_app.py [--quick]

(a) times an exit hook that runs before the first frame is written: what a
user sees is timed by benchmarks/bench_tmux.py (frames in a real terminal).

Prints one table:
  (a) process start to the first screen (the study map of the example study),
      against a minimal Textual app (one Label) started in the same harness:
      both run headless in a fresh process and exit right after their first
      screen is drawn; median of N whole-process times, ratio (target <= 1.2)
  (b) process start to the RL1 plan grid drawn, large study against the
      example study; median of N, ratio (target <= 1.5); and the same inside
      one process (imports done), where the study's size weighs more
  (c) a keystroke in a plan field until it is saved (committed): median and
      p99 over 300 keystrokes, on the large study's plan
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store import StudyFile  # noqa: E402
from lessonstudy.store.export import read_json  # noqa: E402

Row = tuple[str, str, str, str]

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("Hello")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run(headless=True, size=(120, 40))
"""

OUR_APP = """
import sys
from pathlib import Path
from lessonstudy.tui.app import LessonStudyApp

LessonStudyApp(Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""

# Opens the study, then the RL1 plan, and exits once the grid has its rows drawn.
PLAN_PROBE = """
import sys
from pathlib import Path
from lessonstudy.tui.app import LessonStudyApp

class PlanProbe(LessonStudyApp):
    def first_screen_shown(self):
        self.open_step("plan:1")
        self.set_interval(0.001, self._check)

    def _check(self):
        grids = self.screen.query("PredictionGrid")
        if grids and grids.first().row_count:
            self.call_after_refresh(self.exit)

PlanProbe(Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""


def median_process_seconds(code: str, args: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, *args],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def bench_first_screen(example: Path, runs: int, env: dict[str, str]) -> list[Row]:
    bare = median_process_seconds(MINIMAL_APP, [], runs, env)
    ours = median_process_seconds(OUR_APP, [str(example)], runs, env)
    ratio = ours / bare
    return [
        ("(a) minimal Textual app, first screen", f"{bare * 1000:.0f} ms", "", ""),
        ("(a) lessonstudy map of the example", f"{ours * 1000:.0f} ms", "", ""),
        ("(a) ratio", f"{ratio:.2f}x", "<= 1.2x", verdict(ratio <= 1.2)),
    ]


def bench_large_plan(
    example: Path, large: Path | None, runs: int, env: dict[str, str]
) -> list[Row]:
    small = median_process_seconds(PLAN_PROBE, [str(example)], runs, env)
    rows: list[Row] = [("(b) example study: start to plan grid", f"{small * 1000:.0f} ms", "", "")]
    if large is None:
        return [*rows, ("(b) large study", "large_study.py not there yet", "", "skipped")]
    big = median_process_seconds(PLAN_PROBE, [str(large)], runs, env)
    ratio = big / small
    return [
        *rows,
        ("(b) large study: start to plan grid", f"{big * 1000:.0f} ms", "", ""),
        ("(b) ratio large / example", f"{ratio:.2f}x", "<= 1.5x", verdict(ratio <= 1.5)),
    ]


async def plan_grid_seconds(study: Path) -> float:
    """In one process (imports done): app start, open the study, RL1's plan grid drawn."""
    from lessonstudy.tui.app import LessonStudyApp
    from lessonstudy.tui.widgets.prediction_grid import PredictionGrid

    start = time.perf_counter()
    app = LessonStudyApp(study)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_step("plan:1")
        await pilot.pause()
        await pilot.press("f3")
        grid = app.screen.query_one(PredictionGrid)
        while not grid.row_count:
            await asyncio.sleep(0)
        elapsed = time.perf_counter() - start
    return elapsed


def bench_plan_in_process(example: Path, large: Path | None, runs: int) -> list[Row]:
    def median(study: Path) -> float:
        return statistics.median(asyncio.run(plan_grid_seconds(study)) for _ in range(runs))

    asyncio.run(plan_grid_seconds(example))  # warm up: imports
    small = median(example)
    rows: list[Row] = [("(b) in-process, example: to plan grid", f"{small * 1000:.0f} ms", "", "")]
    if large is None:
        return rows
    big = median(large)
    ratio = big / small
    return [
        *rows,
        ("(b) in-process, large: to plan grid", f"{big * 1000:.0f} ms", "", ""),
        ("(b) in-process ratio large / example", f"{ratio:.2f}x", "<= 1.5x", verdict(ratio <= 1.5)),
    ]


async def keystroke_samples(study: Path, count: int) -> list[float]:
    """Seconds from a key reaching the plan's objective field until it is committed."""
    from textual.widgets import Input

    from lessonstudy.tui.app import LessonStudyApp
    from lessonstudy.tui.screens.plan import PlanScreen

    app = LessonStudyApp(study)
    samples: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_step("plan:1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        field = screen.query_one("#plan-objective", Input)
        field.focus()
        await pilot.pause()
        for index in range(count):
            before = screen.plan.revision
            start = time.perf_counter()
            field.insert_text_at_cursor("abcdefghij"[index % 10])  # what a key press does
            while screen.plan.revision == before:  # saved: the document has a new revision
                await asyncio.sleep(0)
            samples.append(time.perf_counter() - start)
    return samples


def bench_keystroke(study: Path, count: int) -> list[Row]:
    samples = sorted(asyncio.run(keystroke_samples(study, count)))
    median = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return [
        ("(c) keystroke to saved, median", f"{median * 1000:.2f} ms", "", ""),
        (
            "(c) keystroke to saved, p99",
            f"{p99 * 1000:.2f} ms",
            "< 16 ms (a frame)",
            verdict(p99 < 0.016),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    options = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    runs = 5 if options.quick else 15
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        env = {**os.environ, "LESSONSTUDY_DATA_DIR": str(folder / "data")}
        env["LESSONSTUDY_EXIT_AFTER_FIRST_SCREEN"] = "1"
        os.environ["LESSONSTUDY_DATA_DIR"] = env["LESSONSTUDY_DATA_DIR"]
        example = folder / "example.lessonstudy"
        StudyFile.create(example, read_json(example_study_path())).close()
        try:
            from large_study import make_large_study
        except ImportError:
            large = None
        else:
            large = make_large_study(folder / "large.lessonstudy")
        rows = bench_first_screen(example, runs, env)
        rows += bench_large_plan(example, large, runs, env)
        rows += bench_plan_in_process(example, large, runs)
        rows += bench_keystroke(large or example, 100 if options.quick else 300)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("measure", "result", "target", "verdict")
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[3] in ("ok", "", "skipped") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
