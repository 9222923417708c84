"""The command line as a user runs it: exit codes, output.

`run` is a real process (`python -m lessonstudy`): every command runs that way at
least once here. Further runs inside a test use `run_cli`, in this process (see
cli_runner), when what is tested is the command's output, not the process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import run_cli
from lessonstudy.model import Member, new_study
from lessonstudy.store import StudyFile, documents, export


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonstudy", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("lessonstudy ")


@pytest.mark.parametrize(
    "command",
    [
        "open",
        "new",
        "info",
        "export",
        "import",
        "check",
        "merge",
        "demo",
        "observe",
        "report",
        "backup",
    ],
)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert f"lessonstudy {command}" in result.stdout


def test_notes_import_help_explains_the_format() -> None:
    result = run("notes", "import", "--help")
    assert result.returncode == 0
    assert "HH:MM WHO STAGE [MARK] TEXT" in result.stdout


def test_new_then_info_shows_every_step(tmp_path: Path) -> None:
    path = tmp_path / "fractions.lessonstudy"
    result = run("new", str(path), "--title", "Fractions on a number line", "--pupils", "4")
    assert result.returncode == 0, result.stderr
    info = run("info", str(path))
    assert info.returncode == 0, info.stderr
    lines = info.stdout.splitlines()
    assert lines[0] == "Fractions on a number line"
    assert any(line.strip().startswith("D  (no pseudonym yet)") for line in lines)
    assert "→○ Initial meeting" in info.stdout
    assert "RL3: post-lesson discussion" in info.stdout
    assert "next:     Initial meeting" in info.stdout


def test_new_adds_the_ending_the_app_and_the_library_look_for(tmp_path: Path) -> None:
    result = run_cli("new", str(tmp_path / "second"), "--title", "Second")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "second.lessonstudy").is_file()
    assert not (tmp_path / "second").exists()
    assert f"Created {tmp_path / 'second.lessonstudy'}" in result.stdout


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    path.write_bytes(b"precious")
    result = run_cli("new", str(path), "--title", "x")
    assert result.returncode == 2
    assert result.stderr.strip() == f"lessonstudy: {path}: already exists; choose another name"
    assert path.read_bytes() == b"precious"


def test_info_from_cache_matches_info_from_the_model(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    study = new_study("Cached")
    study.overview.focus = "reasoning"
    StudyFile.create(path, study).close()
    cached = run_cli("info", str(path)).stdout
    # A note added by a writer that dies before close leaves the cache stale:
    # info must notice and rebuild, not show the old summary.
    with StudyFile.open(path) as study_file:
        _members, revision = study_file.read(documents.MEMBERS)
        study_file.save(documents.MEMBERS, [Member("Ann")], revision)
        study_file._wrote = False  # as if the process were killed before closing
    fresh = run_cli("info", str(path)).stdout
    assert "members:  -" in cached
    assert "members:  Ann" in fresh
    assert "group members" in cached
    assert "group members" not in fresh.split("RL1")[0]


def test_export_import_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    study = new_study("Round trip ✓ — ½")
    study.pupils[0].pseudonym = "Maya"
    study.pupils[0].private_note = "lives with gran"
    StudyFile.create(path, study).close()
    exported = tmp_path / "s.json"
    assert run("export", str(path), "-o", str(exported)).returncode == 0
    text = exported.read_text(encoding="utf-8")
    original_id = str(study.id)
    assert "lives with gran" not in text  # private notes never leave the file
    envelope = json.loads(text)
    assert envelope["format"] == "lessonstudy" and envelope["version"] == export.VERSION
    copy = tmp_path / "copy.lessonstudy"
    assert run("import", str(exported), "-o", str(copy)).returncode == 0
    with StudyFile.open(copy) as study_file:
        loaded = study_file.load()
    assert loaded.overview.title == "Round trip ✓ — ½"
    assert loaded.pupils[0].pseudonym == "Maya"
    assert loaded.pupils[0].private_note == ""
    # To stdout, the same export: but the imported copy is a study of its own (a new id),
    # so that two imports of one export never merge into each other.
    assert loaded.id != study.id
    assert run_cli("export", str(copy)).stdout == text.replace(original_id, str(loaded.id))


def test_demo_no_open_creates_the_example(tmp_path: Path) -> None:
    path = tmp_path / "demo.lessonstudy"
    result = run("demo", "--no-open", str(path))
    assert result.returncode == 0, result.stderr
    assert run_cli("check", str(path)).returncode == 0
    info = run_cli("info", str(path)).stdout
    assert "RL3" in info and "(no pseudonym yet)" not in info


def test_demo_without_a_path_uses_the_data_folder(tmp_path: Path) -> None:
    result = run_cli("demo", "--no-open", env={**os.environ, "LESSONSTUDY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    copies = list((tmp_path / "demo").glob("*.lessonstudy"))
    assert len(copies) == 1
    assert str(copies[0]) in result.stdout


def test_backup_makes_a_complete_copy(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("Backed up")).close()
    dest = tmp_path / "copy.lessonstudy"
    assert run("backup", str(path), str(dest)).returncode == 0
    assert run_cli("check", str(dest)).returncode == 0
    again = run_cli("backup", str(path), str(dest))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_opening_the_app_without_a_terminal_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("x")).close()
    result = run(str(path))
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    nowhere = run_cli(str(tmp_path / "no-folder" / "nope.lessonstudy"))
    assert nowhere.returncode == 2 and "no-folder: no such folder" in nowhere.stderr
    not_a_study = tmp_path / "notes.txt"
    not_a_study.write_text("10:42 B 3 + placed 3/4")
    wrong = run_cli(str(not_a_study))
    assert wrong.returncode == 2 and "not a study file" in wrong.stderr


def test_outputs_never_overwrite_a_study(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("x")).close()
    other = tmp_path / "other.lessonstudy"
    StudyFile.create(other, new_study("y")).close()
    before = other.read_bytes()
    for args in (["export", str(path), "-o", str(other)], ["report", str(path), "-o", str(other)]):
        result = (run if args[0] == "report" else run_cli)(*args)
        assert result.returncode == 2
        assert "is a study file" in result.stderr and str(other) in result.stderr
    assert other.read_bytes() == before


def test_a_reader_that_leaves_early_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("x")).close()
    result = subprocess.run(
        f"'{sys.executable}' -m lessonstudy export '{path}' | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout == '{\n  "forma'
    assert result.stderr == ""


def test_merge_takes_every_copy_or_none(tmp_path: Path) -> None:
    main = tmp_path / "main.lessonstudy"
    study = new_study("x")
    StudyFile.create(main, study).close()
    copy = tmp_path / "copy.lessonstudy"
    with StudyFile.open(main) as study_file:
        study_file.backup(copy)
    with StudyFile.open(copy) as study_file:
        _members, revision = study_file.read(documents.MEMBERS)
        study_file.save(documents.MEMBERS, [Member("Ruth")], revision)
    result = run("merge", str(main), str(copy), str(tmp_path / "missing.lessonstudy"))
    assert result.returncode == 2 and "missing.lessonstudy: no such file" in result.stderr
    with StudyFile.open(main) as study_file:
        assert study_file.read(documents.MEMBERS)[0] == []  # the good copy was not merged either
    as_json = run_cli("merge", str(main), str(tmp_path / "copy.json"))
    assert "a JSON export, not a study file" in as_json.stderr


def test_an_export_saved_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("BOM")).close()
    text = run_cli("export", str(path)).stdout
    exported = tmp_path / "s.json"
    exported.write_text("\ufeff" + text, encoding="utf-8")
    result = run_cli("import", str(exported), "-o", str(tmp_path / "t.lessonstudy"))
    assert result.returncode == 0, result.stderr


def test_observe_names_the_lessons_there_are(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("x")).close()
    result = run("observe", str(path), "--as", "Ruth", "--lesson", "4")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("there is no RL4 (the study has RL1, RL2, RL3)")


def test_notes_list_and_erase_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("x")).close()
    listed = run("notes", "list", str(path))
    assert listed.returncode == 0 and listed.stdout == ""
    assert listed.stderr == "No notes found.\n"
    erased = run("notes", "erase", str(path), "zzzzzzzz")
    assert erased.returncode == 2 and "Traceback" not in erased.stderr
    assert erased.stderr.splitlines() == [
        f"lessonstudy: {path}: no note with an id starting 'zzzzzzzz' (give at least the first "
        "8 characters, as 'lessonstudy notes list' shows them); nothing erased"
    ]


def test_search_library_and_impact_in_a_real_process(tmp_path: Path) -> None:
    env = {"LESSONSTUDY_DATA_DIR": str(tmp_path / "data")}
    StudyFile.create(tmp_path / "s.lessonstudy", new_study("Fractions")).close()
    found = run("search", "fractions", "--in", str(tmp_path), env=env)
    assert found.returncode == 0, found.stderr
    assert "Fractions" in found.stdout
    nothing = run_cli("search", "zebra", "--in", str(tmp_path), env={**os.environ, **env})
    assert nothing.returncode == 1
    library = run("library", str(tmp_path), env=env)
    assert library.returncode == 2 and "Traceback" not in library.stderr
    assert len(library.stderr.splitlines()) == 1 and "terminal" in library.stderr
    impact = run("impact", str(tmp_path), "-o", str(tmp_path / "impact.html"), env=env)
    assert impact.returncode == 0, impact.stderr
    assert (tmp_path / "impact.html").is_file()
