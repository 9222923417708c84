"""Write-up benchmarks. Run: python benchmarks/bench_report.py [--quick]

Prints one table:
  (a) the report on the large study (benchmarks/large_study.py: 3 lessons,
      6 observers, 9,000 notes, 30 interviews) in HTML, Markdown and Word:
      median of N renders from the study in memory (targets: HTML and
      Markdown under 1 s, Word under 2 s); the handout and poster too
  (b) whole-process `lessonstudy report` on the example study (open the
      study file, load, render, write) in each format, against
      `python -c pass` in the same run (median of N, ratio; target <= 5)
"""

from __future__ import annotations

import argparse
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

Row = tuple[str, str, str, str]  # measure, result, target, verdict
TARGETS = {"html": 1.0, "md": 1.0, "docx": 2.0}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def median_of(action: object, runs: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_large(runs: int) -> list[Row]:
    try:
        from large_study import build_large_study
    except ImportError:
        return [("(a) large study", "benchmarks/large_study.py not there yet", "", "skipped")]
    study = build_large_study()
    rows: list[Row] = []
    notes = len(study.notes)
    for kind in report.KINDS:
        for fmt in report.FORMATS:
            if kind != "report" and fmt != "html":
                continue  # the handout and poster are a fraction of the report
            seconds, data = median_of(
                lambda kind=kind, fmt=fmt: report.render(study, kind=kind, fmt=fmt), runs
            )
            target = TARGETS[fmt]
            rows.append(
                (
                    f"(a) {kind} {fmt}, large study ({notes:,} notes)",
                    f"{seconds * 1000:.0f} ms ({len(data) / 1024:.0f} KiB)",  # type: ignore[arg-type]
                    f"< {target:.0f} s",
                    verdict(seconds < target),
                )
            )
    return rows


def lessonstudy_command() -> list[str]:
    script = Path(sys.executable).with_name("lessonstudy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonstudy"]


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cli(folder: Path, runs: int) -> list[Row]:
    example = example_study_path()
    if not example.exists():
        return [("(b) lessonstudy report", f"{example.name} not there yet", "<= 5x", "skipped")]
    study = folder / "example.lessonstudy"
    with StudyFile.create(study, export.read_json(example)):
        pass
    rows: list[Row] = []
    cli = lessonstudy_command()
    baseline = median_seconds([sys.executable, "-c", "pass"], runs)
    for fmt in report.FORMATS:
        command = [*cli, "report", str(study), "--format", fmt, "-o", str(folder / f"r.{fmt}")]
        subprocess.run(command, check=True, capture_output=True)  # warm the file cache
        measured = median_seconds(command, runs)
        ratio = measured / baseline
        rows.append(
            (
                f"(b) lessonstudy report --format {fmt} (example)",
                f"{measured * 1000:.0f} ms vs python -c pass {baseline * 1000:.0f} ms"
                f" = {ratio:.1f}x",
                "<= 5x",
                verdict(ratio <= 5),
            )
        )
    return rows


def print_table(rows: list[Row]) -> None:
    headers = ("measure", "result", "target", "")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(4)]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        rows = bench_large(runs) + bench_cli(Path(tmp), runs)
    print_table(rows)
    return 0 if all(row[3] != "MISSED" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
