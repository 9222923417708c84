"""`lessonstudy search`, `impact`, `library` and `report --kind case-report` as a
user runs them: real processes, exit codes, output, and nothing private shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive_helpers import REAL_NAME, SECRETS, fractions_private, make_school, write_study
from cli_runner import run_cli
from report_fixtures import make_study


def environment(data: Path) -> dict[str, str]:
    return {**os.environ, "LESSONSTUDY_DATA_DIR": str(data), "NO_COLOR": ""}


def run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    # In this process (see cli_runner); --help and the import checks stay real processes.
    return run_cli(*args, env=environment(data))


def run_process(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonstudy", *args],
        capture_output=True,
        text=True,
        env=environment(data),
    )


@pytest.fixture
def school(tmp_path: Path) -> Path:
    folder = tmp_path / "studies"
    make_school(folder)
    (folder / "broken.lessonstudy").write_text("not a study")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.mark.parametrize("command", ["library", "search", "impact"])
def test_the_new_commands_have_help(command: str, data: Path) -> None:
    result = run_process(command, "--help", data=data)
    assert result.returncode == 0
    assert f"lessonstudy {command}" in result.stdout


# --------------------------------------------------------------------------- search


def test_search_prints_each_study_where_it_matches_and_what_it_skipped(
    school: Path, data: Path
) -> None:
    result = run("search", "folding", "strips", "--in", str(school), data=data)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Fractions in Year 4  (Mathematics, Year 4, 2024/25; complete)"
    assert lines[1] == f"  {school / 'maths' / 'fractions.lessonstudy'}"
    assert any(
        line.startswith("  Research question: Does folding paper strips help") for line in lines
    )
    assert "\x1b" not in result.stdout and "\x02" not in result.stdout  # not a terminal
    assert result.stderr == (
        "lessonstudy: skipped broken.lessonstudy: not a study file (not an SQLite database)\n"
    )


def test_search_finding_nothing_exits_1_like_grep(school: Path, data: Path) -> None:
    result = run("search", "zebra", "--in", str(school), data=data)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "No studies found for 'zebra'." in result.stderr


def test_search_with_no_words_lists_the_studies_that_pass_the_filters(
    school: Path, data: Path
) -> None:
    result = run("search", "--in", str(school), "--subject", "maths", data=data)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("Fractions in Year 4  (Mathematics")
    assert "Inference" not in result.stdout
    result = run(
        "search", "--in", str(school), "--year", "2025/26", "--status", "teaching", data=data
    )
    assert result.stdout.splitlines()[0].startswith("Inference in whole-class reading")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025"], "--year 2025: say which school year: 2024/25 or 2025/26"),
        (["--status", "finished"], "--status 'finished': use one of not started, planning,"),
        (["--in", "nowhere"], "nowhere: no such folder"),
    ],
)
def test_bad_search_options_say_what_in_one_line(
    school: Path, data: Path, args: list[str], message: str
) -> None:
    args = [a if a != "nowhere" else str(school.parent / "nowhere") for a in args]
    if "--in" not in args:
        args += ["--in", str(school)]
    result = run("search", "fold", *args, data=data)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_nothing_private_is_ever_printed(school: Path, data: Path) -> None:
    shown = ""
    for words in (["the"], ["pupil"], ["strip", "halves"], [REAL_NAME], ["Maya"], []):
        result = run("search", *words, "--in", str(school), "--limit", "50", data=data)
        # (stderr echoes what was searched for, when nothing is found: not a leak)
        said = [line for line in result.stderr.splitlines() if "No studies found" not in line]
        shown += result.stdout + "\n".join(said)
    assert "told [pupil A] the strip shows halves" in shown  # the masked note, found and shown
    for secret in SECRETS:
        assert secret.casefold() not in shown.casefold(), secret


def test_typed_control_characters_never_reach_the_terminal(tmp_path: Path, data: Path) -> None:
    study = make_study()
    study.overview.title = "Fractions \x1b[2J\x1b]0;owned\x07 in Year 4"
    folder = tmp_path / "studies"
    write_study(folder / "x.lessonstudy", study)
    result = run("search", "fractions", "--in", str(folder), data=data)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Fractions  [2J ]0;owned  in Year 4" in result.stdout


def test_search_and_impact_never_import_textual(school: Path, data: Path, tmp_path: Path) -> None:
    impact = ["impact", str(school), "-o", str(tmp_path / "i.html")]
    for args in (["search", "fold", "--in", str(school)], impact):
        code = (
            "import sys, contextlib, io\n"
            "from lessonstudy.cli import main\n"
            f"sys.argv = ['lessonstudy', *{args!r}]\n"
            "with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.redirect_stderr(io.StringIO()):\n"
            "    try: main()\n"
            "    except SystemExit: pass\n"
            "print('textual' in sys.modules, 'lessonstudy.model' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LESSONSTUDY_DATA_DIR": str(data)},
        ).stdout.split()
        assert out[0] == "False", args


def test_search_on_an_index_that_is_up_to_date_loads_no_model(school: Path, data: Path) -> None:
    """Only a changed study needs the model (attrs, cattrs, the process): a search
    of an unchanged folder is SQLite and the standard library."""
    run("search", "fold", "--in", str(school), data=data)  # the first look reads them
    code = (
        "import sys, contextlib, io\n"
        "from lessonstudy.cli import main\n"
        f"sys.argv = ['lessonstudy', 'search', 'fold', '--in', {str(school)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), "
        "contextlib.redirect_stderr(io.StringIO()):\n"
        "    main()\n"
        "print(sorted(m for m in ('lessonstudy.model', 'cattrs', 'jinja2', 'textual')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LESSONSTUDY_DATA_DIR": str(data)},
    ).stdout.strip()
    assert out == "[]"


# --------------------------------------------------------------------------- impact


@pytest.mark.parametrize("name", ["impact.html", "impact.docx", "impact.md"])
def test_impact_writes_the_summary_in_the_format_its_name_says(
    school: Path, data: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    result = run("impact", str(school), "-o", str(out), data=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote the impact summary of 2 studies to {out}\n"
    assert "skipped broken.lessonstudy" in result.stderr
    head = out.read_bytes()[:20]
    assert head.startswith(
        b"PK" if name.endswith("docx") else b"<!DOCTYPE" if "html" in name else b"# "
    )


def test_impact_of_a_filtered_school(school: Path, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "maths.md"
    result = run("impact", str(school), "-o", str(out), "--subject", "maths", data=data)
    assert result.returncode == 0
    text = out.read_text()
    assert "1 lesson study in" in text and "(subject maths)" in text
    assert "**Fractions in Year 4**" in text and "Inference" not in text


def test_impact_needs_a_format_it_knows(school: Path, data: Path, tmp_path: Path) -> None:
    result = run("impact", str(school), "-o", str(tmp_path / "impact.txt"), data=data)
    assert result.returncode == 2
    assert "say which format with --format html|docx|md" in result.stderr
    assert not (tmp_path / "impact.txt").exists()


def test_impact_never_overwrites_a_study(school: Path, data: Path) -> None:
    study = school / "reading.lessonstudy"
    before = study.read_bytes()
    result = run("impact", str(school), "-o", str(study), "--format", "html", data=data)
    assert result.returncode == 2
    assert "is a study file" in result.stderr
    assert study.read_bytes() == before


# --------------------------------------------------------------------------- library


def test_library_needs_a_terminal_and_a_folder(school: Path, data: Path, tmp_path: Path) -> None:
    result = run("library", str(school), data=data)
    assert result.returncode == 2
    assert "the app needs a terminal" in result.stderr
    result = run("library", str(tmp_path / "nowhere"), data=data)
    assert result.returncode == 2
    assert "nowhere: no such folder" in result.stderr


# --------------------------------------------------------------------------- the case report


def test_the_case_report_comes_with_its_metadata(tmp_path: Path, data: Path) -> None:
    study = write_study(tmp_path / "fractions.lessonstudy", make_study())
    out = tmp_path / "fractions-case-report.html"
    result = run(
        "report",
        str(study),
        "--kind",
        "case-report",
        "--keywords",
        "fractions, number line",
        data=data,
    )
    assert result.returncode == 0, result.stderr
    sidecar = tmp_path / "fractions-case-report.json"
    assert result.stdout.splitlines() == [
        f"Wrote the case-report (html) to {out}",
        f"Wrote its metadata (title, authors, abstract, keywords) to {sidecar}",
    ]
    page = out.read_text()
    assert "Structured abstract" in page and "Background and purpose." in page
    meta = json.loads(sidecar.read_text())
    assert meta["title"] == "Fractions in Year 4"
    assert meta["authors"] == ["Ms Okafor", "Mr Patel", "Mrs Lin"]
    assert (meta["phase"], meta["subject"], meta["year_group"]) == (
        "primary",
        "Mathematics",
        "Year 4",
    )
    assert meta["date"] == "2025-03-04"  # the open house, the study's last event
    assert meta["keywords"] == [
        "lesson study",
        "Mathematics",
        "Year 4",
        "primary",
        "fractions",
        "number line",
    ]
    assert set(meta["abstract"]) == {"background_and_purpose", "aims", "design", "findings"}
    assert meta["abstract"]["aims"].startswith("Does folding paper strips help")
    assert meta["report"] == out.name


def test_keywords_are_only_for_the_case_report(tmp_path: Path, data: Path) -> None:
    study = write_study(tmp_path / "fractions.lessonstudy", make_study())
    result = run("report", str(study), "--keywords", "x", data=data)
    assert result.returncode == 2
    assert "--keywords is for the case report" in result.stderr


def test_a_private_word_in_the_metadata_stops_it_unless_masked(tmp_path: Path, data: Path) -> None:
    study = make_study()
    study.overview.title = f"Fractions with {REAL_NAME}"
    path = write_study(tmp_path / "f.lessonstudy", study, fractions_private())
    result = run("report", str(path), "--kind", "case-report", "--format", "md", data=data)
    assert result.returncode == 2
    assert "case report's metadata holds" in result.stderr or "case-report holds" in result.stderr
    assert not list(tmp_path.glob("f-case-report*"))
    result = run(
        "report", str(path), "--kind", "case-report", "--format", "md", "--mask", data=data
    )
    assert result.returncode == 0, result.stderr
    meta = (tmp_path / "f-case-report.json").read_text()
    assert REAL_NAME not in meta and "Fractions with Maya" in meta


def test_the_metadata_never_takes_the_reports_own_name(tmp_path: Path, data: Path) -> None:
    study = write_study(tmp_path / "f.lessonstudy", make_study())
    out = tmp_path / "f.json"
    result = run("report", str(study), "--kind", "case-report", "-o", str(out), data=data)
    assert result.returncode == 2
    assert "give the report another name" in result.stderr
    assert not out.exists()
