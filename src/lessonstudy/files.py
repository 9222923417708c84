"""Writing files so that nobody ever sees half of one, and no study is overwritten."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from lessonstudy.errors import LessonStudyError

SQLITE_HEADER = b"SQLite format 3\x00"


def partial_beside(dest: Path, mode: int = 0o600) -> Path:
    """A new, empty, uniquely named file next to `dest`, to build it in before moving
    it into place (two writers of the same name never share a half-built file).

    `mode` is filtered by the umask: study files stay the owner's (0600); a
    report or an export is made 0666 so it is as readable as anything else the
    person writes (mkstemp would make every file 0600 whatever the umask)."""
    for _attempt in range(100):
        name = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.partial"
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        except OSError as error:
            raise LessonStudyError(f"{dest}: cannot be written ({error.strerror})") from None
        os.close(fd)
        return name
    raise LessonStudyError(f"{dest}: cannot be written (no free name for a partial file)")


def refuse_to_overwrite_a_study(dest: Path, what: str) -> None:
    """Outputs (exports, reports) may replace an older output, never a study file."""
    try:
        with dest.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return  # nothing there (or unreadable: the write itself will say so)
    if header == SQLITE_HEADER:
        raise LessonStudyError(
            f"{dest}: is a study file; the {what} would overwrite it; choose another name"
        )


def write_atomically(dest: Path, data: bytes, *, what: str) -> None:
    """Write `data` to `dest` in one step: a reader sees the old file or the new one."""
    if dest.is_dir():
        raise LessonStudyError(f"{dest}: is a folder; give a file name to write the {what} to")
    refuse_to_overwrite_a_study(dest, what)
    partial = partial_beside(dest, mode=0o666)
    try:
        partial.write_bytes(data)
        os.replace(partial, dest)
    except OSError as error:
        raise LessonStudyError(f"{dest}: cannot be written ({error.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)
