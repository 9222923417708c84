"""`lessonstudy check`: is a study file sound?

Sound means SQLite's own integrity check passes, every document reads back
strictly through the converter, and every note, stage mark, interview and
discussion points at things that exist (its lesson, a stage of that lesson's
plan, a case pupil or the class). Pending conflicts are not problems: they are
listed as notes for the group to review, and so are notes in no stage of their
lesson (taken before the first stage or after the end): the write-up prints
them under a heading of their own, and the discussion places them.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Any
from uuid import UUID

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import (
    CLASS,
    OPEN_HOUSE_LESSON,
    Discussion,
    Interview,
    Observation,
    OpenHouse,
    ResearchLesson,
    StageMark,
)
from lessonstudy.process import place_notes
from lessonstudy.store.converter import structure
from lessonstudy.store.documents import BODY_TYPES, SINGLE_DOCUMENTS
from lessonstudy.store.rows import NOTE_COLUMNS, mark_from_row, note_from_row
from lessonstudy.store.study_file import StudyFile


@attrs.frozen
class CheckReport:
    problems: list[str] = attrs.field(factory=list)  # each one line, without the file name
    notes: list[str] = attrs.field(factory=list)  # worth knowing, not wrong (pending conflicts)

    @property
    def sound(self) -> bool:
        return not self.problems


def check_study(path: str | os.PathLike[str]) -> CheckReport:
    """Check the study file at `path`, changing nothing.

    Raises LessonStudyError (one line naming the file) when it cannot be opened
    as a study at all: missing, a folder, not SQLite, not a study, newer.
    """
    problems: list[str] = []
    notes: list[str] = []
    with StudyFile.open(path, read_only=True) as study_file:
        try:
            with study_file.snapshot() as con:
                _check_integrity(con, problems)
                _check_contents(con, problems, notes)
        except (sqlite3.DatabaseError, LessonStudyError) as error:
            problems.append(f"damaged: cannot be read ({_cause(error)})")
    return CheckReport(problems=problems, notes=notes)


def _cause(error: Exception) -> str:
    text = str(error)
    # A LessonStudyError from the store already names the file: keep the reason.
    return text.split("damaged study file (", 1)[-1].rstrip(")") if "damaged" in text else text


def _check_integrity(con: sqlite3.Connection, problems: list[str]) -> None:
    rows = [row[0] for row in con.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        # One line however many pages are hurt: the first finding says enough.
        more = f" (and {len(rows) - 1} more findings)" if len(rows) > 1 else ""
        problems.append(f"damaged: SQLite's integrity check found {rows[0]}{more}")


def _check_contents(con: sqlite3.Connection, problems: list[str], notes: list[str]) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = 'study_id'").fetchone()
    if row is None:
        problems.append("the study's id is missing")
    else:
        try:
            UUID(row[0])
        except (ValueError, TypeError, AttributeError):
            problems.append(f"the study's id {row[0]!r} is not an id")

    lessons: dict[int, ResearchLesson | None] = {}  # None: there, but unreadable
    labels: list[str] | None = None
    belongs: list[tuple[str, int]] = []  # interviews and discussions: (name, lesson)
    house: OpenHouse | None = None
    seen: set[str] = set()
    for kind, key, body in con.execute("SELECT kind, key, body FROM document"):
        seen.add(kind)
        obj = _check_document(kind, key, body, problems)
        if isinstance(obj, ResearchLesson):
            lessons[obj.number] = obj
        elif kind == "lesson" and key.isdigit():
            lessons.setdefault(int(key), None)
        elif kind == "pupils" and obj is not None:
            labels = [pupil.label for pupil in obj]
        elif isinstance(obj, Interview | Discussion):
            belongs.append((describe_document(kind, key, body), obj.lesson))
        elif isinstance(obj, OpenHouse):
            house = obj
    for document in SINGLE_DOCUMENTS:
        if document.kind not in seen:
            problems.append(f"{describe_document(document.kind, '')} is missing")

    for name, number in belongs:
        if number not in lessons:
            problems.append(f"{name}: lesson {number} is not in the study")
    # The open house's notes and marks run on the plan it teaches (usually the
    # last), numbered as they are: a timeline of their own.
    timelines = dict(lessons)
    taught = house.lesson if house is not None and house.lesson in lessons else None
    if taught is None and lessons:
        taught = max(lessons)
    if taught is not None:
        plan = lessons[taught]
        timelines[OPEN_HOUSE_LESSON] = (
            None if plan is None else attrs.evolve(plan, number=OPEN_HOUSE_LESSON)
        )
    read_notes: list[Observation] = []
    for row in con.execute(f"SELECT {NOTE_COLUMNS} FROM note ORDER BY seq"):
        note = _check_note(row, timelines, labels, problems)
        if note is not None:
            read_notes.append(note)
    read_marks: list[StageMark] = []
    for row in con.execute("SELECT id, lesson, observer, stage_id, at FROM stage_mark"):
        mark = _check_mark(row, timelines, problems, notes)
        if mark is not None:
            read_marks.append(mark)
    _check_placed(read_notes, read_marks, timelines, notes)

    for kind, key, body, source, found_at in con.execute(
        "SELECT kind, key, body, source, found_at FROM conflict WHERE dismissed = 0"
        " ORDER BY found_at"
    ):
        notes.append(
            f"{describe_document(kind, key, body)}: a conflicting version from {source} "
            f"(kept {found_at[:16].replace('T', ' ')}) waits to be reviewed"
        )


def _check_document(kind: str, key: str, body: str, problems: list[str]) -> Any:
    name = describe_document(kind, key, body)
    if kind not in BODY_TYPES:
        problems.append(f"{name}: unknown kind of document {kind!r}")
        return None
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, TypeError) as error:
        problems.append(f"{name}: not valid JSON ({error})")
        return None
    try:
        obj = structure(data, BODY_TYPES[kind], where=name)
    except LessonStudyError as error:
        problems.append(str(error))
        return None
    expected = {
        "lesson": lambda: str(obj.number),
        "discussion": lambda: str(obj.lesson),
        "interview": lambda: str(obj.id),
    }.get(kind, lambda: "")()
    if key != expected:
        problems.append(f"{name}: stored under key {key!r} but it says {expected!r}")
    return obj


def _check_note(
    row: tuple[Any, ...],
    lessons: dict[int, ResearchLesson | None],
    labels: list[str] | None,
    problems: list[str],
) -> Observation | None:
    try:
        note = note_from_row(row)
    except (ValueError, TypeError) as error:
        problems.append(f"note {row[0]}: cannot be read ({error})")
        return None
    name = f"note {note.id} (lesson {note.lesson}, {note.observer})"
    if note.lesson not in lessons:
        problems.append(f"{name}: lesson {note.lesson} is not in the study")
        return None
    plan = lessons[note.lesson]
    # A stage a person chose must still be in the plan (removing a stage moves its
    # notes); an unreadable plan is reported once, as a document problem.
    if plan is not None and note.stage_id is not None and plan.stage_number(note.stage_id) is None:
        problems.append(f"{name}: placed in a stage that is not in lesson {note.lesson}'s plan")
    # An unreadable pupils list is reported once, as a document problem.
    if labels is not None and note.about != CLASS and note.about not in labels:
        problems.append(f"{name}: about {note.about!r}, neither a case pupil nor the class")
    return note


def _check_mark(
    row: tuple[Any, ...],
    lessons: dict[int, ResearchLesson | None],
    problems: list[str],
    notes: list[str],
) -> StageMark | None:
    try:
        mark = mark_from_row(row)
    except (ValueError, TypeError) as error:
        problems.append(f"stage mark {row[0]}: cannot be read ({error})")
        return None
    name = f"stage mark {mark.id} (lesson {mark.lesson}, {mark.observer})"
    _check_lesson_and_stage(name, mark.lesson, mark.stage_id, lessons, problems, notes)
    return mark


def _check_placed(
    read_notes: list[Observation],
    marks: list[StageMark],
    lessons: dict[int, ResearchLesson | None],
    notes: list[str],
) -> None:
    """Say how many notes of each lesson are in no stage of its plan (not a fault)."""
    plans = [plan for plan in lessons.values() if plan is not None]
    place_notes(read_notes, plans, marks)
    for plan in sorted(plans, key=lambda p: p.number):
        live = [n for n in read_notes if n.lesson == plan.number and not n.deleted]
        unplaced = [n for n in live if plan.stage_number(n.stage_id) is None]
        if unplaced:
            where = (
                "the open house" if plan.number == OPEN_HOUSE_LESSON else f"lesson {plan.number}"
            )
            notes.append(
                f"{where}: {len(unplaced)} of its {len(live)} notes are in no "
                "stage (taken before the first stage or after the end); the write-up lists "
                "them apart, and the discussion can place them"
            )


def _check_lesson_and_stage(
    name: str,
    number: int,
    stage_id: UUID | None,
    lessons: dict[int, ResearchLesson | None],
    problems: list[str],
    notes: list[str],
) -> None:
    if number not in lessons:
        problems.append(f"{name}: lesson {number} is not in the study")
        return
    plan = lessons[number]
    # An unreadable plan is reported once, as a document problem.
    if plan is not None and stage_id is not None and plan.stage_number(stage_id) is None:
        # Not damage: a group may take a stage out of a plan after observing it.
        # The evidence grid lists such notes apart; worth knowing, not unsound.
        notes.append(f"{name}: its stage is not in lesson {number}'s plan (any more)")


def describe_document(kind: str, key: str, body: str | None = None) -> str:
    """A document's name as the group would say it: "lesson 2 plan"."""
    names = {
        "overview": "the overview",
        "members": "the members list",
        "pupils": "the case pupils",
        "findings": "the findings",
        "open_house": "the open house",
        "lesson": f"lesson {key} plan",
        "discussion": f"lesson {key} discussion",
    }
    if kind in names:
        return names[kind]
    data: Any = None
    if body is not None:
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, TypeError):
            data = None
    if not isinstance(data, dict):
        data = {}
    if kind == "interview":
        who = data.get("interviewee") or key[:8]
        lesson = data.get("lesson")
        return f"interview with {who}" + (f" (lesson {lesson})" if lesson is not None else "")
    if kind == "note":
        text = str(data.get("text", ""))
        text = text if len(text) <= 40 else text[:39] + "…"
        return f"lesson {data.get('lesson', '?')} note by {data.get('observer', '?')} ({text!r})"
    return f"{kind} {key}".strip()
