"""Each class of failure seen in the attack, kept as a test: one line, exit 2, nothing
changed, no hang, no litter (the long version is benchmarks/fuzz_attack.py)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from cli_runner import run_cli
from lessonstudy.errors import LessonStudyError
from lessonstudy.files import clear_litter
from lessonstudy.resources import example_study_path
from lessonstudy.store import connection
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, note, planned_study, snapshot_files


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # In this process (see cli_runner): an uncaught exception fails the test as the
    # traceback a user would have seen.
    return run_cli(*args)


def run_process(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonstudy", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test instead of blocking it
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("lessonstudy: "), result.stderr
    return lines[0]


@pytest.fixture
def study_path(tmp_path) -> Path:
    study = planned_study()
    study.notes += [note(study, f"note {n}") for n in range(12)]
    path, _ = make_file(tmp_path / "s.lessonstudy", study)
    return path


def sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        for statement in statements:
            con.execute(statement)


DAMAGE = {
    # Each gave tracebacks (JSONDecodeError, TypeError, OperationalError) or was
    # written into by notes import and merge.
    "a body that is not JSON": "UPDATE document SET body = '{x' WHERE kind = 'overview'",
    "the meta row missing": "DELETE FROM meta WHERE key = 'study_id'",
    "a table missing": "DROP TABLE stage_mark",
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_command_on_a_damaged_file_says_one_line_and_writes_nothing(
    study_path, tmp_path, damage, monkeypatch
):
    from lessonstudy.store import open_checks

    monkeypatch.setattr(open_checks, "ALONGSIDE_FROM_BYTES", 0)  # write-ups check alongside
    sql(study_path, DAMAGE[damage])
    good, _ = make_file(tmp_path / "good.lessonstudy")
    notes = tmp_path / "n.txt"
    notes.write_text("09:05 A 1 = counts on\n", encoding="utf-8")
    before = snapshot_files(study_path)
    s, out = str(study_path), tmp_path
    for args in (
        ["info", s],
        ["export", s],
        ["export", s, "-o", str(out / "e.json")],
        ["report", s, "-o", str(out / "r.html")],
        ["notes", "import", s, str(notes), "--observer", "Ruth", "--lesson", "1"],
        ["notes", "list", s],
        ["merge", s, str(good)],
        ["merge", str(good), s],
        ["backup", s, str(out / "b.lessonstudy")],
        ["observe", s, "--as", "Ruth"],
    ):
        line = one_error_line(run(*args))
        assert "damaged study file" in line, line
        assert snapshot_files(study_path) == before, args
    assert not (out / "r.html").exists()  # nothing made from it leaves the command
    assert not (out / "e.json").exists()
    assert not (out / "b.lessonstudy").exists()
    assert run("check", s).returncode == 2


@pytest.mark.long
def test_a_broken_byte_in_a_tables_name_is_damage_not_a_traceback(study_path):
    """Seen in the attack: SQLite's message named the table, and its broken byte made
    Python's sqlite3 raise UnicodeDecodeError instead of an SQLite error."""
    data = bytearray(study_path.read_bytes())
    names = [at for at in range(4096) if data[at : at + 10] == b"stage_mark"]
    refused = 0
    for at in names:
        broken = bytearray(data)
        broken[at + 2] = 0xF3
        study_path.write_bytes(bytes(broken))
        for command in ("info", "check", "export"):
            result = run(command, str(study_path))
            assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr
            refused += result.returncode == 2
    assert refused


def test_odd_files_named_like_a_study_or_an_export_never_hang(tmp_path, study_path):
    fifo = tmp_path / "fifo.lessonstudy"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.json"
    os.symlink(tmp_path / "loop2.json", loop)
    os.symlink(loop, tmp_path / "loop2.json")
    # Real processes: a hang is what is tested, and only a process can be timed out.
    info, check = (run_process(command, str(fifo), timeout=20) for command in ("info", "check"))
    assert "a device, pipe or socket" in one_error_line(info)
    assert "a device, pipe or socket" in one_error_line(check)
    looped = run_process("import", str(loop), "-o", "x.lessonstudy", timeout=20)
    assert "round in a loop" in one_error_line(looped)
    line = one_error_line(
        run_process(
            "notes",
            "import",
            str(study_path),
            "/dev/zero",
            "--observer",
            "Ruth",
            "--lesson",
            "1",
            timeout=20,
        )
    )
    assert "a device, pipe or socket" in line


