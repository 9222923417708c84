"""Store and command-line benchmarks. Run: python benchmarks/bench_store.py [--quick]

Prints one table:
  (a) `lessonstudy --help` and `lessonstudy info` on the example study, each
      against `python -c pass` in the same run (median of N, ratio; target <= 5)
  (b) adding one observation note until it is committed and synced to the disk
      (synchronous=FULL: it survives a power cut), interleaved with a bare fsync
      on the same disk; target: a commit adds less than 2 ms (p99) to the fsync,
      2,000 samples
  (c) three processes adding 1,000 notes each at the same time: lost, errors, seconds
  (d) a writer killed with kill -9 mid-writing, 10 times: check passes, no
      acknowledged note missing
  (e) the large study (benchmarks/large_study.py): open + load, export, import
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRITER = ROOT / "tests" / "note_writer.py"
sys.path.insert(0, str(ROOT / "benchmarks"))

from lessonstudy.model import CLASS, Observation, new_study, now  # noqa: E402
from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store import export  # noqa: E402
from lessonstudy.store.check import check_study  # noqa: E402
from lessonstudy.store.merge import merge_into  # noqa: E402
from lessonstudy.store.study_file import StudyFile  # noqa: E402

Row = tuple[str, str, str, str]  # measure, result, target, verdict


def run_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved_medians(a: list[str], b: list[str], runs: int) -> tuple[float, float]:
    """Median seconds of two commands run in turn, so machine load weighs on both alike."""
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(run_seconds(a))
        times_b.append(run_seconds(b))
    return statistics.median(times_a), statistics.median(times_b)


def lessonstudy_command() -> list[str]:
    script = Path(sys.executable).with_name("lessonstudy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lessonstudy"]


def bench_startup(folder: Path, runs: int) -> list[Row]:
    rows: list[Row] = []
    cli = lessonstudy_command()
    if not (ROOT / "src" / "lessonstudy" / "cli.py").exists():
        return [("(a) CLI start-up", "cli.py not there yet", "<= 5x", "skipped")]
    commands: list[tuple[str, list[str]]] = [("lessonstudy --help", [*cli, "--help"])]
    example = example_study_path()
    if example.exists():
        study = folder / "example.lessonstudy"
        with StudyFile.create(study, export.read_json(example)):
            pass
        commands.append(("lessonstudy info (example)", [*cli, "info", str(study)]))
    else:
        rows.append(("(a) lessonstudy info", f"{example.name} not there yet", "<= 5x", "skipped"))
    for name, command in commands:
        subprocess.run(command, check=True, capture_output=True)  # warm the file cache
        baseline, measured = interleaved_medians([sys.executable, "-c", "pass"], command, runs)
        ratio = measured / baseline
        rows.append(
            (
                f"(a) {name}",
                f"{measured * 1000:.0f} ms vs python -c pass {baseline * 1000:.0f} ms"
                f" = {ratio:.1f}x",
                "<= 5x",
                verdict(ratio <= 5),
            )
        )
    return rows


def one_note_study(path: Path) -> Path:
    study = new_study("Benchmark")
    with StudyFile.create(path, study):
        pass
    return path


def fsync_once(fd: int) -> float:
    """One 4 KiB write and fsync on the same disk: the floor any durable commit pays."""
    os.write(fd, b"x" * 4096)
    start = time.perf_counter()
    os.fsync(fd)
    return time.perf_counter() - start


def percentile(sorted_times: list[float], fraction: float) -> float:
    return sorted_times[max(0, int(len(sorted_times) * fraction) - 1)]


def bench_one_note(folder: Path, samples: int) -> list[Row]:
    """A durable commit costs one fsync of the disk, which no program can beat: the
    commit is timed interleaved with a bare fsync on the same folder, and the target
    is what the program adds on top (the 2 ms budget of issue 2)."""
    path = one_note_study(folder / "one-note.lessonstudy")
    times, floor = [], []
    fd = os.open(folder / "fsync-floor", os.O_WRONLY | os.O_CREAT)
    try:
        with StudyFile.open(path) as study_file:
            sync = study_file._con.execute("PRAGMA synchronous").fetchone()[0]
            durability = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[sync]
            for number in range(samples):
                note = Observation(
                    lesson=1, observer="Ruth", at=now(), about=CLASS, text=f"note {number}"
                )
                start = time.perf_counter()
                study_file.add_note(note)
                times.append(time.perf_counter() - start)
                floor.append(fsync_once(fd))
    finally:
        os.close(fd)
    times.sort()
    floor.sort()
    median, p99 = statistics.median(times) * 1000, percentile(times, 0.99) * 1000
    floor_median, floor_p99 = statistics.median(floor) * 1000, percentile(floor, 0.99) * 1000
    return [
        (
            f"(b) add one note, synced to disk (synchronous={durability}), {samples} samples",
            f"median {median:.2f} ms, p99 {p99:.2f} ms, max {times[-1] * 1000:.1f} ms",
            "",
            "",
        ),
        (
            "(b) the disk's own fsync, interleaved (the floor)",
            f"median {floor_median:.2f} ms, p99 {floor_p99:.2f} ms",
            "",
            "",
        ),
        (
            "(b) what a commit adds to the disk's fsync",
            f"median {median - floor_median:+.2f} ms, p99 {p99 - floor_p99:+.2f} ms",
            "p99 < 2 ms",
            verdict(p99 - floor_p99 < 2),
        ),
    ]


def start_writer(path: Path, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(count), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def note_ids(path: Path) -> set[str]:
    with StudyFile.open(path, read_only=True) as study_file:
        return {str(note.id) for note in study_file.notes()}


def bench_concurrent(folder: Path, per_writer: int) -> list[Row]:
    path = one_note_study(folder / "concurrent.lessonstudy")
    start = time.perf_counter()
    writers = [start_writer(path, per_writer, name) for name in ("Ruth", "Sam", "Ola")]
    acknowledged: set[str] = set()
    errors = 0
    for writer in writers:
        out, err = writer.communicate()
        errors += (writer.returncode != 0) + len(err.strip().splitlines())
        acknowledged.update(out.split())
    seconds = time.perf_counter() - start
    present = note_ids(path)
    lost = len(acknowledged - present) + (3 * per_writer - len(acknowledged))
    return [
        (
            f"(c) 3 processes x {per_writer} notes at once",
            f"lost {lost}, errors {errors}, {seconds:.2f} s",
            "lost 0, errors 0",
            verdict(lost == 0 and errors == 0),
        )
    ]


def bench_kill(folder: Path, kills: int) -> list[Row]:
    path = one_note_study(folder / "killed.lessonstudy")
    acknowledged: set[str] = set()
    checks_failed = missing = 0
    for attempt in range(kills):
        writer = start_writer(path, 1_000_000, f"killed-{attempt}")
        assert writer.stdout is not None
        for _ in range(30 + 17 * attempt):
            acknowledged.add(writer.stdout.readline().strip())
        os.kill(writer.pid, signal.SIGKILL)
        rest, _err = writer.communicate()
        acknowledged.update(rest.split())
        acknowledged.discard("")
        checks_failed += not check_study(path).sound
        missing += len(acknowledged - note_ids(path))
    return [
        (
            f"(d) writer killed with kill -9, {kills} times",
            f"check failed {checks_failed}x, acknowledged notes missing {missing}"
            f" (of {len(acknowledged)})",
            "0 and 0",
            verdict(checks_failed == 0 and missing == 0),
        )
    ]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def bench_large(folder: Path) -> list[Row]:
    try:
        from large_study import make_large_study  # type: ignore[import-not-found]
    except ImportError:
        return [("(e) large study", "benchmarks/large_study.py not there yet", "", "skipped")]
    seconds, path = timed(lambda: make_large_study(folder / "large.lessonstudy"))
    path = Path(path)  # type: ignore[arg-type]

    def open_and_load() -> object:
        with StudyFile.open(path, read_only=True) as study_file:
            return study_file.load()

    load_s, study = timed(open_and_load)
    exported = folder / "large.json"
    export_s, _ = timed(lambda: export.write_json(study, exported))  # type: ignore[arg-type]

    def import_it() -> None:
        with StudyFile.create(folder / "large-imported.lessonstudy", export.read_json(exported)):
            pass

    import_s, _ = timed(import_it)
    check_s, report = timed(lambda: check_study(path))
    copy = folder / "large-copy.lessonstudy"
    with StudyFile.open(path) as study_file:
        study_file.backup(copy)

    def merge_copy() -> object:
        with StudyFile.open(path) as study_file:
            return merge_into(study_file, copy)

    merge_s, merged = timed(merge_copy)
    size = path.stat().st_size / 1e6
    notes = len(study.notes)  # type: ignore[attr-defined]
    sound = report.sound  # type: ignore[attr-defined]
    return [
        ("(e) large study: generate", f"{seconds:.2f} s ({notes} notes, {size:.1f} MB)", "", ""),
        ("(e) large: open + load all", f"{load_s * 1000:.0f} ms", "< 1 s", verdict(load_s < 1)),
        ("(e) large: export to JSON", f"{export_s * 1000:.0f} ms", "", ""),
        ("(e) large: import from JSON", f"{import_s * 1000:.0f} ms", "", ""),
        (
            "(e) large: merge an identical copy",
            f"{merge_s * 1000:.0f} ms, {merged.summary()}",  # type: ignore[attr-defined]
            "nothing new",
            verdict(not merged.changed),  # type: ignore[attr-defined]
        ),
        (
            "(e) large: check",
            f"{check_s * 1000:.0f} ms, {'sound' if sound else 'NOT sound'}",
            "sound",
            verdict(sound),
        ),
    ]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(rows: list[Row]) -> None:
    headers = ("measure", "result", "target", "")
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(4)]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    runs, samples, per_writer, kills = (5, 300, 200, 3) if args.quick else (21, 2000, 1000, 10)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp)
        for part in (
            lambda: bench_startup(folder, runs),
            lambda: bench_one_note(folder, samples),
            lambda: bench_concurrent(folder, per_writer),
            lambda: bench_kill(folder, kills),
            lambda: bench_large(folder),
        ):
            rows.extend(part())
    print(f"lessonstudy store benchmarks ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print_table(rows)
    missed = [row[0] for row in rows if row[3] == "MISSED"]
    if missed:
        print(f"MISSED: {len(missed)} target(s)")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
