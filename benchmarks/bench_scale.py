"""Scale benchmarks: loading notes, every write-up, export and the preview at 9k/27k/90k notes.

    python benchmarks/bench_scale.py [--quick] [--sizes 9000,27000,90000]
                                     [--baseline OLD/src] [--all-formats]

Every figure is a whole process (`python -m lessonstudy ...`, or a short script
that prints the time of the step inside it), on studies made by
`large_study.py --notes N`. With `--baseline`, the same measure runs from an
older checkout's `src` too (PYTHONPATH), interleaved with ours: one run of
each in turn, so a busy machine slows both alike and the ratio holds.

Targets (issue 16), at the largest size:
  - loading the notes: at most half the baseline's time (needs --baseline);
  - each write-up kind, export and the write-up preview: under 0.5 s;
  - export's peak memory under 150 MB;
  - the scale curve stays linear: the cost per extra note from the middle to the
    largest size at most 1.5x that from the smallest to the middle.
A study file is checked in full at its first open after a change and then known
sound until it changes again (store/found_sound.py): after the warm-up run the
figures are for an unchanged file (a write-up made again), except the one named
"first open after a change", which forgets what was found before every run.
Prints the load average, a table with a verdict per figure, and exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from large_study import make_large_study  # noqa: E402

SECONDS_TARGET = 0.5
EXPORT_MB_TARGET = 150
LOAD_RATIO_TARGET = 0.5
LINEAR_TARGET = 1.5
SLOW = 10.0  # a run slower than this is measured once (a baseline report of 90k notes: minutes)

# A step inside a process, timed there (imports excluded): prints seconds.
LOAD_SCRIPT = """
import sys, time
from pathlib import Path
from lessonstudy.store import StudyFile
with StudyFile.open(Path(sys.argv[1]), read_only=True) as study_file:
    start = time.perf_counter()
    study = study_file.load()
    print(time.perf_counter() - start)
"""
# What the write-up screen's worker does for the report's preview.
PREVIEW_SCRIPT = """
import sys, time
from pathlib import Path
from lessonstudy import report
from lessonstudy.report import context, templates  # imported before the clock starts
from lessonstudy.store import StudyFile
with StudyFile.open(Path(sys.argv[1]), read_only=True) as study_file:
    start = time.perf_counter()
    study = study_file.load(notes="report" not in report.WITHOUT_NOTES)
    report.render_markdown(study, kind="report")
    print(time.perf_counter() - start)
