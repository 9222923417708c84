"""`lessonstudy check`: is a study file sound?

Sound means: no damage (store.damage: SQLite's integrity check, the tables,
the study's id, every document's hash and JSON), every document reads back
strictly through the converter under its own key, every note, stage mark,
interview and discussion points at things that exist (its lesson, a stage of
that lesson's plan, a case pupil or the class), and the documents keep the
import's rules (rules.py). Pending conflicts are not problems: they are listed
as notes for the group to review, and so are notes in no stage of their lesson
(taken before the first stage or after the end): the write-up prints them under
a heading of their own, and the discussion places them.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
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
    Study,
)
from lessonstudy.process import place_notes
from lessonstudy.rules import study_problems
from lessonstudy.store import found_sound
from lessonstudy.store.connection import check_readable, connect
from lessonstudy.store.damage import describe_document, find_damage
from lessonstudy.store.documents import BODY_TYPES
from lessonstudy.store.rows import (
    NOTE_COLUMNS,
    DamagedContent,
    mark_from_row,
    note_from_row,
    read_documents,
)
from lessonstudy.store.schema import SCHEMA_VERSION


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
    path = Path(path)
    check_readable(path)
    problems: list[str] = []
    notes: list[str] = []
    # A plain read-only connection, not StudyFile.open: that refuses damaged files,
    # and saying what the damage is is this function's job.
    con = connect(path, read_only=True)
    full_check = found_sound.FullCheck(path)
    try:
        con.execute("BEGIN")
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                notes.append("made by an older lessonstudy: opening it once in the app upgrades it")
            found = find_damage(con, rows=False)
            if found and found[0].startswith("SQLite's integrity check"):
                problems.append(f"damaged: {found[0]}")
            else:
                problems += found
                if not any(p.endswith("table is missing") or " column" in p for p in found):
                    _check_contents(con, problems, notes)
        finally:
            con.execute("ROLLBACK")
    except (sqlite3.DatabaseError, UnicodeDecodeError, LessonStudyError, DamagedContent) as error:
        problems.append(f"damaged: cannot be read ({_cause(error)})")
    finally:
        con.close()
    if not problems and version == SCHEMA_VERSION:
        full_check.passed()  # every open's checks and more: the next open need not repeat them
    return CheckReport(problems=problems, notes=notes)


def _cause(error: Exception) -> str:
    text = str(error)
    # A LessonStudyError from the store already names the file: keep the reason.
    return text.split("damaged study file (", 1)[-1].rstrip(")") if "damaged" in text else text


def _check_contents(con: sqlite3.Connection, problems: list[str], notes: list[str]) -> None:
    # The study's id, hashes, JSON and missing documents: find_damage, before this.
    found, read = read_documents(con)  # each document parsed and structured once
    problems += found
    documents: dict[str, list[Any]] = {kind: [] for kind in BODY_TYPES}
    lessons: dict[int, ResearchLesson | None] = {}  # None: there, but unreadable
    labels: list[str] | None = None
    belongs: list[tuple[str, int]] = []  # interviews and discussions: (name, lesson)
    house: OpenHouse | None = None
    for kind, key, name, obj in read:
        if obj is not None:
            documents[kind].append(obj)
        if isinstance(obj, ResearchLesson):
            lessons[obj.number] = obj
        elif kind == "lesson" and isinstance(key, str) and key.isdigit():
            lessons.setdefault(int(key), None)
        elif kind == "pupils" and obj is not None:
            labels = [pupil.label for pupil in obj]
        elif isinstance(obj, Interview | Discussion):
            belongs.append((name, obj.lesson))
        elif isinstance(obj, OpenHouse):
            house = obj
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
    problems += _rule_problems(documents)

    for kind, key, body, source, found_at in con.execute(
        "SELECT kind, key, body, source, found_at FROM conflict WHERE dismissed = 0"
        " ORDER BY found_at"
    ):
        notes.append(
            f"{describe_document(kind, key, body)}: a conflicting version from {source} "
            f"(kept {found_at[:16].replace('T', ' ')}) waits to be reviewed"
        )


def _rule_problems(documents: dict[str, list[Any]]) -> list[str]:
    """The import's rules over the documents (notes and references are checked above)."""
    if any(len(documents[kind]) != 1 for kind in ("overview", "members", "pupils", "open_house")):
        return []  # a missing or unreadable one is reported already
    study = Study(
        overview=documents["overview"][0],
        members=documents["members"][0],
        pupils=documents["pupils"][0],
        lessons=sorted(documents["lesson"], key=lambda lesson: lesson.number),
        open_house=documents["open_house"][0],
    )
    return [f"breaks a rule: {problem}" for problem in study_problems(study)]


def _check_note(
    row: tuple[Any, ...],
    lessons: dict[int, ResearchLesson | None],
    labels: list[str] | None,
    problems: list[str],
) -> Observation | None:
    try:
        note = note_from_row(row)
    except DamagedContent as error:
        problems.append(str(error))
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
    except DamagedContent as error:
        problems.append(str(error))
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
