"""Every command against its floor.

    python benchmarks/bench_cli.py [--runs 9] [--baseline OLD/src]

Each command of `lessonstudy` that does not open the app, as a whole process on
the example study, against its floor: a Python that imports the libraries that
command needs and nothing else. Interleaved (one run of each in turn, so a busy
machine slows all alike), medians, target at most 1.5x the floor (`--help` and
`info`: at most 5x `python -c pass`). Bytecode is written and used, as in an
installed copy. Prints the load average and a verdict per row; exits 1 on a miss.
With --baseline, every command is also run from an older checkout's src
(PYTHONPATH), interleaved run by run with ours, and its ratio printed beside.
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
TARGET = 1.5
BARE_TARGET = 5.0
BASE = "import sqlite3, attrs, cattrs"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str], env: dict[str, str] = ENV) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline", type=Path, help="an older checkout's src folder")
    args = parser.parse_args()
    old_env = {**ENV, "PYTHONPATH": str(args.baseline.resolve())} if args.baseline else None
    py = sys.executable
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        study = folder / "example.lessonstudy"
        example = sorted((ROOT / "examples").glob("*.json"))[0]
        subprocess.run(
            [py, "-m", "lessonstudy", "import", str(example), "-o", str(study)],
            check=True,
            stdout=subprocess.DEVNULL,
            env=ENV,
        )
        cli = [py, "-m", "lessonstudy"]
        floors = {
            "pass": [py, "-c", "pass"],
            "sqlite3 attrs cattrs": [py, "-c", BASE],
            "+ jinja2 markdown_it": [py, "-c", f"{BASE}, jinja2, markdown_it"],
        }
        # (name, argv, the floor it is held to)
        commands = [
            ("--help", [*cli, "--help"], "pass"),
            ("info", [*cli, "info", str(study)], "pass"),
            ("check", [*cli, "check", str(study)], "sqlite3 attrs cattrs"),
            (
                "export",
                [*cli, "export", str(study), "-o", str(folder / "e.json")],
                "sqlite3 attrs cattrs",
            ),
            (
                "backup",
                [*cli, "backup", str(study), str(folder / "b.lessonstudy")],
                "sqlite3 attrs cattrs",
            ),
            (
                "import",
                [*cli, "import", str(example), "-o", str(folder / "i.lessonstudy")],
                "sqlite3 attrs cattrs",
            ),
            (
                "report --kind handout (html)",
                [*cli, "report", str(study), "--kind", "handout", "-o", str(folder / "h.html")],
                "+ jinja2 markdown_it",
            ),
        ]
        samples: dict[str, list[float]] = {
            name: [] for name in [*floors, *(c[0] for c in commands)]
        }
        old_samples: dict[str, list[float]] = {c[0]: [] for c in commands}
        for run in range(args.runs + 1):  # the first round warms caches and bytecode
            for name, argv in [*floors.items(), *((c[0], c[1]) for c in commands)]:
                sides = [(samples, ENV)]
                if old_env is not None and name in old_samples:
                    sides.append((old_samples, old_env))
                for side, env in sides:
                    for leftover in ("b.lessonstudy", "i.lessonstudy"):
                        (folder / leftover).unlink(missing_ok=True)
                    seconds = timed(argv, env)
                    if run:
                        side[name].append(seconds)
    median = {name: statistics.median(values) for name, values in samples.items()}
    old_median = {name: statistics.median(v) for name, v in old_samples.items() if v}
    rows = [(name, "", f"{median[name] * 1000:.0f} ms", "", "", "") for name in floors]
    for name, _argv, floor in commands:
        ratio = median[name] / median[floor]
        target = BARE_TARGET if floor == "pass" else TARGET
        old = (
            f"{old_median[name] * 1000:.0f} ms = {old_median[name] / median[floor]:.2f}x"
            if name in old_median
            else ""
        )
        rows.append(
            (
                name,
                old,
                f"{median[name] * 1000:.0f} ms",
                f"{ratio:.2f}x {floor}",
                f"<= {target}x",
                "ok" if ratio <= target else "MISSED",
            )
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = (
        "command (whole process)",
        "baseline",
        "median",
        "ratio to its floor",
        "target",
        "verdict",
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[-1] in ("ok", "") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
