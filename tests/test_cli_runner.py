"""cli_runner.run_cli, which most CLI tests use, says what a real process would."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import IO, Any

import pytest

from cli_runner import run_cli
from lessonstudy.errors import LessonStudyError
from lessonstudy.store import summary


def real(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonstudy", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["info"],  # argparse: usage and exit 2
        ["info", "missing.lessonstudy"],  # one line, exit 2
        ["new", "made", "--title", "T\x1b[2J"],  # the "Open it with" line, control codes
    ],
)
def test_in_process_and_real_process_say_the_same(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    inside = run_cli(*args, cwd=tmp_path / "here")
    outside = real(*args, cwd=tmp_path / "there")
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        outside.returncode,
        outside.stdout.replace("/there/", "/here/"),
        outside.stderr.replace("/there/", "/here/"),
    )


def test_an_uncaught_exception_fails_with_its_traceback(tmp_path, monkeypatch) -> None:
    def broken(path: Path) -> None:
        raise KeyError("a defect")

    monkeypatch.setattr(summary, "read_cached_at", broken)
    with pytest.raises(AssertionError, match="a user would have seen this traceback") as caught:
        run_cli("info", str(tmp_path / "s.lessonstudy"))
    assert "KeyError: 'a defect'" in str(caught.value)
    assert isinstance(caught.value.__cause__, KeyError)


def test_the_process_state_is_put_back(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LESSONSTUDY_RUNNER_PROBE", "before")
    cwd, streams, argv = os.getcwd(), (sys.stdin, sys.stdout, sys.stderr), sys.argv
    done = run_cli(
        "new",
        "rel",
        "--title",
        "T",
        cwd=tmp_path,
        env={**os.environ, "LESSONSTUDY_RUNNER_PROBE": "during"},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rel.lessonstudy").is_file()  # the command ran in cwd
    assert os.getcwd() == cwd
    assert os.environ["LESSONSTUDY_RUNNER_PROBE"] == "before"
    assert (sys.stdin, sys.stdout, sys.stderr) == streams and sys.argv is argv


def test_a_file_left_open_fails_the_test(tmp_path, monkeypatch) -> None:
    kept: list[IO[Any]] = []

    def leaky(path: Path) -> None:
        kept.append(open(path, "rb"))  # noqa: SIM115 - the leak under test
        return None

    made = run_cli("new", str(tmp_path / "s"), "--title", "T")
    assert made.returncode == 0, made.stderr
    monkeypatch.setattr(summary, "read_cached_at", leaky)
    try:
        with pytest.raises(AssertionError, match="left files open"):
            run_cli("info", str(tmp_path / "s.lessonstudy"))
    finally:
        for handle in kept:
            handle.close()


def test_a_warning_is_printed_as_a_fresh_interpreter_prints_it(tmp_path, monkeypatch) -> None:
    def warns(path: Path) -> None:
        warnings.warn("a library's complaint", UserWarning, stacklevel=1)
        warnings.warn("not shown outside __main__", DeprecationWarning, stacklevel=1)
        raise LessonStudyError(f"{path}: no such file")  # then the usual one line

    monkeypatch.setattr(summary, "read_cached_at", warns)
    for _ in range(2):  # and again on the next run, as a new process would
        said = run_cli("info", str(tmp_path / "s.lessonstudy")).stderr
        assert "UserWarning: a library's complaint" in said
        assert "not shown" not in said
