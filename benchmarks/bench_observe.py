"""Observer-mode benchmarks. Run: python benchmarks/bench_observe.py [--quick]

Prints one table:
  (a) keystroke to screen while typing a note, with the large study open
      (9,000 notes; the lesson shown holds 3,000): p50 / p99, target p99 <= 16 ms
  (b) Enter to committed for a note, same study: p50 / p99, target p99 < 2 ms
  (c) opening observer mode on the large study as a ratio to the example
      study (median of N each, alternating): target <= 1.5

Method (all inside `App.run_test`, headless, 120x40):
  (a) Each key is posted to the app exactly as the driver does
      (`app.post_message(events.Key(...))`), then we await until every widget
      on the screen has processed its pending messages (`pilot._wait_for_screen`,
      which queues a callback behind each widget's messages: the key, the
      Input's Changed message, the note line's repaint ...) and then run the
      screen's update (`screen._on_timer_update()`: layout + compositor render
      of the dirty regions, what the next frame does; headless only skips the
      write to the terminal). Time = post to rendered. `pilot.press` is not used
      to time: it sleeps at least 2 x 20 ms waiting for the CPU to go idle.
      The typed text is checked afterwards, so every key really landed.
  (b) The same for Enter after a pupil key, a judgement key and the text (the
      25 long notes of (a) and 300 short ones, for enough samples for a p99);
      the time is taken from posting Enter to `StudyFile.add_note` returning
      (the transaction is committed when it returns: WAL, BEGIN IMMEDIATE).
  (c) From `StudyFile.open` to the observer screen mounted, its notes loaded
      and its first frame rendered, in a running headless app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from large_study import make_large_study  # noqa: E402
from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store import export  # noqa: E402
from lessonstudy.store.study_file import StudyFile  # noqa: E402
from lessonstudy.tui.screens.observe import ObserveScreen  # noqa: E402
from lessonstudy.tui.widgets.note_line import NoteLine  # noqa: E402
from lessonstudy.tui.widgets.notes_table import NotesTable  # noqa: E402

OBSERVER = "Bench"  # not in either study's plan: starts "before the first stage"
SIZE = (120, 40)
TEXT = "said a half is bigger because the bottom number is smaller "


class BenchApp(App[None]):
    pass


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _wait_for_screen(app: App[Any]) -> None:
    from textual.pilot import Pilot

    await Pilot(app)._wait_for_screen()


def key_event(key: str) -> events.Key:
    char = {"space": " "}.get(key, key if len(key) == 1 else None)
    name = {"+": "plus", " ": "space"}.get(key, key)
    event = events.Key(name, char)
    return event


async def typing_and_enter(
    path: Path, lesson: int, notes: int, words: str = TEXT
) -> tuple[list[float], list[float]]:
    """(keystroke-to-screen samples, Enter-to-committed samples), in ms."""
    study_file = StudyFile.open(path)
    committed_at: list[float] = []
    add_note = study_file.add_note

    def timed_add_note(note: Any) -> None:
        add_note(note)
        committed_at.append(time.perf_counter())

    study_file.add_note = timed_add_note  # type: ignore[method-assign]
    keys_ms: list[float] = []
    enter_ms: list[float] = []
    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ObserveScreen(study_file, lesson, OBSERVER))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ObserveScreen)
        for _ in range(100):  # bounded: until the older notes arrived from their thread
            if screen.older_notes_loaded:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        table = screen.query_one(NotesTable)
        line = screen.query_one(NoteLine)
        before = table.note_count
        for number in range(notes):
            text = f"{number} {words}"
            for key in ["b", "+", *text]:
                start = time.perf_counter()
                app.post_message(key_event(key))
                await _wait_for_screen(app)
                screen._on_timer_update()
                keys_ms.append((time.perf_counter() - start) * 1000)
            assert line.text == text, (line.text, text)
            start = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            await _wait_for_screen(app)
            screen._on_timer_update()
            enter_ms.append((committed_at[-1] - start) * 1000)
            assert line.text == ""
        assert table.note_count == before + notes
    study_file.close()
    return keys_ms, enter_ms


async def open_seconds(path: Path, lesson: int) -> tuple[float, float]:
    """(first frame, every note of the lesson in the list), in seconds."""
    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        study_file = StudyFile.open(path)
        screen = ObserveScreen(study_file, lesson, OBSERVER)
        await app.push_screen(screen)
        await _wait_for_screen(app)
        screen._on_timer_update()
        first_frame = time.perf_counter() - start
        assert screen.query_one(NotesTable).row_count > 0
        while not screen.older_notes_loaded:
            await asyncio.sleep(0.001)  # polling the worker's flag, not timing by sleep
        all_notes = time.perf_counter() - start
    study_file.close()
    return first_frame, all_notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args(argv)
    notes, short_notes, runs = (5, 20, 5) if args.quick else (25, 300, 11)

    with tempfile.TemporaryDirectory() as folder:
        example = Path(folder) / "example.lessonstudy"
        StudyFile.create(example, export.read_json(example_study_path())).close()
        large = make_large_study(Path(folder) / "large.lessonstudy")
        with StudyFile.open(large) as study_file:
            total = len(study_file.notes())
            shown = len(study_file.notes(1))

        keys_ms, enter_ms = asyncio.run(typing_and_enter(large, 1, notes))
        # More Enter samples, quickly: short notes (a p99 needs a few hundred).
        _keys, more_enter_ms = asyncio.run(typing_and_enter(large, 1, short_notes, "ok"))
        enter_ms += more_enter_ms

        example_times: list[tuple[float, float]] = []
        large_times: list[tuple[float, float]] = []
        asyncio.run(open_seconds(example, 1))  # warm imports and CSS parsing
        for _ in range(runs):
            example_times.append(asyncio.run(open_seconds(example, 1)))
            large_times.append(asyncio.run(open_seconds(large, 1)))
        example_s = statistics.median(t[0] for t in example_times)
        large_s = statistics.median(t[0] for t in large_times)
        example_all = statistics.median(t[1] for t in example_times)
        large_all = statistics.median(t[1] for t in large_times)

    rows = [
        (
            f"keystroke to screen ({len(keys_ms)} keys, {total} notes, {shown} shown)",
            f"p50 {statistics.median(keys_ms):.2f} ms, p99 {percentile(keys_ms, 99):.2f} ms",
            "p99 <= 16 ms",
            "ok" if percentile(keys_ms, 99) <= 16 else "OVER",
        ),
        (
            f"Enter to committed ({len(enter_ms)} notes)",
            f"p50 {statistics.median(enter_ms):.2f} ms, p99 {percentile(enter_ms, 99):.2f} ms",
            "p99 < 2 ms",
            "ok" if percentile(enter_ms, 99) < 2 else "OVER",
        ),
        (
            f"open observer mode, large / example (median of {runs})",
            f"{large_s * 1000:.0f} ms / {example_s * 1000:.0f} ms = {large_s / example_s:.2f}x",
            "<= 1.5x",
            "ok" if large_s / example_s <= 1.5 else "OVER",
        ),
        (
            "  ... until every note of the lesson is listed",
            f"{large_all * 1000:.0f} ms / {example_all * 1000:.0f} ms"
            f" = {large_all / example_all:.2f}x",
            "(for information)",
            "",
        ),
    ]
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores: tails grow with other work)")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("measure", "result", "target", "")
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
