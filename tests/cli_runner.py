"""Run the command line inside the test's own process.

A `python -m lessonstudy ...` child costs 0.1-0.2 s of CPU (start-up, imports) for
a few milliseconds of work; most CLI tests are about what a command prints and
writes, not about the process. `run_cli` calls `lessonstudy.cli.main` here and
returns what `subprocess.run(..., capture_output=True, text=True)` would have:
exit code, stdout, stderr.

What stays true to a real process:
- stdout and stderr are byte streams with the encodings and error handlers a
  child gets under this machine's UTF-8 locale (a lone surrogate in stdout is
  escaped, not kept), read back as `text=True` reads them (universal newlines);
  neither is a terminal.
- the exit code is what the interpreter would exit with: `main`'s return, or a
  `SystemExit`'s code (argparse's 2, `--help`'s 0; a message: printed, 1).
- anything else raised would have been a traceback in front of a user: it fails
  the test with that traceback (it is never turned into a quiet exit code).
- sys.argv[0] is what `python -m lessonstudy` gives it.
- warnings are filtered and printed to stderr as a fresh interpreter does.
- cwd, os.environ, sys.argv, stdin, the umask, the root logger's handlers and the
  SIGINT/SIGTERM handlers are put back afterwards; a command that leaves a file
  descriptor or a thread behind fails the test (in a real process exit would
  hide it; here it would leak into the next test and keep -wal files open).

Tests whose subject is the process itself (start-up and import cost, signals,
kills, several processes at once, `python -m lessonstudy`, the console script,
a hang bounded by a timeout) keep using subprocess.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

import lessonstudy
from lessonstudy.cli import main

# sys.argv[0] as `python -m lessonstudy` sets it (what "Open it with: ..." is built from).
MAIN_MODULE = str(Path(lessonstudy.__file__).parent / "__main__.py")

# What a child's streams are under a UTF-8 locale (PEP 538/540): stdout keeps
# undecodable bytes of file names as they came (surrogateescape), stderr never
# fails (backslashreplace).
STDOUT_ERRORS = "surrogateescape"
STDERR_ERRORS = "backslashreplace"
ENCODING = "utf-8"


def run_cli(
    *args: str | os.PathLike[str],
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`lessonstudy ARGS` run in this process, as `subprocess.run` would report it.

    `env`, as for subprocess.run, is the whole environment the command sees.
    """
    argv = [os.fspath(arg) for arg in args]
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding=ENCODING, errors=STDOUT_ERRORS)
    err = io.TextIOWrapper(err_bytes, encoding=ENCODING, errors=STDERR_ERRORS)
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode(ENCODING)), encoding=ENCODING)
    with _process_state(argv, cwd, env, stdin, out, err):
        try:
            code = _exit_code(main(argv), err)
        except SystemExit as stop:
            code = _exit_code(stop.code, err)
        except BaseException as error:
            out.flush()
            err.flush()
            raise AssertionError(
                f"lessonstudy {' '.join(argv)} raised; a user would have seen this "
                f"traceback:\n{''.join(traceback.format_exception(error))}"
                f"stderr before it:\n{_text(err_bytes)}"
            ) from error
        out.flush()
        err.flush()
    return subprocess.CompletedProcess(
        ["lessonstudy", *argv], code, _text(out_bytes), _text(err_bytes)
    )


def _exit_code(code: object, err: io.TextIOWrapper) -> int:
    """The status the interpreter exits with for `raise SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=err)
    return 1


def _text(data: io.BytesIO) -> str:
    # As subprocess's text mode reads a pipe: strict UTF-8, universal newlines.
    return io.TextIOWrapper(io.BytesIO(data.getvalue()), encoding=ENCODING).read()


def _open_descriptors() -> set[int]:
    # Leaves out the descriptor the listing itself opens (it points at the listing).
    listing = os.path.realpath("/proc/self/fd")
    open_now = set()
    for name in os.listdir(listing):
        with contextlib.suppress(OSError):  # the listing's own, closed since
            if os.readlink(f"{listing}/{name}") != listing:
                open_now.add(int(name))
    return open_now


def _describe(descriptors: set[int]) -> list[str]:
    described = []
    for fd in sorted(descriptors):
        try:
            described.append(f"{fd} -> {os.readlink(f'/proc/self/fd/{fd}')}")
        except OSError:
            described.append(f"{fd} (closed since)")
    return described


def _fresh_interpreter_warnings() -> None:
    """Warnings as a fresh interpreter shows them: its default filters, printed to
    stderr (pytest would otherwise collect them where a user never sees them). New
    filters also clear the once-per-place memory, so each run shows them again."""
    warnings.resetwarnings()
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    for quiet in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", quiet, append=True)
    warnings.simplefilter("default", append=True)

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = show


@contextlib.contextmanager
def _process_state(
    argv: list[str],
    cwd: Path | str | None,
    env: Mapping[str, str] | None,
    stdin: io.TextIOWrapper,
    out: io.TextIOWrapper,
    err: io.TextIOWrapper,
) -> Iterator[None]:
    saved_cwd = os.getcwd()
    saved_env = dict(os.environ)
    saved_argv = sys.argv
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_umask = os.umask(0o022)
    os.umask(saved_umask)
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_signals = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    descriptors = _open_descriptors()
    threads = set(threading.enumerate())
    try:
        if cwd is not None:
            os.chdir(cwd)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        sys.argv = [MAIN_MODULE, *argv]
        sys.stdin, sys.stdout, sys.stderr = stdin, out, err
        with warnings.catch_warnings():
            _fresh_interpreter_warnings()
            yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        os.umask(saved_umask)
        root.handlers[:], root.level = saved_handlers, saved_level
        for signum, handler in saved_signals.items():
            signal.signal(signum, handler)
    left_threads = [t.name for t in set(threading.enumerate()) - threads if t.is_alive()]
    assert not left_threads, f"lessonstudy {' '.join(argv)} left threads running: {left_threads}"
    left_open = _open_descriptors() - descriptors
    if left_open:
        import gc

        gc.collect()  # a connection in a reference cycle is closed by the collector
        left_open = _open_descriptors() - descriptors
    assert not left_open, f"lessonstudy {' '.join(argv)} left files open: {_describe(left_open)}"
