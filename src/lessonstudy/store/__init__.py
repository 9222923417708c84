"""The study file: SQLite schema, converter, JSON export, merge and notes import.

`StudyFile` and `Saved` are loaded on first use, so that the standard-library
fast paths in this package (connection, summary) stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lessonstudy.store.study_file import Saved, StudyFile

__all__ = ["Saved", "StudyFile"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lessonstudy.store import study_file

        return getattr(study_file, name)
    raise AttributeError(name)
