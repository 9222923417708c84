"""Changes to a study's shape that touch many documents and rows at once: adding
or removing a research lesson, removing or relabelling a case pupil.

Each runs in one write transaction (BEGIN IMMEDIATE): another process sees the
study before or after, never half-changed, and the rule that allows the change
(process.lesson_removal_problem ...) is checked inside that transaction, on the
file as it is then, not on what a screen read a while ago. Every document
changed gets a new revision and every note a new seq, so open screens and
observers' processes notice and refresh.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from lessonstudy import process
from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    MAX_LESSONS,
    ResearchLesson,
    label_problem,
)
from lessonstudy.store import documents
from lessonstudy.store.converter import to_json
from lessonstudy.store.documents import Document
from lessonstudy.store.rows import (
    NOTE_COLUMNS,
    load_study,
    note_from_row,
    replace_note,
    save_document,
    structure_body,
)
from lessonstudy.store.study_file import StudyFile

T = TypeVar("T")


def _read(study_file: StudyFile, con: sqlite3.Connection, document: Document[T]) -> T:
    """A study's own document (never a lesson's) inside the caller's transaction."""
    row = con.execute(
        "SELECT body FROM document WHERE kind = ? AND key = ?", (document.kind, document.key)
    ).fetchone()
    if row is not None:
        body: T = structure_body(study_file.path, document.kind, row[0])
        return body
    assert document.make_default is not None, "only documents every study has"
    return document.make_default()


def _save(con: sqlite3.Connection, document: Document[T], obj: T) -> None:
    save_document(con, document.kind, document.key, to_json(obj), None, source="edit")


def _set_lesson_count(study_file: StudyFile, con: sqlite3.Connection) -> int:
    """The overview's count of lessons follows the plans the file has; returns it."""
    count: int = con.execute("SELECT count(*) FROM document WHERE kind = 'lesson'").fetchone()[0]
    overview = _read(study_file, con, documents.OVERVIEW)
    if overview.lesson_count != count:
        overview.lesson_count = count
        _save(con, documents.OVERVIEW, overview)
    return count


def add_lesson(study_file: StudyFile) -> int:
    """A new, empty research lesson after the last one; returns its number."""
    with study_file.transaction() as con:
        keys = [k for (k,) in con.execute("SELECT key FROM document WHERE kind = 'lesson'")]
        numbers = sorted(int(key) for key in keys if key.isdigit())
        if len(numbers) >= MAX_LESSONS:
            raise LessonStudyError(f"A study has at most {MAX_LESSONS} research lessons.")
        number = (numbers[-1] if numbers else 0) + 1
        _save(con, documents.lesson(number), ResearchLesson(number=number))
        _set_lesson_count(study_file, con)
    return number


def remove_lesson(study_file: StudyFile, number: int) -> int:
    """Remove research lesson `number`; refused (LessonStudyError saying why) unless
    it holds nothing and no lesson after it holds anything. Lessons stay numbered
    1, 2, 3 ...: since that lesson and every one after it are empty, the last one
    goes (removing RL2 of three empty lessons leaves RL1 and RL2). Returns the
    number of the lesson taken away."""
    with study_file.transaction() as con:
        study = load_study(study_file.path, con)
        problem = process.lesson_removal_problem(study, number)
        if problem is not None:
            raise LessonStudyError(problem)
        last = max(lesson.number for lesson in study.lessons)
        key = documents.lesson(last).key
        con.execute("DELETE FROM document WHERE kind = 'lesson' AND key = ?", (key,))
        # An empty discussion document may exist (a screen opened and left): it goes too.
        con.execute("DELETE FROM document WHERE kind = 'discussion' AND key = ?", (key,))
        _set_lesson_count(study_file, con)
    return last


def remove_pupil(study_file: StudyFile, label: str) -> None:
    """Remove case pupil `label` and every plan's mention of them (predictions, what
    was observed, success criteria, assignments); refused (LessonStudyError saying
    why) while any evidence points at them (process.pupil_removal_problem)."""
    with study_file.transaction() as con:
        study = load_study(study_file.path, con)
        problem = process.pupil_removal_problem(study, label)
        if problem is not None:
            raise LessonStudyError(problem)
        if study.pupil(label) is None:
            raise LessonStudyError(f"There is no case pupil {label} (removed meanwhile?)")
        _save(con, documents.PUPILS, [p for p in study.pupils if p.label != label])
        for lesson in study.lessons:
            before = to_json(lesson)
            process.without_pupil(lesson, label)
            if to_json(lesson) != before:
                _save(con, documents.lesson(lesson.number), lesson)
        if label in study.findings.end_points:
            del study.findings.end_points[label]
            _save(con, documents.FINDINGS, study.findings)
        private = _read(study_file, con, documents.PRIVATE_WORDS)
        if any(w.pupil == label for w in private.words):
            # The words stay guarded; they no longer stand for a pupil of the study.
            process.relabel_private_words(private, label, "")
            _save(con, documents.PRIVATE_WORDS, private)


# How each kind of document names a case pupil, and how to rename them there.
_RELABEL: dict[str, Callable[[Any, str, str], None]] = {
    "lesson": process.relabel_plan,
    "discussion": process.relabel_discussion,
    "interview": process.relabel_interview,
    "findings": process.relabel_findings,
    "private_words": process.relabel_private_words,
}


def relabel_pupil(study_file: StudyFile, old: str, new: str) -> int:
    """Case pupil `old` is labelled `new` from now on, everywhere at once: the pupils,
    every plan (predictions, what was observed, success criteria, observers'
    assignments), every note about them (deleted ones too), interviews, the
    group's judgements, where they ended (findings) and the private words that
    stand for them. Returns how many notes changed. Refused (LessonStudyError)
    for a label the rules refuse or another pupil has."""
    new = new.strip()
    problem = label_problem(new)
    if problem:
        raise LessonStudyError(problem)
    with study_file.transaction() as con:
        pupils = _read(study_file, con, documents.PUPILS)
        labels = [pupil.label for pupil in pupils]
        if old not in labels:
            raise LessonStudyError(f"There is no case pupil {old} (removed meanwhile?)")
        if new == old:
            return 0
        taken = [label for label in labels if label != old and label.casefold() == new.casefold()]
        if taken:
            raise LessonStudyError(f"Another case pupil is labelled {taken[0]} already.")
        for pupil in pupils:
            if pupil.label == old:
                pupil.label = new
        _save(con, documents.PUPILS, pupils)
        rows = con.execute("SELECT kind, key, body FROM document").fetchall()
        for kind, key, body in rows:
            rename = _RELABEL.get(kind)
            if rename is None:
                continue
            obj = structure_body(study_file.path, kind, body)
            before = to_json(obj)
            rename(obj, old, new)
            after = to_json(obj)
            if after != before:  # only what names the pupil gets a new revision
                save_document(con, kind, key, after, None, source="edit")
        notes = con.execute(
            f"SELECT {NOTE_COLUMNS} FROM note WHERE about = ? ORDER BY seq", (old,)
        ).fetchall()
        for row in notes:
            note = note_from_row(row)
            note.about = new
            note.revision += 1
            replace_note(con, note)
    return len(notes)
