"""What each command imports: only what it does (issue 16, "each command imports only
what it needs"). Checked in fresh interpreters, as whole commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def modules_after_command(argv: list[str]) -> set[str]:
    code = (
        "import sys, contextlib, io\n"
        "from lessonstudy.cli import main\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        f"    code = main({argv!r})\n"
        "print('\\n'.join(sys.modules)); print('exit', code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-2:] == ["exit", "0"], out[-2:]
    return set(out[:-2])


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lessonstudy.usecases.example import create_example

    return create_example(tmp_path_factory.mktemp("startup") / "demo.lessonstudy")


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{study}"],
        ["export", "{study}", "-o", "{tmp}/e.json"],
        ["backup", "{study}", "{tmp}/b.lessonstudy"],
        ["info", "{study}"],
    ],
)
def test_commands_import_neither_the_report_nor_the_evidence_grid(
    argv: list[str], study: Path, tmp_path: Path
) -> None:
    loaded = modules_after_command([a.format(study=study, tmp=tmp_path) for a in argv])
    # argparse's own formatter learns the terminal's width through shutil, which
    # imports zlib, bz2 and lzma: a few ms of every command, for nothing.
    assert {"shutil", "bz2", "lzma"}.isdisjoint(loaded)
    # The report package (templates, Jinja2) and the process's evidence grid,
    # faithfulness, reshaping, steps and plans belong to the commands that use them
    # (reading a study places its notes on the timeline: that one is needed).
    assert not {m for m in loaded if m.startswith("lessonstudy.report")}
    unused = {
        "lessonstudy.process.evidence",
        "lessonstudy.process.faithfulness",
        "lessonstudy.process.plans",
        "lessonstudy.process.shape",
        "lessonstudy.process.step_states",
    }
    assert unused.isdisjoint(loaded)
    # The terms (school years, statuses) are the library commands' help and filters.
    assert "lessonstudy.terms" not in loaded
    assert {"jinja2", "textual"}.isdisjoint(loaded)


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "{study}", "-o", "{tmp}/e.json"],
        ["backup", "{study}", "{tmp}/b.lessonstudy"],
    ],
)
def test_reading_a_file_found_sound_hashes_nothing(
    argv: list[str], study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hashlib loads OpenSSL (2-3 ms): only a command that checks or writes a
    document's hash needs it, and a file found sound before is not checked."""
    from lessonstudy.store import found_sound

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the subprocess's too
    state = found_sound.state_of(study)
    assert state is not None
    found_sound.remember(study, state)
    loaded = modules_after_command([a.format(study=study, tmp=tmp_path) for a in argv])
    assert "hashlib" not in loaded
    if argv[0] == "backup":
        # A copy made through SQLite needs neither the model nor its converter.
        assert {"attrs", "cattrs", "lessonstudy.model", "lessonstudy.store.study_file"}.isdisjoint(
            loaded
        )
    else:
        assert "lessonstudy.store.open_checks" in loaded  # the open was the usual one


def test_the_process_package_still_gives_every_name() -> None:
    import lessonstudy.process as process

    for name in process.__all__:
        assert getattr(process, name) is not None, name
    from lessonstudy.process import evidence_grid, steps, timeline

    assert callable(evidence_grid) and callable(steps) and callable(timeline)


