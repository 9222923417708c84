"""The discussion's first step on the large study, against the example study.

    python benchmarks/bench_discussion.py [--runs N]

Opens RL1's post-lesson discussion (the evidence grid and the chosen cell's
detail) in a headless app, N times each for the example study and for the
large study (benchmarks/large_study.py: 3 lessons, 6 observers, 9,000 notes,
30 interviews), and prints one table: median time from pushing the screen
(which reads the study) to its first step drawn, and the ratio large /
example (target at most 1.5). The two studies take turns, so a busy machine
slows both alike. Also shows the parts: reading the whole study (the screen
reads only the lesson's notes) and building the grid.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from textual.app import App  # noqa: E402

from large_study import make_large_study  # noqa: E402
from lessonstudy.process import evidence_grid  # noqa: E402
from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store import StudyFile  # noqa: E402
from lessonstudy.store.export import read_json  # noqa: E402
from lessonstudy.tui.screens.discussion import DiscussionScreen  # noqa: E402
from lessonstudy.tui.widgets.evidence_grid import EvidenceView  # noqa: E402

TARGET = 1.5


class BenchApp(App[None]):
    pass


async def time_first_steps(study_files: dict[str, StudyFile], runs: int) -> dict[str, list[float]]:
    """Seconds from pushing the discussion screen to its first step drawn, per study.

    The studies take turns in one app, so that a busy machine slows both alike.
    """
    times: dict[str, list[float]] = {name: [] for name in study_files}
    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for run in range(runs + 1):  # the first round warms imports and CSS: dropped
            for name, study_file in study_files.items():
                start = time.perf_counter()
                screen = DiscussionScreen(study_file, 1)
                await app.push_screen(screen)
                await pilot.pause()
                # Drawn: the grid has its rows and the detail of the chosen cell.
                assert screen.query_one(EvidenceView).table.row_count > 0
                app.screen._compositor.render_update(full=True)  # the frame a terminal gets
                if run:
                    times[name].append(time.perf_counter() - start)
                await app.pop_screen()
                await pilot.pause()
    return times


def median_of(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-discussion-"))
    example = folder / "example.lessonstudy"
    StudyFile.create(example, read_json(example_study_path())).close()
    large = make_large_study(folder / "large.lessonstudy")

    rows = []
    medians: dict[str, float] = {}
    files = {name: StudyFile.open(path) for name, path in (("example", example), ("large", large))}
    shown = asyncio.run(time_first_steps(files, args.runs))
    for name, study_file in files.items():
        study = study_file.load()
        load = median_of(study_file.load, args.runs)
        grid = median_of(lambda s=study: evidence_grid(s, 1), args.runs)
        medians[name] = statistics.median(shown[name])
        rows.append((name, f"{len(study.notes):,}", f"{load * 1000:.1f}", f"{grid * 1000:.1f}"))
        study_file.close()

    ratio = medians["large"] / medians["example"]
    header = ("study", "notes", "full load ms", "grid ms", "first step ms")
    print(f"Discussion, first step (RL1 evidence grid + detail), median of {args.runs} runs")
    print(f"{header[0]:<8} {header[1]:>7} {header[2]:>13} {header[3]:>8} {header[4]:>14}")
    for name, notes, load_ms, grid_ms in rows:
        first = medians[name] * 1000
        print(f"{name:<8} {notes:>7} {load_ms:>13} {grid_ms:>8} {first:>14.1f}")
    verdict = "ok" if ratio <= TARGET else "OVER"
    print(f"ratio large / example: {ratio:.2f} (target <= {TARGET}) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
