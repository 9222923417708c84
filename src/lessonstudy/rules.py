"""What a sound study keeps true beyond each field's type: numbers within their
bounds, ids and names that are unique, and references that point at something
(a note's lesson, its pupil, an observer's assignment, the open-house lesson).

One set of rules for every way in: the JSON import and the command line check
these before creating a file, `check` reports them, and the app's inputs use
the same bounds, so nothing imported or typed can crash a screen (an open
house pointing at lesson 99, two stages with one id, seven case pupils, a
stage of 13-digit minutes ...). Pure: no storage, no UI.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence

from lessonstudy.model import (
    CLASS,
    MAX_LESSONS,
    MAX_PUPILS,
    MIN_LESSONS,
    MIN_PUPILS,
    OPEN_HOUSE_LESSON,
    Discussion,
    Interview,
    Overview,
    ResearchLesson,
    Study,
    label_problem,
)

MAX_MINUTES = 600
"""A stage's planned minutes: 0 to 600 (a whole school day is about 390)."""
MAX_CLASS_SIZE = 200
"""Pupils in the class: 1 to 200."""
MAX_REVISION = 2**53  # far beyond any real count of edits, and within SQLite's integers


def in_bounds(value: int | None, low: int, high: int) -> bool:
    return value is None or low <= value <= high


def minutes_problem(value: int | None) -> str | None:
    """Why a stage's minutes cannot be saved (None: they can)."""
    if in_bounds(value, 0, MAX_MINUTES):
        return None
    return f"minutes must be 0 to {MAX_MINUTES}"


def class_size_problem(value: int | None) -> str | None:
    if in_bounds(value, 1, MAX_CLASS_SIZE):
        return None
    return f"the number of pupils in the class must be 1 to {MAX_CLASS_SIZE}"


def _duplicates(
    path: str, keys: Iterable[Hashable], what: str, *, shown: Iterable[object] | None = None
) -> Iterator[str]:
    seen: set[Hashable] = set()
    names = list(shown) if shown is not None else None
    for index, key in enumerate(keys):
        if key in seen:
            name = names[index] if names is not None else key
            yield f"{what} {name} appears twice @ {path}[{index}]"
        seen.add(key)


def _overview_problems(overview: Overview, root: str) -> Iterator[str]:
    if not MIN_LESSONS <= overview.lesson_count <= MAX_LESSONS:
        yield (
            f"a study has {MIN_LESSONS} to {MAX_LESSONS} research lessons"
            f" @ {root}.overview.lesson_count"
        )
    size = class_size_problem(overview.class_details.pupil_count)
    if size:
        yield f"{size} @ {root}.overview.class_details.pupil_count"


def _lesson_problems(lesson: ResearchLesson, where: str, members: set[str]) -> Iterator[str]:
    if not MIN_LESSONS <= lesson.number <= MAX_LESSONS:
        yield f"a lesson's number is {MIN_LESSONS} to {MAX_LESSONS} @ {where}.number"
    yield from _duplicates(f"{where}.stages", (s.id for s in lesson.stages), "stage id")
    for index, stage in enumerate(lesson.stages):
        problem = minutes_problem(stage.minutes)
        if problem:
            yield f"{problem} @ {where}.stages[{index}].minutes"
    if members:
        for observer in lesson.assignments:
            if observer.casefold() not in members:
                yield f"{observer!r} is not a member of the group @ {where}.assignments"


def study_problems(study: Study, root: str = "$") -> list[str]:
    """Every broken rule, each as "what is wrong @ its JSON path"."""
    problems: list[str] = []
    add = problems.extend
    add(_overview_problems(study.overview, root))

    if not MIN_PUPILS <= len(study.pupils) <= MAX_PUPILS:
        problems.append(
            f"a study has {MIN_PUPILS} to {MAX_PUPILS} case pupils, not {len(study.pupils)}"
            f" @ {root}.pupils"
        )
    for index, pupil in enumerate(study.pupils):
        problem = label_problem(pupil.label)
        if problem:
            problems.append(f"{problem} @ {root}.pupils[{index}].label")
    labels = [p.label for p in study.pupils]
    add(
        _duplicates(
            f"{root}.pupils", (label.casefold() for label in labels), "case pupil", shown=labels
        )
    )
    names = [m.name for m in study.members]
    for index, name in enumerate(names):
        if not name.strip():
            problems.append(f"a member needs a name @ {root}.members[{index}].name")
    # Names differ by more than case: "Ann" and "ANN" would be one person on screen.
    add(_duplicates(f"{root}.members", (n.casefold() for n in names), "member", shown=names))

    add(_duplicates(f"{root}.lessons", (les.number for les in study.lessons), "lesson"))
    members = {name.casefold() for name in names}
    for index, lesson in enumerate(study.lessons):
        add(_lesson_problems(lesson, f"{root}.lessons[{index}]", members))
    add(
        _duplicates(
            f"{root}.discussions", (d.lesson for d in study.discussions), "discussion of lesson"
        )
    )
    add(_duplicates(f"{root}.interviews", (i.id for i in study.interviews), "interview"))
    add(_duplicates(f"{root}.notes", (n.id for n in study.notes), "note"))
    add(_duplicates(f"{root}.marks", (m.id for m in study.marks), "stage mark"))

    lessons = {lesson.number: lesson for lesson in study.lessons}
    known = set(labels) | {CLASS}
    in_lessons: tuple[tuple[str, Sequence[Interview | Discussion]], ...] = (
        ("interviews", study.interviews),
        ("discussions", study.discussions),
    )
    for name, items in in_lessons:
        for index, item in enumerate(items):
            if item.lesson not in lessons:
                problems.append(
                    f"lesson {item.lesson} is not in the study @ {root}.{name}[{index}].lesson"
                )
    house = study.open_house.lesson
    if house is not None and house not in lessons:
        problems.append(f"lesson {house} is not in the study @ {root}.open_house.lesson")
    # Notes and marks may also belong to the open house's own timeline.
    timelines = set(lessons) | {OPEN_HOUSE_LESSON}
    house_plan = study.open_house_lesson()
    stages = {number: {s.id for s in plan.stages} for number, plan in lessons.items()}
    if house_plan is not None:
        stages[OPEN_HOUSE_LESSON] = {s.id for s in house_plan.stages}
    for index, note in enumerate(study.notes):
        where = f"{root}.notes[{index}]"
        if note.lesson not in timelines:
            problems.append(f"lesson {note.lesson} is not in the study @ {where}.lesson")
        elif (
            note.stage_chosen
            and note.stage_id is not None
            and note.stage_id not in stages.get(note.lesson, set())
        ):
            # Nothing may point at a stage that no longer exists (removing one moves
            # its notes): the app would not know where to show the note.
            problems.append(
                f"a stage that is not in lesson {note.lesson}'s plan @ {where}.stage_id"
            )
        if note.about not in known:
            problems.append(f"{note.about!r} is neither a case pupil nor {CLASS!r} @ {where}.about")
        if not 1 <= note.revision <= MAX_REVISION:
            problems.append(f"a note's revision is a whole number from 1 @ {where}.revision")
    for index, mark in enumerate(study.marks):
        if mark.lesson not in timelines:
            problems.append(
                f"lesson {mark.lesson} is not in the study @ {root}.marks[{index}].lesson"
            )
    return problems
