"""The study file: SQLite schema, converter, JSON export, merge and notes import."""

from lessonstudy.store.study_file import Saved, StudyFile

__all__ = ["Saved", "StudyFile"]
