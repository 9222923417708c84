"""Study files found sound, remembered until they change.

Every open checks the whole file (`open_checks`): on a 90,000-note study
about half a second of work, most of a command's time, done again on every
open though nothing in the file changed. So a file that passed is remembered
by what the system says of it and of its write-ahead log: device, inode,
size, and the times of its last modification and last change. An open that
finds all of these as they were skips the checks. Any write changes them,
ours or anything else's, and no program can set a file's change time, so a
file changed since is checked again in full. `lessonstudy check` always
checks in full.

File times are coarse (a clock tick, a few milliseconds): a change made in
the same tick as the check could leave the same times. So a file changed
less than `SETTLED_SECONDS` before its check began is not remembered (git
treats such "racily clean" files the same way); it is checked again next
time, when it has settled.

The memory is a small JSON file in the user's cache folder, written whole
and replaced; one that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from lessonstudy import __version__, resources

SETTLED_SECONDS = 2.0
KEPT = 64  # files remembered; the oldest are forgotten first
_MEMORY_NAME = "found-sound.json"

# (device, inode, size, modified ns, changed ns) of the file, then of its log (or
# None when there is no log or it is empty: SQLite removes and makes it at will).
State = list[list[int] | None]


def memory_path() -> Path:
    return resources.user_cache_dir() / _MEMORY_NAME


def _now_ns() -> int:
    return time.time_ns()


def _stat(path: Path) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]


def state_of(path: Path) -> State | None:
    """What the system says of `path` and its log now (None: cannot be stat'ed)."""
    main = _stat(path)
    if main is None:
        return None
    log = _stat(path.with_name(path.name + "-wal"))
    return [main, log if log is not None and log[2] > 0 else None]


def _key(path: Path) -> str:
    return f"{__version__}:{os.path.realpath(path)}"


def _read_memory() -> dict[str, State]:
    try:
        with open(memory_path(), encoding="utf-8") as file:
            memory = json.load(file)
    except (OSError, ValueError, RecursionError):
        return {}
    return memory if isinstance(memory, dict) else {}


def is_known_sound(path: Path) -> bool:
    """True when `path` was found sound and nothing has changed it since."""
    state = state_of(path)
    return state is not None and _read_memory().get(_key(path)) == state


class FullCheck:
    """A full check of `path` begun now: call `passed()` when it found the file
    sound, and the file is remembered if it did not change meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._started = _now_ns()
        self._before = state_of(path)

    def passed(self) -> None:
        before = self._before
        if before is None or state_of(self.path) != before:
            return
        settled = self._started - int(SETTLED_SECONDS * 1e9)
        if any(part is not None and max(part[3], part[4]) > settled for part in before):
            return  # changed too recently for its times to tell a later change apart
        remember(self.path, before)


@contextlib.contextmanager
def checking(path: Path) -> Iterator[None]:
    """Around a full check of `path` that raises if the file is not sound."""
    check = FullCheck(path)
    yield
    check.passed()


def remember(path: Path, state: State) -> None:
    memory = _read_memory()
    memory.pop(_key(path), None)
    memory[_key(path)] = state  # last: the newest, kept longest
    for old in list(memory)[: max(0, len(memory) - KEPT)]:
        del memory[old]
    folder = memory_path().parent
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then put in place: another process reads all or nothing.
        # (Not tempfile: it imports shutil, and with it compression modules, for nothing.)
        name = folder / f".found-sound-{os.getpid()}-{time.time_ns()}"
        try:
            with open(name, "x", encoding="utf-8") as file:
                json.dump(memory, file)
            os.replace(name, memory_path())
        except OSError:
            name.unlink(missing_ok=True)
            raise