def test_the_steps_stay_the_function_whichever_submodule_comes_first() -> None:
    """Importing a submodule binds its name in the package: `steps` and `timeline`
    must stay the functions, whatever was imported before (a fresh interpreter)."""
    code = (
        "import lessonstudy.process.step_states, lessonstudy.process.plans\n"
        "import lessonstudy.process.evidence, lessonstudy.process.faithfulness\n"
        "import lessonstudy.process.shape, lessonstudy.process.timeline\n"
        "from lessonstudy import process\n"
        "from lessonstudy.process import Step, steps, timeline\n"
        "print(callable(process.steps), callable(steps), callable(timeline))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def test_the_command_names_are_the_parsers() -> None:
    from lessonstudy import cli

    assert cli._subcommands(cli.build_parser()) == cli.COMMANDS


def test_a_study_alone_opens_without_building_a_parser(monkeypatch, tmp_path: Path) -> None:
    from lessonstudy import cli

    opened: list[Path | None] = []

    def no_parser(only: str | None = None) -> None:
        raise AssertionError(f"a parser was built for {only!r}")

    monkeypatch.setattr(cli, "build_parser", no_parser)
    monkeypatch.setattr(cli, "_run_app", lambda path, **_options: opened.append(path) or 0)
    study = tmp_path / "new.lessonstudy"  # not there yet: the app offers to create it
    assert cli.main([str(study)]) == 0
    assert opened == [study]


def test_a_study_with_an_option_still_gets_the_open_parser(capsys) -> None:
    from lessonstudy import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["some.lessonstudy", "--nope"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --nope" in capsys.readouterr().err


def test_import_makes_the_file_without_opening_it_again(monkeypatch, tmp_path: Path) -> None:
    """`import` opened the file it had just written (SQLite's integrity check, the
    rows' checks) only to close it: a third of the command's time on the example."""
    from lessonstudy import cli
    from lessonstudy.resources import example_study_path
    from lessonstudy.store import StudyFile
    from lessonstudy.store.check import check_study

    opened: list[object] = []
    real_open = StudyFile.open.__func__  # type: ignore[attr-defined]

    def watched_open(cls: type[StudyFile], *args: object, **kwargs: object) -> StudyFile:
        opened.append(args)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(StudyFile, "open", classmethod(watched_open))
    output = tmp_path / "imported.lessonstudy"
    assert cli.main(["import", str(example_study_path()), "-o", str(output)]) == 0
    assert opened == []
    assert check_study(output).sound


FIRST_FRAME_PROBE = """
import sys
from textual._compositor import CompositorUpdate
from textual.app import App
from lessonstudy import cli

at_first_frame = []
display = App._display

def capture(self, screen, renderable):
    if not at_first_frame and isinstance(renderable, CompositorUpdate) and not self._batch_count:
        at_first_frame.append(sorted(sys.modules))
        self.exit()
    display(self, screen, renderable)

App._display = capture

def run_app(path, **options):  # cli's own, headless: the test has no terminal
    from lessonstudy.tui.app import LessonStudyApp
    app = LessonStudyApp(path, **options)
    app.run(headless=True, size=(120, 40))
    return app.return_code or 0  # an error on the way out (1) fails the test too

cli._run_app = run_app
code = cli.main([sys.argv[1]])
print("\\n".join(at_first_frame[0])); print("exit", code)
"""


def test_the_maps_first_frame_waits_for_nothing_it_does_not_show(
    study: Path, tmp_path: Path
) -> None:
    """`lessonstudy STUDY` until its first frame is drawn (the map from the summary
    cached in the file): what it imports by then, in a fresh interpreter."""
    import os

    env = {**os.environ, "LESSONSTUDY_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE, str(study)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    assert out[-2:] == ["exit", "0"], out[-2:]
    loaded = set(out[:-2])
    assert "lessonstudy.tui.screens.study_map" in loaded  # the map it drew
    # No parser is built for a study alone: argparse (with gettext) is not imported.
    assert {"argparse", "gettext"}.isdisjoint(loaded)
    # The map is painted from the summary: the model and the process come after.
    assert {"lessonstudy.model", "lessonstudy.process", "cattrs", "attrs"}.isdisjoint(loaded)
    screens = {m for m in loaded if m.startswith("lessonstudy.tui.screens.")}
    assert screens == {"lessonstudy.tui.screens.study_map"}
    # Its footer comes right after the first frame (it has no keys to show in it).
    assert {"textual.widgets._footer", "lessonstudy.tui.widgets.footer"}.isdisjoint(loaded)


def test_commands_that_end_run_without_the_cycle_collector(monkeypatch, tmp_path: Path) -> None:
    """A command that ends runs with gc paused (and resumed after); the app and the
    server, which run on, keep it."""
    import gc

    from lessonstudy import cli

    assert cli.ONE_SHOT <= cli.COMMANDS
    assert {"open", "demo", "observe", "serve", "library", "new"}.isdisjoint(cli.ONE_SHOT)
    seen: dict[str, bool] = {}

    def check(args: object) -> int:
        seen["check"] = gc.isenabled()
        return 0

    def run_app(path: Path | None, **_options: object) -> int:
        seen["open"] = gc.isenabled()
        return 0

    monkeypatch.setattr(cli, "cmd_check", check)
    monkeypatch.setattr(cli, "_run_app", run_app)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert cli.main(["check", str(tmp_path / "any.lessonstudy")]) == 0
    assert cli.main([str(tmp_path / "new.lessonstudy")]) == 0
    assert seen == {"check": False, "open": True}
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # called in-process: nothing frozen


def test_a_command_run_as_the_program_leaves_its_heap_to_the_exit(study: Path) -> None:
    """Run as the program (no argv: sys.argv), a command that ends freezes what it made,
    so that Python's shutdown does not walk it all again; its work is done as before."""
    code = (
        "import gc, sys\n"
        "from lessonstudy.cli import main\n"
        f"sys.argv = ['lessonstudy', 'check', {str(study)!r}]\n"
        "code = main()\n"
        "print(code, gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-3:] == ["0", "True", "True"]
    assert "sound" in out.stdout


def test_the_notes_csv_imports_no_templates_nor_the_evidence(study: Path, tmp_path: Path) -> None:
    """The notes' CSV needs the study and the csv module: not Jinja2, markdown-it, the
    write-ups' context (evidence grid, the cycle's facts) nor the protocols."""
    loaded = modules_after_command(
        ["report", str(study), "--format", "csv", "-o", str(tmp_path / "n.csv")]
    )
    assert {"jinja2", "markdown_it", "docx", "pptx", "textual"}.isdisjoint(loaded)
    unused = {
        "lessonstudy.report.context",
        "lessonstudy.report.templates",
        "lessonstudy.process.evidence",
        "lessonstudy.process.faithfulness",
        "lessonstudy.protocols",
    }
    assert unused.isdisjoint(loaded)
    assert "lessonstudy.report.notes_csv" in loaded
