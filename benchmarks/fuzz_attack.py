"""The fault and fuzz attack on the study file and the command line, rebuilt.

    python benchmarks/fuzz_attack.py [--quick] [--seed N] [--keep DIR]

Sections (each a row of the table printed at the end):
  damaged   damaged study files x every command: one line, exit 2, no traceback,
            no hang, and the file byte for byte as it was (no write into damage)
  import    mutated JSON exports: accepted and then opened by every screen
            command, or refused with one line and exit 2
  notes     mutated notes files for `notes import`: all or nothing, one line
  hostile   hostile text in every field through every output (info, export,
            report md/html/docx, notes list) and every screen (the Pilot test)
  writers   concurrent writers on one study: no note lost, no error
  kill -9   writers killed mid-write: the file sound, no acknowledged note lost
  disk full a small filesystem that fills up (needs root for a tmpfs mount;
            skipped otherwise): the disk is named as full, the file as it was

Exits non-zero if any case failed. Cases are made from --seed, so a failure
can be run again.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from lessonstudy.model import Observation, Stage, new_study, now  # noqa: E402
from lessonstudy.resources import example_study_path  # noqa: E402
from lessonstudy.store.check import check_study  # noqa: E402
from lessonstudy.store.rows import body_hash  # noqa: E402
from lessonstudy.store.study_file import StudyFile  # noqa: E402

TIMEOUT = 30  # seconds a command may take before it counts as a hang
# Thousands of short runs: let Python keep its compiled modules between them.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
WRITER = ROOT / "tests" / "note_writer.py"


# --------------------------------------------------------------------------- bookkeeping


@dataclass
class Section:
    name: str
    tried: int = 0
    passed: int = 0
    tracebacks: int = 0
    hangs: int = 0
    notes_lost: int = 0
    damaged_writes: int = 0
    failures: list[str] = field(default_factory=list)

    def record(self, case: str, problems: list[str]) -> None:
        self.tried += 1
        if problems:
            self.failures.append(f"{case}: {'; '.join(problems)}")
        else:
            self.passed += 1

    @property
    def failed(self) -> int:
        return self.tried - self.passed


@dataclass
class Run:
    returncode: int | None  # None: a hang, killed after TIMEOUT
    stdout: str
    stderr: str


def lessonstudy(*args: str, cwd: Path | None = None, stdin: str | None = None) -> Run:
    script = Path(sys.executable).with_name("lessonstudy")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "lessonstudy"]
    try:
        done = subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=cwd,
            input=stdin,
            env=ENV | {"LESSONSTUDY_DATA_DIR": str(cwd or Path.cwd())},
        )
    except subprocess.TimeoutExpired as error:
        return Run(None, str(error.stdout or ""), str(error.stderr or ""))
    return Run(done.returncode, done.stdout, done.stderr)


def judge_run(
    run: Run, section: Section, *, allowed: tuple[int, ...] = (0, 2), check: bool = False
) -> list[str]:
    """Problems with how a command ended: a hang, a traceback, a code, a message."""
    if run.returncode is None:
        section.hangs += 1
        return ["hung"]
    problems = []
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        section.tracebacks += 1
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        problems.append(f"traceback ({last})")
    if run.returncode not in allowed:
        problems.append(f"exit {run.returncode}")
    if run.returncode == 2:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if not line.startswith("lessonstudy: warning")]
        if check:  # check lists each problem on a line of its own, naming the file
            if not errors or not all(": " in line for line in errors):
                problems.append(f"no problem named: {run.stderr[:200]!r}")
        elif len(errors) != 1 or not errors[0].startswith("lessonstudy: "):
            problems.append(f"not one line: {run.stderr[:200]!r}")
    if "\x1b" in run.stdout or "\x1b" in run.stderr:
        problems.append("a terminal control code printed")
    return problems


def files_of(path: Path) -> dict[str, str | None]:
    """The study file and its companions, by hash (None: absent)."""
    result: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = Path(f"{path}{suffix}")
        if companion.is_file():
            result[suffix] = hashlib.sha256(companion.read_bytes()).hexdigest()
        else:
            result[suffix] = None
    return result


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


# --------------------------------------------------------------------------- studies


def planned_study_file(path: Path, notes: int = 40) -> Path:
    """A study with plans, members, notes on every pupil: something to damage."""
    study = new_study("Fractions on a number line")
    for lesson in study.lessons:
        lesson.stages = [
            Stage(title=f"Stage {n}", minutes=10, predictions={"A": "counts on", "B": "halves"})
            for n in range(1, 5)
        ]
    from lessonstudy.model import Member, Role

    study.members = [Member("Ruth", [Role.OBSERVER]), Member("Sam", [Role.OBSERVER])]
    study.lessons[0].assignments = {"Ruth": ["A", "B"], "Sam": ["C"]}
    lesson = study.lessons[0]
    for number in range(notes):
        study.notes.append(
            Observation(
                lesson=1,
                observer="Ruth",
                at=now(),
                about="ABC"[number % 3],
                text=f"note {number}: placed {number % 4}/4 " + "x" * (number * 7 % 300),
                stage_id=lesson.stages[number % 4].id,
            )
        )
    StudyFile.create(path, study).close()
    return path


def sql(path: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            if isinstance(statement, tuple):
                con.execute(*statement)
            else:
                con.execute(statement)
    finally:
        con.close()


def _flip_bytes(rng: random.Random, count: int) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        for _ in range(count):
            at = rng.randrange(100, len(data))  # keep the header: that case is below
            data[at] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))

    return damage


def _overwrite_page(rng: random.Random) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        pages = len(data) // 4096
        page = rng.randrange(1, pages)
        data[page * 4096 : (page + 1) * 4096] = bytes(rng.randrange(256) for _ in range(4096))
        path.write_bytes(bytes(data))

    return damage


def _broken_table_name(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.find(b"stage_mark", 0, 4096)
    data[at + 2] = 0xF3
    path.write_bytes(bytes(data))


def _index_out_of_step(path: Path) -> None:
    sql(
        path,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX note_lesson ON note (observer, text)'"
        " WHERE name = 'note_lesson'",
    )


def _body(path: Path, kind: str) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT body FROM document WHERE kind = ?", (kind,)).fetchone()[0]
    finally:
        con.close()


def _crafted_body(
    kind: str, change: Callable[[dict[str, object]], object]
) -> Callable[[Path], None]:
    """A document changed as a program that knew the format would (hash and all)."""

    def damage(path: Path) -> None:
        data = json.loads(_body(path, kind))
        change(data)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        sql(
            path,
            (
                "UPDATE document SET body = ?, hash = ? WHERE kind = ?",
                (text, body_hash(text), kind),
            ),
        )

    return damage


def damages(rng: random.Random, quick: bool) -> Iterator[tuple[str, Callable[[Path], None]]]:
    yield (
        "body not JSON",
        lambda p: sql(p, "UPDATE document SET body = '{not json' WHERE kind = 'overview'"),
    )
    yield (
        "body not JSON, hash made to match",
        lambda p: sql(
            p,
            (
                "UPDATE document SET body = '{not json', hash = ? WHERE kind = 'overview'",
                (body_hash("{not json"),),
            ),
        ),
    )
    yield "meta row missing", lambda p: sql(p, "DELETE FROM meta WHERE key = 'study_id'")
    yield "meta table missing", lambda p: sql(p, "DROP TABLE meta")
    yield "note table missing", lambda p: sql(p, "DROP TABLE note")
    yield "document table missing", lambda p: sql(p, "DROP TABLE document")
    yield "index out of step", _index_out_of_step
    yield "note with a lesson that is text", lambda p: sql(p, "UPDATE note SET lesson = 'one'")
    yield "note in a lesson not in the study", lambda p: sql(p, "UPDATE note SET lesson = 9")
    yield "note about nobody", lambda p: sql(p, "UPDATE note SET about = 'Q'")
    yield "note id not an id", lambda p: sql(p, "UPDATE note SET id = 'zz' || substr(id, 3)")
    yield "note time not a time", lambda p: sql(p, "UPDATE note SET at = 'yesterday'")
    yield "note text not UTF-8", lambda p: sql(p, "UPDATE note SET text = CAST(X'FFFE41' AS TEXT)")
    yield "a table's name not UTF-8", _broken_table_name
    yield (
        "document of an unknown kind",
        lambda p: sql(p, "UPDATE document SET kind = 'recipe' WHERE kind = 'findings'"),
    )
    yield (
        "plan of the wrong shape",
        _crafted_body("overview", lambda d: d.__setitem__("lesson_count", "three")),
    )
    yield (
        "summary cache garbage",
        lambda p: sql(p, "UPDATE meta SET value = '{\"stamp\": 1' WHERE key = 'summary'"),
    )
    yield "schema from the future", lambda p: sql(p, "PRAGMA user_version = 99")
    yield "not our application", lambda p: sql(p, "PRAGMA application_id = 7")
    yield "cut in half", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
    yield "empty", lambda p: p.write_bytes(b"")
    yield "header only", lambda p: p.write_bytes(p.read_bytes()[:100])
    for number in range(3 if quick else 25):
        yield f"page overwritten #{number}", _overwrite_page(rng)
    for number in range(5 if quick else 60):
        yield f"{1 + number % 4} bits flipped #{number}", _flip_bytes(rng, 1 + number % 4)


def commands(study: Path, good: Path, notes: Path, out: Path) -> list[tuple[str, list[str]]]:
    """Every command that reads or writes a study, aimed at `study`."""
    return [
        ("info", ["info", str(study)]),
        ("check", ["check", str(study)]),
        ("export", ["export", str(study)]),
        ("export -o", ["export", str(study), "-o", str(out / "e.json")]),
        ("report html", ["report", str(study), "-o", str(out / "r.html")]),
        ("report md", ["report", str(study), "--format", "md", "-o", str(out / "r.md")]),
        ("report docx", ["report", str(study), "--format", "docx", "-o", str(out / "r.docx")]),
        ("handout", ["report", str(study), "--kind", "handout", "-o", str(out / "h.html")]),
        (
            "notes import",
            ["notes", "import", str(study), str(notes), "--observer", "Ruth", "--lesson", "1"],
        ),
        ("notes list", ["notes", "list", str(study)]),
        ("notes erase", ["notes", "erase", str(study), "00000000"]),
        ("merge into it", ["merge", str(study), str(good)]),
        ("merge from it", ["merge", str(good), str(study)]),
        ("backup", ["backup", str(study), str(out / "b.lessonstudy")]),
        ("observe", ["observe", str(study), "--as", "Ruth"]),
        ("open", [str(study)]),
    ]


# --------------------------------------------------------------------------- sections


def attack_damaged(folder: Path, rng: random.Random, quick: bool) -> Section:
    section = Section("damaged files x commands")
    pristine = planned_study_file(folder / "pristine.lessonstudy")
    notes = folder / "notes.txt"
    notes.write_text("09:05 A 1 = counts on in ones\n", encoding="utf-8")
    for name, damage in damages(rng, quick):
        base = folder / "base.lessonstudy"
        shutil.copy(pristine, base)
        try:
            damage(base)
        except sqlite3.Error as error:  # the damage itself could not be done: not a case
            print(f"  (skipped {name}: {error})", file=sys.stderr)
            continue
        damaged = not _is_sound(base)
        for command_name, _ in commands(base, base, notes, folder):
            case_dir = folder / "case"
            shutil.rmtree(case_dir, ignore_errors=True)
            case_dir.mkdir()
            study = case_dir / "study.lessonstudy"
            good = case_dir / "good.lessonstudy"
            shutil.copy(base, study)
            shutil.copy(pristine, good)
            args = dict(commands(study, good, notes, case_dir))[command_name]
            before = {"study": files_of(study), "good": files_of(good)}
            run = lessonstudy(*args, cwd=case_dir)
            problems = judge_run(run, section, check=command_name == "check")
            if damaged and run.returncode == 0 and command_name not in ("observe", "open"):
                problems.append("exit 0 on a damaged file")
            for label, path in (("study", study), ("good", good)):
                if damaged and files_of(path) != before[label]:
                    touched = label == "study" or command_name == "merge from it"
                    if touched:
                        section.damaged_writes += 1
                        problems.append(f"the damaged {label} file was written into")
            if litter(case_dir):
                problems.append(f"litter left: {litter(case_dir)}")
            section.record(f"{name} / {command_name}", problems)
    return section


def _is_sound(path: Path) -> bool:
    try:
        return check_study(path).sound
    except Exception:
        return False


def _mutations(rng: random.Random, quick: bool) -> Iterator[tuple[str, Callable[[dict], object]]]:
    def at(path: list[object], value: object) -> Callable[[dict], object]:
        def change(data: dict) -> None:
            target = data
            for key in path[:-1]:
                target = target[key]  # type: ignore[index]
            target[path[-1]] = value  # type: ignore[index]

        return change

    study = ["study"]
    yield "open house lesson 99", at([*study, "open_house", "lesson"], 99)
    yield (
        "two stages with one id",
        lambda d: d["study"]["lessons"][0]["stages"][1].__setitem__(
            "id", d["study"]["lessons"][0]["stages"][0]["id"]
        ),
    )
    for count in (0, 1, 7, 26):
        yield (
            f"{count} pupils",
            lambda d, c=count: d["study"].__setitem__(
                "pupils", [{"label": chr(65 + n % 26) * (1 + n // 26)} for n in range(c)]
            ),
        )
    yield "lesson count -3", at([*study, "overview", "lesson_count"], -3)
    yield (
        "members differing by case",
        lambda d: d["study"]["members"].append({"name": d["study"]["members"][0]["name"].upper()}),
    )
    yield (
        "assignment to a non-member",
        lambda d: d["study"]["lessons"][0]["assignments"].__setitem__("Nobody", ["A"]),
    )
    yield "13-digit minutes", at([*study, "lessons", 0, "stages", 0, "minutes"], 10**13)
    yield "negative minutes", at([*study, "lessons", 0, "stages", 0, "minutes"], -5)
    yield "minutes 2^63", at([*study, "lessons", 0, "stages", 0, "minutes"], 2**63)
    yield "note lesson 2^63", at([*study, "notes", 0, "lesson"], 2**63)
    yield "note revision 2^64", at([*study, "notes", 0, "revision"], 2**64)
    yield "class of 10^20", at([*study, "overview", "class_details", "pupil_count"], 10**20)
    yield "label 'class'", at([*study, "pupils", 0, "label"], "class")
    yield "label '[/]'", at([*study, "pupils", 0, "label"], "[/]")
    yield "empty member name", at([*study, "members", 0, "name"], "  ")
    yield "lesson number 0", at([*study, "lessons", 0, "number"], 0)
    yield "discussion of lesson 8", lambda d: d["study"]["discussions"].append({"lesson": 8})
    yield "title with escape codes", at([*study, "overview", "title"], "\x1b]0;pwned\x07\x1b[31mX")
    yield "float minutes", at([*study, "lessons", 0, "stages", 0, "minutes"], 1.5)
    yield "boolean minutes", at([*study, "lessons", 0, "stages", 0, "minutes"], True)
    yield "NaN minutes", at([*study, "lessons", 0, "stages", 0, "minutes"], float("nan"))
    yield "unknown key", at([*study, "overview", "colour"], "blue")
    yield "naive time", at([*study, "notes", 0, "at"], "2026-03-04T09:00:00")
    yield "judgement 'great'", at([*study, "notes", 0, "judgement"], "great")
    # Random structural mutations: drop, duplicate or retype a value somewhere.
    for number in range(10 if quick else 150):
        yield f"random mutation #{number}", _random_mutation(random.Random(rng.random()))


def _random_mutation(rng: random.Random) -> Callable[[dict], object]:
    replacements: list[object] = [
        None,
        0,
        -1,
        2**63,
        10**30,
        1.5,
        "",
        "x" * 10_000,
        "[/]",
        "\ud800",
        [],
        {},
        True,
        "2026-13-45",
        "00000000-0000-0000-0000-000000000000",
        [1, 2],
        {"a": 1},
    ]

    def change(data: dict) -> None:
        node: object = data["study"]
        path: list[tuple[object, object]] = []
        while isinstance(node, dict | list) and node and rng.random() < 0.85:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append((node, key))
            node = node[key]  # type: ignore[index]
        if not path:
            return
        parent, key = path[-1]
        action = rng.random()
        if action < 0.2 and isinstance(parent, dict):
            del parent[key]
        elif action < 0.3 and isinstance(parent, list):
            parent.append(parent[key])  # type: ignore[index]
        else:
            parent[key] = rng.choice(replacements)  # type: ignore[index]

    return change


def attack_import(folder: Path, rng: random.Random, quick: bool) -> Section:
    section = Section("import mutations")
    export = json.loads(example_study_path().read_text(encoding="utf-8"))
    raw_cases: list[tuple[str, str]] = [
        ("nested 1,000 deep", "[" * 1000 + "]" * 1000),
        ("nested 100,000 deep", '{"a":' * 100_000 + "1" + "}" * 100_000),
        ("lone surrogate escape", json.dumps(export).replace("Fractions", "\\ud800", 1)),
        ("not UTF-8", "\xff\xfe"),
        ("empty", ""),
        ("a number", "12"),
    ]
    cases: list[tuple[str, str]] = list(raw_cases)
    for name, change in _mutations(rng, quick):
        data = json.loads(json.dumps(export))
        try:
            change(data)
        except (KeyError, IndexError, TypeError):
            continue
        cases.append((name, json.dumps(data, ensure_ascii=False, allow_nan=True)))
    for name, text in cases:
        case_dir = folder / "import-case"
        shutil.rmtree(case_dir, ignore_errors=True)
        case_dir.mkdir()
        source = case_dir / "in.json"
        if name == "not UTF-8":
            source.write_bytes(b"\xff\xfe{")
        else:
            source.write_bytes(text.encode("utf-8", "surrogatepass"))
        made = case_dir / "made.lessonstudy"
        run = lessonstudy("import", str(source), "-o", str(made), cwd=case_dir)
        problems = judge_run(run, section)
        if run.returncode == 0:
            # Whatever import accepts, every command (and so every screen's data) must take.
            for args in (
                ["info", str(made)],
                ["check", str(made)],
                ["export", str(made)],
                ["report", str(made), "-o", str(case_dir / "r.html")],
            ):
                after = lessonstudy(*args, cwd=case_dir)
                problems += [f"{args[0]}: {p}" for p in judge_run(after, section, allowed=(0,))]
            problems += _screens_open(made)
        elif made.exists():
            problems.append("refused, but a file was made")
        if litter(case_dir):
            problems.append(f"litter left: {litter(case_dir)}")
        section.record(name, problems)
    for name, special in (
        ("a FIFO", "fifo"),
        ("/dev/zero", "/dev/zero"),
        ("a symlink loop", "loop"),
    ):
        case_dir = folder / "import-special"
        shutil.rmtree(case_dir, ignore_errors=True)
        case_dir.mkdir()
        source = case_dir / "in.json"
        if special == "fifo":
            os.mkfifo(source)
        elif special == "loop":
            os.symlink(case_dir / "other.json", source)
            os.symlink(source, case_dir / "other.json")
        else:
            source = Path(special)
        run = lessonstudy("import", str(source), "-o", str(case_dir / "x.lessonstudy"))
        section.record(f"import {name}", judge_run(run, section, allowed=(2,)))
    return section


def _screens_open(path: Path) -> list[str]:
    """Open every step screen of the study with Pilot; a crash is a problem."""
    code = f"""
