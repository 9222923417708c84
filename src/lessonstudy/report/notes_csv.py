"""Every observation note that is not deleted, as CSV for a spreadsheet.

One row a note, in lesson and time order, UTF-8 with a byte-order mark so
that Excel reads accents and emoji right. A cell that starts with = + - @ (or
a tab or carriage return) would be run as a formula by a spreadsheet: such a
cell gets a leading apostrophe, which the spreadsheet shows as text and
hides. Pupils are named by label and pseudonym only, as in every write-up.
"""

from __future__ import annotations

import csv
import io

from lessonstudy.model import CLASS, OPEN_HOUSE_LESSON, Study
from lessonstudy.process.timeline import lesson_day
from lessonstudy.report.names import visitor_names

HEADER = (
    "lesson",
    "date",
    "time",
    "at",
    "stage",
    "stage title",
    "about",
    "pseudonym",
    "observer",
    "judgement",
    "critical",
    "starred",
    "note",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def notes_csv(study: Study) -> bytes:
    """The CSV's bytes. Tens of thousands of rows: what repeats (a stage, a pupil, an
    observer) is made safe once, and the clock time is cut from the ISO time."""
    pseudonyms = {p.label: _cell(p.pseudonym) for p in study.pupils}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    visitors = visitor_names(study)
    observers: dict[str, str] = {}
    house = study.open_house_lesson()  # the open house's own timeline, after the lessons
    rows: list[list[object]] = []
    for lesson in [*study.lessons, *([house] if house is not None else [])]:
        at_open_house = lesson.number == OPEN_HOUSE_LESSON
        name = "open house" if at_open_house else f"RL{lesson.number}"
        date = study.open_house.date if at_open_house else lesson_day(study, lesson)
        day = date.isoformat() if date else ""
        stages = {
            stage.id: (n, _cell(stage.title)) for n, stage in enumerate(lesson.stages, start=1)
        }
        for note in study.live_notes(lesson.number):
            number, title = stages.get(note.stage_id, ("", ""))  # type: ignore[arg-type]
            observer = observers.get(note.observer)
            if observer is None:
                observer = observers[note.observer] = _cell(
                    visitors.get(note.observer, note.observer)
                )
            at = note.at.isoformat()  # "2026-03-05T09:12:00+00:00": the time is [11:16]
            rows.append(
                [
                    name,
                    day,
                    at[11:16],
                    at,
                    number,
                    title,
                    "class" if note.about == CLASS else note.about,
                    pseudonyms.get(note.about, ""),
                    observer,
                    note.judgement.words if note.judgement else "",
                    "yes" if note.critical else "",
                    "yes" if note.starred else "",
                    _cell(note.text),
                ]
            )
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
