"""The dependency rule of design.md, checked in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys

import pytest


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("module", ["lessonstudy.model", "lessonstudy.process"])
def test_core_imports_no_ui_storage_or_templates(module: str) -> None:
    loaded = modules_after(f"import {module}")
    assert {"textual", "sqlite3", "jinja2", "cattrs"}.isdisjoint(loaded)


@pytest.mark.parametrize(
    "module",
    [
        "lessonstudy.store.study_file",
        "lessonstudy.store.export",
        "lessonstudy.store.merge",
        "lessonstudy.store.check",
        "lessonstudy.store.notes_text",
        "lessonstudy.report",
        "lessonstudy.report.context",
        "lessonstudy.report.html",
        "lessonstudy.report.word",
        "lessonstudy.report.templates",
        "lessonstudy.protocols",
        "lessonstudy.rules",
    ],
)
def test_store_and_report_never_import_textual(module: str) -> None:
    assert "textual" not in modules_after(f"import {module}")


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["info", "--help"], ["report", "--help"], ["check", "--help"]],
)
def test_commands_that_do_not_open_the_app_do_not_import_textual(argv: list[str]) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from lessonstudy.cli import main\n"
        f"sys.argv = ['lessonstudy', *{argv!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main()\n"
        "    except SystemExit: pass"
    )
    assert "textual" not in modules_after(code)


def test_info_fast_path_does_not_load_the_model(tmp_path) -> None:
    from lessonstudy.model import new_study
    from lessonstudy.store import StudyFile

    path = tmp_path / "s.lessonstudy"
    StudyFile.create(path, new_study("Fractions")).close()
    code = (
        "import sys, contextlib, io\n"
        "from lessonstudy.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['info', {str(path)!r}])"
    )
    loaded = modules_after(code)
    assert {"attrs", "cattrs", "lessonstudy.model", "textual"}.isdisjoint(loaded)


@pytest.mark.parametrize(
    "argv",
    [
        ["info", "{study}"],
        ["export", "{study}"],
        ["check", "{study}"],
        ["report", "{study}", "--format", "docx", "-o", "{tmp}/r.docx"],
        ["merge", "{study}", "{study}"],
    ],
)
def test_real_commands_that_do_not_open_the_app_do_not_import_textual(
    argv: list[str], tmp_path
) -> None:
    from lessonstudy.usecases.example import create_example

    study = create_example(tmp_path / "demo.lessonstudy")
    args = [a.format(study=study, tmp=tmp_path) for a in argv]
    code = (
        "import sys, contextlib, io\n"
        "from lessonstudy.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({args!r}) == 0\n"
    )
    assert "textual" not in modules_after(code)
