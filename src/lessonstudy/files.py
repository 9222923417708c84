"""Writing files so that nobody ever sees half of one, and no study is overwritten."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from lessonstudy.errors import LessonStudyError

SQLITE_HEADER = b"SQLite format 3\x00"

MEGABYTE = 1024 * 1024


def open_regular_file(path: Path, *, what: str) -> int:
    """A file descriptor for reading `path`, which must be an ordinary file.

    Opened without blocking and looked at through the descriptor itself, so a
    FIFO (which would wait forever for a writer), a device such as /dev/zero
    (which never ends) or a symlink loop is refused with one line, and nothing
    can swap the file between the look and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _not_opened(path, error, what) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    raise _not_regular(path, mode, what)


def regular_file_size(path: Path, *, what: str) -> int:
    """The size of `path`, which must be an ordinary file the user may read, found
    without opening it (see store.connection.check_readable for why a study file
    must not be opened outside SQLite). Refused as open_regular_file refuses."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise _not_opened(path, error, what) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode, what)
    if not os.access(path, os.R_OK):
        raise LessonStudyError(f"{path}: cannot be read (Permission denied)")
    return info.st_size


def _not_opened(path: Path, error: OSError, what: str) -> LessonStudyError:
    if isinstance(error, FileNotFoundError):
        return LessonStudyError(f"{path}: no such file")
    if isinstance(error, IsADirectoryError):
        return LessonStudyError(f"{path}: is a folder, not {what}")
    if error.errno == errno.ELOOP:
        return LessonStudyError(f"{path}: a symbolic link that leads round in a loop")
    return LessonStudyError(f"{path}: cannot be read ({error.strerror})")


def _not_regular(path: Path, mode: int, what: str) -> LessonStudyError:
    if stat.S_ISDIR(mode):
        return LessonStudyError(f"{path}: is a folder, not {what}")
    return LessonStudyError(f"{path}: not {what} (a device, pipe or socket, not a file)")


def read_input(path: Path, *, what: str, limit_mb: int) -> bytes:
    """The bytes of a file the user named, refusing anything but an ordinary file
    of at most `limit_mb` megabytes (a mistaken name must not fill the memory)."""
    fd = open_regular_file(path, what=what)
    limit = limit_mb * MEGABYTE
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise LessonStudyError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise LessonStudyError(f"{path}: too large for {what} (more than {limit_mb} MB)")
    return data


def os_error(path: Path, error: OSError, what: str) -> LessonStudyError:
    """An OSError as one line; a full disk said as such (and that nothing changed)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return LessonStudyError(
            f"{path}: the disk is full; nothing was written and every file is as it was. "
            "Free some space, then try again"
        )
    return LessonStudyError(f"{path}: {what} ({error.strerror or error})")


PARTIAL_SUFFIX = ".partial"
_COMPANIONS = ("", "-wal", "-shm", "-journal")


@contextlib.contextmanager
def building(dest: Path, mode: int = 0o600) -> Iterator[Path]:
    """A new, empty, uniquely named file next to `dest` to build it in before
    moving it into place (two writers of one name never share a half-built file).

    The file is locked (flock) while it is being built, and removed with its
    SQLite companions afterwards. A run that was killed leaves its partial file
    unlocked: the next build beside it removes such litter first.

    `mode` is filtered by the umask: study files stay the owner's (0600); a
    report or an export is made 0666 so it is as readable as anything else the
    person writes (mkstemp would make every file 0600 whatever the umask)."""
    clear_litter(dest)
    for _attempt in range(100):
        # os.urandom is what secrets.token_hex reads, without importing secrets
        # (base64, hmac, random: a few ms of every command that writes a file).
        partial = dest.parent / f".{dest.name}.{os.urandom(4).hex()}{PARTIAL_SUFFIX}"
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        except OSError as error:
            raise os_error(dest, error, "cannot be written") from None
        break
    else:
        raise LessonStudyError(f"{dest}: cannot be written (no free name for a partial file)")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield partial
    finally:
        for suffix in _COMPANIONS:
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        os.close(fd)  # last: the lock says "being built" until the litter is gone


def clear_litter(dest: Path) -> list[Path]:
    """Remove partial files a killed run left beside `dest` (not those being built)."""
    import glob

    removed: list[Path] = []
    try:
        candidates = list(dest.parent.glob(f".{glob.escape(dest.name)}.*{PARTIAL_SUFFIX}"))
    except OSError:
        return removed
    for partial in candidates:
        try:
            fd = os.open(partial, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # another run is building it right now
            for suffix in _COMPANIONS:
                leftover = Path(f"{partial}{suffix}")
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    removed.append(leftover)
        finally:
            os.close(fd)
    return removed


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
    with building(dest, mode=0o666) as partial:
        try:
            with partial.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before it replaces the old one
            os.replace(partial, dest)
        except OSError as error:
            raise os_error(dest, error, "cannot be written") from None
