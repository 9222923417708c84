"""The library's benchmark. Run: python benchmarks/bench_library.py [--count 1000] [--quick]

A school's folder of generated studies (benchmarks/school_studies.py: varied
subjects, year groups, school years and stages; 1,000 by default), then:

  - first indexing: every study read into a new index;
  - catching up after one study changes (a note added), interleaved with a look
    at the unchanged folder (what every `search` does first);
  - search: a mix of queries (common and rare words, phrases, filters, the
    start of a word as the screen searches while typing), each timed; p99;
  - `lessonstudy search WORDS` as a whole process (with compiled bytecode, as
    installed), interleaved with its floor: a Python that imports the libraries
    the command needs (sqlite3, json, argparse, pathlib, re) and does what it
    cannot avoid, listing the folder and looking at each study file (stat);
  - the impact summary: built from the index and written as HTML and as Word.

Prints each measure with its target and a verdict; exits non-zero on a miss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from lessonstudy.archive.impact import build_impact  # noqa: E402
from lessonstudy.archive.index import SCREEN_LIMIT, Filters, Library  # noqa: E402
from lessonstudy.model import Observation  # noqa: E402
from lessonstudy.report.impact import render_impact  # noqa: E402
from lessonstudy.store import StudyFile  # noqa: E402
from school_studies import make_school  # noqa: E402

# Targets (seconds unless said): the search target is the issue's; the others are
# what a person waits for without wondering whether it broke.
FIRST_PER_STUDY = 0.030  # first indexing: 30 ms a study (30 s for 1,000, with progress shown)
CATCH_UP = 1.0  # one changed study read again, 1,000 files looked at
SEARCH_P99 = 0.050
COMMAND_RATIO = 1.5  # `lessonstudy search` against the floor of its imports
IMPACT_HTML = 3.0  # from the index: a school's every study, one page a dozen studies
IMPACT_WORD = 10.0  # python-docx builds a document of a few hundred pages slowly

CLI_LIMIT = 20  # `lessonstudy search --limit` by default
QUERIES = [
    "fractions",
    "pupils",
    "number line",
    '"bead string"',
    "fair test variable",
    "inference evidence",
    "explained the idea",
    "stem sentence",
    "bar models ratio",
    "choropleth",
    "PRIMM predict",
    "thinking time",
    "misconception start",
    "zebra",
    "pupil premium",
    "SEND",
    "sources provenance",
    "whiteboards spontaneous",
]
PREFIXES = ["frac", "pup", "infer", "bea", "vari", "misc"]
FILTERS = [
    None,
    Filters(subject="maths"),
    Filters(year_group="Year 7"),
    Filters(status="complete"),
    Filters(school_year=2024, subject="science"),
]


def lessonstudy_command() -> list[str]:
    script = Path(sys.executable).with_name("lessonstudy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonstudy"]


def timed_process(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def add_note(path: Path, n: int) -> None:
    with StudyFile.open(path) as study_file:
        study = study_file.load(notes=False)
        lesson = study.lessons[0]
        study_file.add_note(
            Observation(
                lesson=lesson.number,
                observer="Benchmark",
                at=dt.datetime(2025, 1, 1, 10, n % 60, tzinfo=dt.UTC),
                about="class",
                text=f"benchmark note number {n}",
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="studies in the folder")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    rows: list[tuple[str, str, str, bool]] = []

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "school"
        folder.mkdir()
        data = Path(tmp) / "data"
        # Bytecode written and used, as an installed copy has it (some shells set
        # PYTHONDONTWRITEBYTECODE: every run would compile the modules again).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["LESSONSTUDY_DATA_DIR"] = str(data)
        os.environ["LESSONSTUDY_DATA_DIR"] = str(data)
        began = time.perf_counter()
        paths = make_school(folder, args.count)
        print(f"{args.count} studies generated in {time.perf_counter() - began:.1f} s")

        # First indexing.
        began = time.perf_counter()
        with Library.open(folder) as library:
            report = library.sync()
        first = time.perf_counter() - began
        assert report.studies == args.count and not report.problems, report.summary()
        target = FIRST_PER_STUDY * args.count
        rows.append(
            (
                f"first indexing of {args.count} studies",
                f"{first:.1f} s ({first / args.count * 1000:.1f} ms a study)",
                f"<= {target:.0f} s",
                first <= target,
            )
        )

        # Catching up after one study changes, interleaved with an unchanged look.
        changed, unchanged = [], []
        with Library.open(folder) as library:
            for n in range(repeats):
                began = time.perf_counter()
                library.sync()
                unchanged.append(time.perf_counter() - began)
                add_note(paths[(n * 37) % len(paths)], n)
                began = time.perf_counter()
                caught = library.sync()
                changed.append(time.perf_counter() - began)
                assert caught.read == 1, caught.summary()
        worst = max(changed)
        rows.append(
            (
                "catch up after one study changed",
                f"median {statistics.median(changed) * 1000:.0f} ms, worst {worst * 1000:.0f} ms",
                f"<= {CATCH_UP * 1000:.0f} ms",
                worst <= CATCH_UP,
            )
        )
        rows.append(
            (
                "look at the unchanged folder",
                f"median {statistics.median(unchanged) * 1000:.0f} ms",
                "(what each search does first)",
                True,
            )
        )

        # Search.
        times = []
        with Library.open(folder) as library:
            for _round in range(repeats):
                for filters in FILTERS:
                    for query in QUERIES:
                        # as `lessonstudy search` does (its default --limit)
                        began = time.perf_counter()
                        library.search(query, filters, limit=CLI_LIMIT)
                        times.append(time.perf_counter() - began)
                    for prefix in PREFIXES:
                        # as the library screen does while a person types: its list,
                        # then the places of the study highlighted
                        began = time.perf_counter()
                        found = library.search(
                            prefix, filters, limit=SCREEN_LIMIT, per_study=1, prefix_last=True
                        )
                        if found:
                            library.matches(prefix, found[0].study.study_id, prefix_last=True)
                        times.append(time.perf_counter() - began)
        worst99 = p99(times)
        rows.append(
            (
                f"search ({len(times)} queries)",
                f"p99 {worst99 * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms",
                f"p99 <= {SEARCH_P99 * 1000:.0f} ms",
                worst99 <= SEARCH_P99,
            )
        )

        # The command as a whole process, against the floor of its imports.
        command = [*lessonstudy_command(), "search", "number line", "--in", str(folder)]
        floor = [
            sys.executable,
            "-c",
            "import sqlite3, json, argparse, pathlib, os, re\n"
            f"for root, _dirs, files in os.walk({str(folder)!r}):\n"
            "    [os.stat(os.path.join(root, name)) for name in files]",
        ]
        timed_process(command, env)  # compiles the bytecode once
        ours, base = [], []
        for _ in range(repeats):
            ours.append(timed_process(command, env))
            base.append(timed_process(floor, env))
        ratio = statistics.median(ours) / statistics.median(base)
        rows.append(
            (
                "`lessonstudy search` (whole process)",
                f"{statistics.median(ours) * 1000:.0f} ms = {ratio:.2f}x its floor"
                f" ({statistics.median(base) * 1000:.0f} ms)",
                f"<= {COMMAND_RATIO}x floor",
                ratio <= COMMAND_RATIO,
            )
        )

        # The impact summary.
        html_times, word_times = [], []
        for _ in range(max(1, repeats // 3)):
            began = time.perf_counter()
            with Library.open(folder) as library:
                library.sync()
                summary = build_impact(library.facts(), folder=str(folder))
            built = time.perf_counter() - began
            began = time.perf_counter()
            (Path(tmp) / "impact.html").write_bytes(render_impact(summary, fmt="html"))
            html_times.append(built + time.perf_counter() - began)
            began = time.perf_counter()
            (Path(tmp) / "impact.docx").write_bytes(render_impact(summary, fmt="docx"))
            word_times.append(built + time.perf_counter() - began)
        for fmt, took_all, target in (
            ("HTML", html_times, IMPACT_HTML),
            ("Word", word_times, IMPACT_WORD),
        ):
            took = statistics.median(took_all)
            rows.append(
                (
                    f"impact summary of {args.count} studies ({fmt})",
                    f"{took:.2f} s",
                    f"<= {target:.0f} s",
                    took <= target,
                )
            )

    width = max(len(r[0]) for r in rows)
    print()
    for what, measured, target_text, ok in rows:
        print(f"{what:<{width}}  {measured:<44} {target_text:<24} {'ok' if ok else 'MISSED'}")
    missed = [r for r in rows if not r[3]]
    print()
    print("All targets met." if not missed else f"{len(missed)} target(s) missed.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
