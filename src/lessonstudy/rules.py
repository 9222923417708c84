"""What a sound study keeps true beyond each field's type: ids that are unique and
references that point at something (a note's lesson, its pupil, its stage).

The JSON import checks these before creating a file, so that an export edited
by hand cannot lose a lesson (two with one number) or crash on a repeated id.
Pure: no storage, no UI.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator

from lessonstudy.model import CLASS, OPEN_HOUSE_LESSON, Study


def _duplicates(path: str, keys: Iterable[Hashable], what: str) -> Iterator[str]:
    seen: set[Hashable] = set()
    for index, key in enumerate(keys):
        if key in seen:
            yield f"{what} {key} appears twice @ {path}[{index}]"
        seen.add(key)


def study_problems(study: Study, root: str = "$") -> list[str]:
    """Every broken rule, each as "what is wrong @ its JSON path"."""
    problems: list[str] = []
    add = problems.extend
    add(_duplicates(f"{root}.pupils", (p.label for p in study.pupils), "case pupil"))
    add(_duplicates(f"{root}.members", (m.name for m in study.members), "member"))
    add(_duplicates(f"{root}.lessons", (les.number for les in study.lessons), "lesson"))
    add(
        _duplicates(
            f"{root}.discussions", (d.lesson for d in study.discussions), "discussion of lesson"
        )
    )
    add(_duplicates(f"{root}.interviews", (i.id for i in study.interviews), "interview"))
    add(_duplicates(f"{root}.notes", (n.id for n in study.notes), "note"))
    add(_duplicates(f"{root}.marks", (m.id for m in study.marks), "stage mark"))

    lessons = {lesson.number: lesson for lesson in study.lessons}
    labels = set(study.labels) | {CLASS}
    for name, items in (("interviews", study.interviews), ("discussions", study.discussions)):
        for index, item in enumerate(items):
            if item.lesson not in lessons:
                problems.append(
                    f"lesson {item.lesson} is not in the study @ {root}.{name}[{index}].lesson"
                )
    # Notes and marks may also belong to the open house's own timeline.
    timelines = set(lessons) | {OPEN_HOUSE_LESSON}
    for index, note in enumerate(study.notes):
        where = f"{root}.notes[{index}]"
        if note.lesson not in timelines:
            problems.append(f"lesson {note.lesson} is not in the study @ {where}.lesson")
        if note.about not in labels:
            problems.append(f"{note.about!r} is neither a case pupil nor {CLASS!r} @ {where}.about")
    for index, mark in enumerate(study.marks):
        if mark.lesson not in timelines:
            problems.append(
                f"lesson {mark.lesson} is not in the study @ {root}.marks[{index}].lesson"
            )
    return problems