"""

DEFAULT_WRITE_UPS = [
    ("report", "html"),
    ("report", "docx"),
    ("report", "md"),
    ("report", "csv"),
    ("handout", "html"),
    ("poster", "html"),
    ("slides", "pptx"),
]


class Measure:
    """One figure: a command per side, how its result is read, its target."""

    def __init__(
        self,
        name: str,
        args: Callable[[Path, Path], list[str]],
        *,
        printed: bool = False,
        memory: bool = False,
        first_open: bool = False,
    ) -> None:
        self.name = name
        self.args = args  # (study, out folder) -> argv after the Python executable
        self.printed = printed  # the process prints the seconds of the step it times
        self.memory = memory
        # The first open since the file changed: its checks run (store/found_sound.py).
        # Otherwise the file, unchanged since the warm-up run, is known sound.
        self.first_open = first_open


def run_once(argv: list[str], src: Path, *, first_open: bool = False) -> tuple[float, float, bytes]:
    """(seconds, peak resident MB, what it printed) of one whole process run from `src`.

    Bytecode is written and used, as in an installed copy (PYTHONDONTWRITEBYTECODE
    would have every run compile the project's modules again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)
    forgotten = tempfile.TemporaryDirectory() if first_open else None
    if forgotten is not None:
        env["XDG_CACHE_HOME"] = forgotten.name  # nothing remembered as found sound
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out = process.stdout.read() if process.stdout else b""
    err = process.stderr.read() if process.stderr else b""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if forgotten is not None:
        forgotten.cleanup()
    if process.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {err.decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024, out


def measure(
    item: Measure, study: Path, out: Path, sources: list[Path], runs: int
) -> list[tuple[float, float]]:
    """Per source: (median seconds, max peak MB), the sources' runs interleaved."""
    argv = item.args(study, out)
    samples: list[list[tuple[float, float]]] = [[] for _ in sources]
    # The file cache and byte code warmed up:
    warm = [run_once(argv, src, first_open=item.first_open) for src in sources]
    if max(w[0] for w in warm) > SLOW:
        runs = 1
    for _ in range(runs):
        for index, src in enumerate(sources):
            seconds, peak, printed = run_once(argv, src, first_open=item.first_open)
            if item.printed:
                seconds = float(printed.split()[-1])
            samples[index].append((seconds, peak))
    return [(statistics.median(s for s, _ in side), max(m for _, m in side)) for side in samples]


def measures(write_ups: list[tuple[str, str]]) -> list[Measure]:
    found = [
        Measure(
            "load the study (in process)", lambda s, o: ["-c", LOAD_SCRIPT, str(s)], printed=True
        )
    ]
    for kind, fmt in write_ups:
        found.append(
            Measure(
                f"report --kind {kind} --format {fmt}",
                lambda s, o, k=kind, f=fmt: [
                    *("-m", "lessonstudy", "report", str(s)),
                    *("--kind", k, "--format", f, "-o", str(o / f"{k}.{f}")),
                ],
                memory=True,
            )
        )
    for kind, fmt in write_ups[-1:]:  # the last (the slides): also on a file just changed
        found.append(
            Measure(
                f"report --kind {kind} --format {fmt}, first open after a change",
                lambda s, o, k=kind, f=fmt: [
                    *("-m", "lessonstudy", "report", str(s)),
                    *("--kind", k, "--format", f, "-o", str(o / f"{k}.{f}")),
                ],
                first_open=True,
            )
        )
    found.append(
        Measure(
            "export -o FILE",
            lambda s, o: ["-m", "lessonstudy", "export", str(s), "-o", str(o / "export.json")],
            memory=True,
        )
    )
    found.append(
        Measure(
            "write-up preview (in process)",
            lambda s, o: ["-c", PREVIEW_SCRIPT, str(s)],
            printed=True,
        )
    )
    return found


Row = tuple[str, str, str, str, str]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 5")
    parser.add_argument("--sizes", default="9000,27000,90000", help="notes, comma separated")
    parser.add_argument("--baseline", type=Path, help="an older checkout's src folder")
    parser.add_argument("--all-formats", action="store_true", help="every kind x format")
    parser.add_argument("--only", help="only the figures whose name contains this")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    sizes = [int(size) for size in args.sizes.split(",")]
    ours = ROOT / "src"
    sources = [ours] + ([args.baseline.resolve()] if args.baseline else [])
    write_ups = DEFAULT_WRITE_UPS
    if args.all_formats:
        from lessonstudy.report import KIND_FORMATS

        write_ups = [(kind, fmt) for kind, formats in KIND_FORMATS.items() for fmt in formats]
    chosen = [m for m in measures(write_ups) if not args.only or args.only in m.name]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results: dict[str, dict[int, list[tuple[float, float]]]] = {m.name: {} for m in chosen}
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        for size in sizes:
            study = make_large_study(folder / f"s{size}.lessonstudy", seed=1, notes=size)
            for item in chosen:
                results[item.name][size] = measure(item, study, folder, sources, runs)
                figures = results[item.name][size]
                line = f"  {size:>6} notes  {item.name:<38} ours {figures[0][0] * 1000:8.0f} ms"
                if len(figures) > 1:
                    line += f"  baseline {figures[1][0] * 1000:8.0f} ms"
                print(line, file=sys.stderr, flush=True)
    rows = verdicts(chosen, results, sizes, baseline=bool(args.baseline))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header: Row = ("figure", "baseline", "ours", "target", "verdict")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[-1] in ("ok", "") for row in rows) else 1


def verdicts(
    chosen: list[Measure],
    results: dict[str, dict[int, list[tuple[float, float]]]],
    sizes: list[int],
    *,
    baseline: bool,
) -> list[Row]:
    rows: list[Row] = []
    largest = max(sizes)
    for item in chosen:
        by_size = results[item.name]
        for size in sizes:
            ours = by_size[size][0][0]
            old = f"{by_size[size][1][0] * 1000:.0f} ms" if baseline else ""
            name = f"{item.name}, {size:,} notes"
            if size != largest:
                rows.append((name, old, f"{ours * 1000:.0f} ms", "", ""))
            elif item.name.startswith("load"):
                if baseline:
                    ratio = ours / by_size[size][1][0]
                    rows.append(
                        (
                            name,
                            old,
                            f"{ours * 1000:.0f} ms = {ratio:.2f}x",
                            f"<= {LOAD_RATIO_TARGET}x baseline",
                            "ok" if ratio <= LOAD_RATIO_TARGET else "MISSED",
                        )
                    )
                else:
                    rows.append((name, "", f"{ours * 1000:.0f} ms", "(needs --baseline)", ""))
            else:
                ok = ours < SECONDS_TARGET
                rows.append((name, old, f"{ours * 1000:.0f} ms", f"< {SECONDS_TARGET} s", _ok(ok)))
            if item.memory and item.name.startswith("export") and size == largest:
                peak = by_size[size][0][1]
                old_peak = f"{by_size[size][1][1]:.0f} MB" if baseline else ""
                rows.append(
                    (
                        f"export peak memory, {size:,} notes",
                        old_peak,
                        f"{peak:.0f} MB",
                        f"< {EXPORT_MB_TARGET} MB",
                        _ok(peak < EXPORT_MB_TARGET),
                    )
                )
        if len(sizes) >= 3:
            small, middle, large = sorted(sizes)[:1] + sorted(sizes)[-2:]
            t = {size: by_size[size][0][0] for size in (small, middle, large)}
            first = (t[middle] - t[small]) / (middle - small)
            second = (t[large] - t[middle]) / (large - middle)
            # Below 20 ms of growth in all, the slope is noise: linear enough.
            ok = second <= LINEAR_TARGET * max(first, 0) or t[large] - t[small] < 0.02
            rows.append(
                (
                    f"{item.name}: µs per note {small:,}→{middle:,} / {middle:,}→{large:,}",
                    "",
                    f"{first * 1e6:.2f} / {second * 1e6:.2f}",
                    f"second <= {LINEAR_TARGET}x first",
                    _ok(ok),
                )
            )
    return rows


def _ok(ok: bool) -> str:
    return "ok" if ok else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
