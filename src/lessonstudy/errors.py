"""The one error type users see: a single line saying what is wrong and where."""

from __future__ import annotations


class LessonStudyError(Exception):
    """Bad input or an unusable file. `str(error)` is the one line shown to the user.

    The command line prints it and exits with code 2; the app shows it in a
    notification. Whatever raised it has left every file as it was.
    """