import asyncio, sys
from pathlib import Path
from lessonstudy.tui.app import LessonStudyApp
from lessonstudy.process import steps

async def main():
    app = LessonStudyApp(Path({str(path)!r}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for step in steps(app.study_file.load()):
            app.open_step(step.id)
            await pilot.pause()
            if step.id.startswith("observe"):
                await pilot.press("enter", "ctrl+n", "ctrl+n", "ctrl+l")
                await pilot.pause()
                app.action_show_map()
            else:
                app.pop_screen()
            await pilot.pause()
asyncio.run(main())
"""
    with tempfile.TemporaryDirectory() as data:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LESSONSTUDY_DATA_DIR": data},
        )
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["?"]
        return [f"a screen crashed: {last[0][:160]}"]
    return []


def attack_notes(folder: Path, rng: random.Random, quick: bool) -> Section:
    section = Section("notes-file mutations")
    study = planned_study_file(folder / "notes-study.lessonstudy", notes=0)
    good_lines = [
        "09:05 A 1 = counts on in ones",
        "09:12 class 2 ! half the class put 1/2 at the end",
        "09:14 b 2 + ? placed 3/4 without the ruler",
        '10:42 C 3 - ! "It\'s like a ruler" [inaudible] [/]',
    ]
    cases: list[tuple[str, bytes]] = [
        ("good", "\n".join(good_lines).encode()),
        ("bad time", b"25:99 A 1 = x"),
        ("unknown pupil", b"09:05 Q 1 = x"),
        ("stage 99", b"09:05 A 99 = x"),
        ("stage 2^70", b"09:05 A 1180591620717411303424 = x"),
        ("no text", b"09:05 A 1 ="),
        ("not UTF-8", b"09:05 A 1 = caf\xe9"),
        ("NUL bytes", b"09:05 A 1 = a\x00b"),
        ("escape codes", b"09:05 A 1 = \x1b]0;pwned\x07 \x1b[31mred"),
        ("one huge line", b"09:05 A 1 = " + b"x" * 2_000_000),
        ("BOM", "\ufeff09:05 A 1 = with a BOM".encode()),
        ("CRLF", b"09:05 A 1 = one\r\n09:06 B 1 = two\r\n"),
    ]
    for number in range(10 if quick else 120):
        line = bytearray(rng.choice(good_lines).encode())
        for _ in range(rng.randrange(1, 4)):
            at = rng.randrange(len(line))
            line[at] = rng.randrange(256)
        cases.append((f"random #{number}", bytes(line)))
    for name, data in cases:
        case = folder / "notes-case.lessonstudy"
        shutil.copy(study, case)
        notes = folder / "notes.txt"
        notes.write_bytes(data)
        with StudyFile.open(case, read_only=True) as before_file:
            before = len(before_file.notes())
        run = lessonstudy(
            "notes", "import", str(case), str(notes), "--observer", "Ruth", "--lesson", "1"
        )
        problems = judge_run(run, section)
        with StudyFile.open(case, read_only=True) as after_file:
            after = len(after_file.notes())
        if run.returncode != 0 and after != before:
            problems.append("refused, but some notes came in")
        if run.returncode == 0 and after == before and data.strip():
            problems.append("accepted, but nothing came in")
        section.record(name, problems)
    for name, special in (("a FIFO", "fifo"), ("/dev/zero", "/dev/zero"), ("a folder", "dir")):
        source = folder / "special-notes"
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            source.unlink()
        shutil.rmtree(source, ignore_errors=True)
        if special == "fifo":
            os.mkfifo(source)
        elif special == "dir":
            source.mkdir()
        else:
            source = Path(special)
        run = lessonstudy(
            "notes", "import", str(study), str(source), "--observer", "Ruth", "--lesson", "1"
        )
        section.record(f"notes from {name}", judge_run(run, section, allowed=(2,)))
    return section


def attack_study_paths(folder: Path) -> Section:
    """Odd things named like a study: each command says one line, nothing hangs."""
    section = Section("odd study paths")
    odd = folder / "odd"
    odd.mkdir()
    fifo = odd / "fifo.lessonstudy"
    os.mkfifo(fifo)
    loop = odd / "loop.lessonstudy"
    os.symlink(odd / "loop2.lessonstudy", loop)
    os.symlink(loop, odd / "loop2.lessonstudy")
    folder_study = odd / "folder.lessonstudy"
    folder_study.mkdir()
    good = planned_study_file(odd / "good.lessonstudy", notes=3)
    notes = odd / "n.txt"
    notes.write_text("09:05 A 1 = x\n", encoding="utf-8")
    for target in (fifo, loop, folder_study, Path("/dev/zero"), odd / "missing.lessonstudy"):
        for name, args in commands(target, good, notes, odd):
            run = lessonstudy(*args, cwd=odd)
            problems = judge_run(run, section, allowed=(2,), check=name == "check")
            section.record(f"{target.name} / {name}", problems)
    return section


def attack_hostile(folder: Path, rng: random.Random, quick: bool) -> Section:
    """Hostile text in every field: every output shows it as text, no control code
    reaches a terminal, no markup runs; then every screen (the Pilot test)."""
    from test_hostile_text import MARK, hostile_study_file  # tests/ is on the path

    section = Section("hostile text x outputs, screens")
    study = hostile_study_file(folder / "[sic] hostile.lessonstudy")
    outputs: list[tuple[str, list[str], Path | None]] = [
        ("info", ["info", str(study)], None),
        ("export", ["export", str(study)], None),
        ("notes list", ["notes", "list", str(study)], None),
        ("check", ["check", str(study)], None),
    ]
    for kind in ("report", "handout", "poster"):
        for fmt in ("md", "html", "docx"):
            out = folder / f"{kind}.{fmt}"
            outputs.append(
                (
                    f"{kind} {fmt}",
                    ["report", str(study), "--kind", kind, "--format", fmt, "-o", str(out)],
                    out,
                )
            )
    for name, args, out in outputs:
        run = lessonstudy(*args, cwd=folder)
        problems = judge_run(run, section, allowed=(0,))
        data = out.read_bytes() if out is not None and out.exists() else run.stdout.encode()
        if out is not None and out.suffix == ".docx":
            import zipfile

            with zipfile.ZipFile(out) as docx:
                data = docx.read("word/document.xml")
        if any(code in data for code in (b"\x1b", b"\x07", b"\xc2\x9b")):
            problems.append("a control code in the output")
        if out is not None and out.suffix == ".html":
            text = data.decode()
            if "<script" in text or 'href="https://x.invalid' in text:
                problems.append("typed text became HTML")
            if "[sic][/]" not in text:
                problems.append("typed text not shown as typed")
        if out is not None and out.suffix == ".md" and "\\[sic\\]\\[/\\]" not in data.decode():
            problems.append("typed text not escaped in Markdown")
        if name in ("info", "notes list") and MARK not in run.stdout:
            problems.append("typed text not printed as typed")
        section.record(name, problems)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_hostile_text.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    tail = done.stdout.strip().splitlines()[-1:] or ["?"]
    section.record(
        f"every screen by Pilot ({tail[0]})", [] if done.returncode == 0 else [done.stdout[-500:]]
    )
    return section


def _study_for_writers(path: Path) -> Path:
    study = new_study("Writers")
    study.lessons[0].stages = [Stage(title="Starter", minutes=5)]
    StudyFile.create(path, study).close()
    return path


def _writer(path: Path, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(count), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _note_ids(path: Path) -> set[str]:
    with StudyFile.open(path, read_only=True) as study_file:
        return {str(note.id) for note in study_file.notes()}


def attack_writers(folder: Path, rng: random.Random, quick: bool) -> Section:
    section = Section("concurrent writers")
    rounds, writers, per_writer = (2, 4, 150) if quick else (5, 6, 800)
    for number in range(rounds):
        path = _study_for_writers(folder / f"writers-{number}.lessonstudy")
        running = [_writer(path, per_writer, f"writer{w}") for w in range(writers)]
        acknowledged: set[str] = set()
        problems = []
        for writer in running:
            out, err = writer.communicate(timeout=600)
            acknowledged.update(out.split())
            if writer.returncode != 0 or err.strip():
                problems.append(f"a writer failed: {err.strip().splitlines()[-1:]}")
        lost = len(acknowledged - _note_ids(path)) + (writers * per_writer - len(acknowledged))
        section.notes_lost += lost
        if lost:
            problems.append(f"{lost} notes lost")
        if not check_study(path).sound:
            problems.append("check failed")
        section.record(f"{writers} writers x {per_writer} notes, round {number}", problems)
    return section


def attack_kill(folder: Path, rng: random.Random, quick: bool) -> Section:
    section = Section("kill -9 mid-write")
    path = _study_for_writers(folder / "killed.lessonstudy")
    acknowledged: set[str] = set()
    for attempt in range(8 if quick else 75):
        writer = _writer(path, 1_000_000, f"killed{attempt}")
        assert writer.stdout is not None
        for _ in range(rng.randrange(1, 60)):
            line = writer.stdout.readline().strip()
            if line:
                acknowledged.add(line)
        time.sleep(rng.random() * 0.01)  # land the kill anywhere in a transaction
        os.kill(writer.pid, signal.SIGKILL)
        rest, _err = writer.communicate()
        acknowledged.update(rest.split())
        problems = []
        missing = len(acknowledged - _note_ids(path))
        section.notes_lost += missing
        if missing:
            problems.append(f"{missing} acknowledged notes missing")
        if not check_study(path).sound:
            problems.append("check failed after the kill")
        section.record(f"kill #{attempt}", problems)
    return section


def attack_disk_full(folder: Path, rng: random.Random, quick: bool) -> Section:
    """A 400 KB filesystem: studies made, notes added until it is full, every write
    refused with "the disk is full", what was there whole, nothing left behind."""
    section = Section("a full filesystem")
    tiny = folder / "tiny"
    tiny.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(tiny)], capture_output=True
        ).returncode
        != 0
    ):
        print("  (a full filesystem: skipped, cannot mount one here)", file=sys.stderr)
        return section
    try:
        exported = folder / "e.json"
        source = planned_study_file(folder / "source.lessonstudy")
        assert lessonstudy("export", str(source), "-o", str(exported)).returncode == 0
        notes = folder / "n.txt"
        notes.write_text(
            "\n".join(f"09:{n % 60:02d} A 1 = note {n} " + "x" * 200 for n in range(300)),
            encoding="utf-8",
        )
        for number in range(12):
            for args in (
                ["new", str(tiny / f"n{number}.lessonstudy"), "--title", "x"],
                ["import", str(exported), "-o", str(tiny / f"i{number}.lessonstudy")],
                ["demo", str(tiny / f"d{number}.lessonstudy"), "--no-open"],
            ):
                run = lessonstudy(*args, cwd=folder)
                problems = judge_run(run, section)
                if run.returncode == 2 and "the disk is full" not in run.stderr:
                    problems.append(f"not said as a full disk: {run.stderr.strip()[:120]}")
                section.record(f"{args[0]} #{number}", problems)
        for study in sorted(tiny.glob("*.lessonstudy"))[:4]:
            before = _note_ids(study)
            run = lessonstudy(
                "notes",
                "import",
                str(study),
                str(notes),
                "--observer",
                "Ruth",
                "--lesson",
                "1",
                cwd=folder,
            )
            problems = judge_run(run, section)
            after = _note_ids(study)
            if run.returncode == 2:
                if "the disk is full" not in run.stderr and "stages" not in run.stderr:
                    problems.append(f"not said as a full disk: {run.stderr.strip()[:120]}")
                if after != before:
                    problems.append("refused, but some notes came in")
            if not check_study(study).sound:
                problems.append("the study is not sound afterwards")
            section.record(f"notes import into {study.name}", problems)
        if litter(tiny):
            section.record("litter", [f"left: {litter(tiny)}"])
    finally:
        subprocess.run(["umount", str(tiny)], check=False)
    return section


def print_table(sections: list[Section]) -> None:
    headers = (
        "section",
        "tried",
        "passed",
        "failed",
        "tracebacks",
        "hangs",
        "notes lost",
        "writes into damaged",
    )
    rows = [
        (s.name, s.tried, s.passed, s.failed, s.tracebacks, s.hangs, s.notes_lost, s.damaged_writes)
        for s in sections
    ]
    totals = tuple(sum(row[i] for row in rows) for i in range(1, len(headers)))  # type: ignore[misc]
    rows.append(("total", *totals))  # type: ignore[arg-type]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    for number, row in enumerate([headers, *rows]):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0 or number == len(rows) - 1:
            print("  ".join("-" * width for width in widths))


SECTIONS: dict[str, Callable[[Path, random.Random, bool], Section]] = {
    "damaged": attack_damaged,
    "paths": lambda folder, _rng, _quick: attack_study_paths(folder),
    "import": attack_import,
    "notes": attack_notes,
    "hostile": attack_hostile,
    "writers": attack_writers,
    "kill": attack_kill,
    "disk": attack_disk_full,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer random cases")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--only", choices=list(SECTIONS), action="append")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sections = []
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fuzz-")))
        for name, attack in SECTIONS.items():
            if args.only and name not in args.only:
                continue
            started = time.perf_counter()
            folder = work / name
            folder.mkdir(exist_ok=True)
            section = attack(folder, rng, args.quick)
            sections.append(section)
            print(
                f"{section.name}: {section.passed}/{section.tried} passed "
                f"({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
            for failure in section.failures[:15]:
                print(f"  FAILED {failure}", file=sys.stderr)
    print()
    print_table(sections)
    failed = sum(s.failed for s in sections)
    print(f"\n{'FAILED' if failed else 'ok'}: seed {args.seed}")
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
