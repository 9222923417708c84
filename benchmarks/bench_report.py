"""Write-up benchmarks. Run: python benchmarks/bench_report.py [--quick] [--only KIND] [--notes N]

Every kind x format, as a whole process (`lessonstudy report STUDY --kind K
--format F`: start Python, open the study file, load it, render, write), on
the bundled example, a 9,000-note study and a large one (benchmarks/large_study.py:
3 lessons, 6 observers, 90,000 notes by default, 30 interviews). Each is
measured against two baselines in the same run, interleaved (one run of each
in turn, so a busy machine slows all three alike):

  - `python -c pass`;
  - the floor: a Python that imports what that kind and format needs
    (SQLite, attrs, cattrs, Jinja2, markdown-it-py, and python-docx or
    python-pptx) and nothing else.

Targets: on the example and at 9,000 notes, at most 1.5x the floor (issue 12);
on the large study, under 0.5 s (issue 16). Bytecode is written and used, as in an
installed copy. Prints the load average and one table with the medians, both
ratios and a verdict per row; exits non-zero if any row misses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from lessonstudy import report  # noqa: E402
from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store import export  # noqa: E402
from lessonstudy.store.study_file import StudyFile  # noqa: E402

TARGET = 1.5  # x the floor, on the example and at 9,000 notes (issue 12)
MEDIUM_NOTES = 9_000
LARGE_SECONDS = 0.5  # on the large study (issue 16)
BASE = "import sqlite3, attrs, cattrs"
FLOORS = {
    "html": f"{BASE}, jinja2, markdown_it",
    "md": f"{BASE}, jinja2, markdown_it",
    "docx": f"{BASE}, jinja2, markdown_it, docx",
    "pptx": f"{BASE}, jinja2, markdown_it, pptx",
    "csv": f"{BASE}, csv",
}

Row = tuple[str, str, str, str, str, str]


def lessonstudy_command() -> list[str]:
    script = Path(sys.executable).with_name("lessonstudy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonstudy"]


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def interleaved(commands: list[list[str]], runs: int) -> list[float]:
    """The median of each command, run in turn so that each sees the same machine."""
    for command in commands:  # warm the file cache and the template cache
        timed(command)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            times[index].append(timed(command))
    return [statistics.median(t) for t in times]


def studies(folder: Path, notes: int) -> list[tuple[str, Path, bool]]:
    """(name, file, whether its target is the ratio to the floor, else the seconds)."""
    from large_study import make_large_study

    found = []
    example = folder / "example.lessonstudy"
    with StudyFile.create(example, export.read_json(example_study_path())):
        pass
    found.append(("example", example, True))
    for count, by_ratio in ((MEDIUM_NOTES, True), (notes, False)):
        if count:  # --notes 0: no large study
            path = folder / f"notes-{count}.lessonstudy"
            make_large_study(path, seed=1, notes=count)
            found.append((f"{count:,} notes", path, by_ratio))
    return found


def bench(folder: Path, runs: int, only: str | None, notes: int) -> list[Row]:
    cli = lessonstudy_command()
    rows: list[Row] = []
    for name, path, by_ratio in studies(folder, notes):
        for kind in report.KINDS:
            if only and kind != only:
                continue
            for fmt in report.KIND_FORMATS[kind]:
                out = folder / f"out-{kind}{report.SUFFIXES[fmt]}"
                command = [*cli, "report", str(path), "--kind", kind, "--format", fmt]
                command += ["-o", str(out)]
                bare = [sys.executable, "-c", "pass"]
                floor = [sys.executable, "-c", FLOORS[fmt]]
                measured, bare_s, floor_s = interleaved([command, bare, floor], runs)
                ratio = measured / floor_s
                if by_ratio:
                    target, ok = f"<= {TARGET}x floor", ratio <= TARGET
                else:
                    target, ok = f"< {LARGE_SECONDS} s", measured < LARGE_SECONDS
                rows.append(
                    (
                        f"{kind} {fmt}, {name}",
                        f"{measured * 1000:.0f} ms",
                        f"{measured / bare_s:.1f}x",
                        f"{floor_s * 1000:.0f} ms = {ratio:.1f}x",
                        target,
                        "ok" if ok else "MISSED",
                    )
                )
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    return rows


def print_table(rows: list[Row]) -> None:
    headers = ("write-up (whole process)", "median", "vs pass", "floor, ratio", "target", "")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--only", choices=report.KINDS, help="one kind of write-up")
    parser.add_argument(
        "--notes",
        type=int,
        default=90_000,
        help="notes in the large study (0: the example and 9,000 notes only)",
    )
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        rows = bench(Path(tmp), runs, args.only, args.notes)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_table(rows)
    return 0 if all(row[-1] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
