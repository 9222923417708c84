"""The one error type users see: a single line saying what is wrong and where."""

from __future__ import annotations


class LessonStudyError(Exception):
    """Bad input or an unusable file. `str(error)` is the one line shown to the user.

    The command line prints it and exits with code 2; the app shows it in a
    notification. Whatever raised it has left every file as it was.
    """

    def __init__(self, message: str = "") -> None:
        # One line whatever the message quotes: SQLite's errors can hold the SQL of
        # a damaged table, a file name can hold a line break.
        if any(c in message for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            message = " ".join(message.split())
        super().__init__(message)
