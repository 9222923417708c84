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
from lessonstudy.report.context import visitor_names

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
    pseudonyms = {p.label: p.pseudonym for p in study.pupils}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    visitors = visitor_names(study)
    house = study.open_house_lesson()  # the open house's own timeline, after the lessons
    for lesson in [*study.lessons, *([house] if house is not None else [])]:
        at_open_house = lesson.number == OPEN_HOUSE_LESSON
        date = study.open_house.date if at_open_house else lesson.date
        stages = {stage.id: (n, stage.title) for n, stage in enumerate(lesson.stages, start=1)}
        for note in study.live_notes(lesson.number):
            number, title = stages.get(note.stage_id, (None, ""))  # type: ignore[arg-type]
            writer.writerow(
                [
                    "open house" if at_open_house else f"RL{lesson.number}",
                    date.isoformat() if date else "",
                    note.at.strftime("%H:%M"),
                    note.at.isoformat(),
                    number if number is not None else "",
                    _cell(title),
                    "class" if note.about == CLASS else note.about,
                    _cell(pseudonyms.get(note.about, "")),
                    _cell(visitors.get(note.observer, note.observer)),
                    note.judgement.words if note.judgement else "",
                    "yes" if note.critical else "",
                    "yes" if note.starred else "",
                    _cell(note.text),
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
