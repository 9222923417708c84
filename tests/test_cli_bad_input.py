"""Bad input at the command line: exit code 2, one line on stderr naming the file,
and every input file left byte for byte as it was (no -wal/-shm left behind)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import run_cli
from lessonstudy.store.study_file import StudyFile
from store_helpers import make_file, snapshot_files
from test_bad_input import (
    DAMAGE,
    DAMAGED,
    JSON_CASES,
    READ_ONLY,
    UNREADABLE,
    _export_dict,
    _good,
    prepare,
    unchanged,
)

BAD_INPUT = 2


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # In this process (see cli_runner): what is tested is what the command says and
    # writes; an uncaught exception fails the test as the traceback it would print.
    return run_cli(*args)


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonstudy", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *names: Path) -> str:
    assert result.returncode == BAD_INPUT, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert any(str(name) in lines[0] for name in names), lines[0]
    return lines[0]


@pytest.fixture
def where(tmp_path):
    return tmp_path / "box" / "s.lessonstudy"


@pytest.fixture
def ours(tmp_path):
    path, _study = make_file(tmp_path / "ours.lessonstudy")
    return path


@pytest.fixture
def notes_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("09:05 A 1 counts on\n", encoding="utf-8")
    return path


def commands(path: Path, ours: Path, notes_file: Path, tmp_path: Path) -> dict[str, list[str]]:
    out = tmp_path / "out.json"
    return {
        "info": ["info", str(path)],
        "export": ["export", str(path), "-o", str(out)],
        "check": ["check", str(path)],
        "merge-into": ["merge", str(path), str(ours)],
        "merge-from": ["merge", str(ours), str(path)],
        "notes-import": [
            "notes",
            "import",
            str(path),
            str(notes_file),
            "--observer",
            "Ruth",
            "--lesson",
            "1",
        ],
    }


ALL = ["info", "export", "check", "merge-into", "merge-from", "notes-import"]
CASES = {**UNREADABLE, **{name: (make, "") for name, make in DAMAGED.items()}}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", ALL)
def test_a_bad_study_file_gives_one_line_and_exit_2(
    case, command, where, ours, notes_file, tmp_path
):
    make, words = CASES[case]
    if command == "merge-into" and case in DAMAGE:
        # Merge a true copy into the damaged study, so it is not refused as a stranger.
        where.parent.mkdir()
        _good(where)
        ours.unlink()
        with StudyFile.open(where) as study_file:
            study_file.backup(ours)
        DAMAGE[case](where)
        before = prepare(lambda path: path, where)
    else:
        before = prepare(make, where)
    ours_before = snapshot_files(ours)
    result = run(*commands(where, ours, notes_file, tmp_path)[command])
    line = assert_one_line_error(result, where)
    assert words in line
    assert unchanged(where, before)
    assert snapshot_files(ours) == ours_before
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("command", ALL)
def test_a_bad_study_file_in_a_real_process(command, where, ours, notes_file, tmp_path):
    """The path a user takes (`python -m lessonstudy`, the interpreter's own exit and
    stream flushing) for each command: one line, exit 2, the file untouched."""
    before = prepare(CASES["corrupted"][0], where)
    result = run_process(*commands(where, ours, notes_file, tmp_path)[command])
    assert "Traceback" not in result.stderr
    assert_one_line_error(result, where)
    assert unchanged(where, before)


def test_a_bad_export_in_a_real_process(tmp_path):
    source = tmp_path / "study.json"
    source.write_bytes(b'{"format": "lessonstudy", "version": 1, "study": {')
    result = run_process("import", str(source), "-o", str(tmp_path / "n"))
    assert "Traceback" not in result.stderr
    assert "not valid JSON" in assert_one_line_error(result, source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.json"]


@pytest.mark.parametrize("case", list(READ_ONLY))
@pytest.mark.parametrize("command", ["merge-into", "notes-import"])
def test_a_read_only_study_is_not_written(case, command, where, ours, notes_file, tmp_path):
    before = prepare(READ_ONLY[case], where)
    try:
        result = run(*commands(where, ours, notes_file, tmp_path)[command])
        assert "read-only" in assert_one_line_error(result, where, where.parent)
        assert unchanged(where, before)
    finally:
        where.parent.chmod(0o755)


@pytest.mark.parametrize("case", list(READ_ONLY))
@pytest.mark.parametrize("command", ["info", "export", "check"])
def test_a_read_only_study_can_still_be_read(case, command, where, ours, notes_file, tmp_path):
    before = prepare(READ_ONLY[case], where)
    try:
        result = run(*commands(where, ours, notes_file, tmp_path)[command])
        assert result.returncode == 0, result.stderr
        assert unchanged(where, before)
    finally:
        where.parent.chmod(0o755)


@pytest.mark.parametrize("command", ["info", "export", "check"])
def test_reading_a_sound_study_leaves_it_byte_for_byte(command, where, ours, notes_file, tmp_path):
    before = prepare(_good, where)
    result = run(*commands(where, ours, notes_file, tmp_path)[command])
    assert result.returncode == 0, result.stderr
    assert unchanged(where, before)


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_a_bad_export_is_not_imported(case, tmp_path):
    spoil, words = JSON_CASES[case]
    data = _export_dict()
    spoil(data)
    source = tmp_path / "study.json"
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    before = source.read_bytes()
    target = tmp_path / "new.lessonstudy"
    line = assert_one_line_error(run("import", str(source), "-o", str(target)), source)
    assert words in line
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.json"]


def test_invalid_json_is_not_imported(tmp_path):
    source = tmp_path / "study.json"
    source.write_bytes(b'{"format": "lessonstudy", "version": 1, "study": {')
    line = assert_one_line_error(run("import", str(source), "-o", str(tmp_path / "n")), source)
    assert "not valid JSON" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.json"]


def test_a_bad_notes_line_names_file_and_line(where, tmp_path):
    prepare(_good, where)
    before = snapshot_files(where)
    notes = tmp_path / "notes.txt"
    notes.write_text("09:05 A 1 fine\n09:06 A 9 no such stage\n", encoding="utf-8")
    result = run("notes", "import", str(where), str(notes), "--observer", "Ruth", "--lesson", "1")
    line = assert_one_line_error(result, notes)
    assert f"{notes}:2: stage 9 is not in lesson 1's plan (it has 5 stages)" in line
    assert snapshot_files(where) == before