def test_an_export_nested_deep_or_with_broken_characters_is_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    assert "nested too deeply" in one_error_line(run("import", str(deep), "-o", "x.lessonstudy"))
    text = example_study_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace("Fractions", "\\ud800", 1), encoding="utf-8")
    line = one_error_line(run("import", str(broken), "-o", str(tmp_path / "b.lessonstudy")))
    assert "broken character" in line and "@ $.study.overview.title" in line
    huge = json.loads(text)
    huge["study"]["notes"][0]["lesson"] = 2**63
    big = tmp_path / "big.json"
    big.write_text(json.dumps(huge), encoding="utf-8")
    line = one_error_line(run("import", str(big), "-o", str(tmp_path / "c.lessonstudy")))
    assert "is not in the study @ $.study.notes[0].lesson" in line


def test_terminal_control_codes_are_never_printed(tmp_path):
    data = json.loads(example_study_path().read_text(encoding="utf-8"))
    data["study"]["overview"]["title"] = "\x1b]0;pwned\x07\x1b[2J\x9bTitle"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    made = tmp_path / "made.lessonstudy"
    assert run("import", str(source), "-o", str(made)).returncode == 0
    printed = run("info", str(made))
    assert printed.returncode == 0
    assert printed.stdout.splitlines()[0] == "]0;pwned[2JTitle"
    with StudyFile.open(made) as study_file:  # the study itself keeps what was imported
        assert study_file.load().overview.title == data["study"]["overview"]["title"]


def test_a_study_held_by_another_program_is_said_in_plain_words(study_path, monkeypatch):
    """After the busy timeout SQLite says "database is locked"."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(study_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with StudyFile.open(study_path) as study_file:
            study = study_file.load()
            with pytest.raises(LessonStudyError) as caught:
                study_file.add_note(note(study, "typed while the file was held"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(caught.value)
    assert "another program is holding the study" in message
    assert "locked" not in message and "\n" not in message


def test_a_killed_import_leaves_no_litter_after_the_next_run(tmp_path):
    """A killed import left hidden partial files behind for good."""
    export = tmp_path / "e.json"
    export.write_text(example_study_path().read_text(encoding="utf-8"), encoding="utf-8")
    made = tmp_path / "made.lessonstudy"
    for _ in range(3):
        # Kill an import while it builds (SIGKILL: no clean-up of its own can run).
        process = subprocess.Popen(
            [sys.executable, "-m", "lessonstudy", "import", str(export), "-o", str(made)],
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(tmp_path.glob(".made.*.partial*")):
            if process.poll() is not None:
                break
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if list(tmp_path.glob(".made.*.partial*")):
            break
        made.unlink(missing_ok=True)
    else:
        pytest.skip("the import finished before it could be killed")
    made.unlink(missing_ok=True)
    assert run("import", str(export), "-o", str(made)).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_partial_file_being_built_is_not_cleared(tmp_path):
    from lessonstudy.files import building

    dest = tmp_path / "x.lessonstudy"
    with building(dest) as partial:
        assert clear_litter(dest) == []  # locked: another run is building it
        assert partial.exists()
    assert not partial.exists()


def test_a_deeply_nested_protocol_file_is_one_line(tmp_path, monkeypatch):
    """A school's own protocol file nested a few thousand deep gave a traceback."""
    protocols = tmp_path / "data" / "protocols"
    protocols.mkdir(parents=True)
    (protocols / "english.toml").write_text("a = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    monkeypatch.setenv("LESSONSTUDY_DATA_DIR", str(tmp_path / "data"))
    line = one_error_line(run("new", str(tmp_path / "x.lessonstudy"), "--title", "x"))
    assert "english.toml: not a protocol file (nested too deeply)" in line
    assert not (tmp_path / "x.lessonstudy").exists()
