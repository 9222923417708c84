"""Notes an observer typed elsewhere, one per line, brought into a study.

    # lines starting with # and blank lines are skipped
    09:05 A 1 = counts on in ones along the line
    09:12 class 2 ! half the class put 1/2 at the end of the line
    09:14 b 2 + ? placed 3/4 without the ruler

Each line is `HH:MM WHO STAGE [MARK] [!] TEXT`: the time and the stage, then
the same note grammar as the app's note line (widgets/note_line.py): WHO a
case pupil's label (any case), or `class` (or `0`, the app's class key); MARK
one of `=` `+` `-` `?`; `!` flags a critical incident; the mark and the `!`
may come in either order. A mark stands alone (`-3 is text` is text); after
one mark, another is text. A bad line is reported with its line number, and
then nothing is imported.

Note ids are derived from the line (uuid5), so importing the same file twice
adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path
from uuid import UUID

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import read_input
from lessonstudy.model import CLASS, Judgement, Observation, ResearchLesson
from lessonstudy.store import documents
from lessonstudy.store.rows import insert_note
from lessonstudy.store.study_file import StudyFile

FORMAT = "HH:MM WHO STAGE [MARK] [!] TEXT"
CLASS_KEY = "0"  # as in the app
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_STAGE = re.compile(r"\d+")
# A mark stands alone: followed by white space (tabs too), a "!" or the end.
_MARK = re.compile(r"([=+?-])(?=\s|!|$)")
# Ids of notes imported without a study id (parse_notes called on its own).
_NAMESPACE = UUID("6c5d3a52-5e8f-4f7b-9a57-0f1c8f0b7a11")


@attrs.frozen
class ImportResult:
    added: int
    skipped: int  # already in the study (the same line imported before)


def parse_notes(
    text: str,
    *,
    where: str,
    lesson: ResearchLesson,
    labels: list[str],
    observer: str,
    day: dt.date,
    tz: dt.tzinfo | None,
    study_id: UUID | None = None,
) -> list[Observation]:
    """Parse notes text into observations of `lesson`, or raise for the first bad line.

    `tz` None means the local zone on `day` (right across daylight-saving
    changes). `study_id` makes the note ids unique to one study.
    """
    by_label = {label.casefold(): label for label in labels}
    namespace = uuid.uuid5(_NAMESPACE, str(study_id)) if study_id else _NAMESPACE
    seen: dict[str, int] = {}
    notes: list[Observation] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            note = _parse_line(line, lesson, by_label, observer, day, tz)
        except _BadLine as problem:
            raise LessonStudyError(f"{where}:{line_no}: {problem}") from None
        # The same line typed twice is two notes; the occurrence keeps them apart.
        occurrence = seen.get(line, 0)
        seen[line] = occurrence + 1
        note_id = uuid.uuid5(namespace, f"{observer}\n{lesson.number}\n{line}\n{occurrence}")
        notes.append(attrs.evolve(note, id=note_id))
    return notes


class _BadLine(Exception):
    pass


def _parse_line(
    line: str,
    lesson: ResearchLesson,
    by_label: dict[str, str],
    observer: str,
    day: dt.date,
    tz: dt.tzinfo | None,
) -> Observation:
    parts = line.split(maxsplit=3)
    if len(parts) < 4:
        raise _BadLine(f"expected {FORMAT}, got {line!r}")
    time_text, who, stage_text, rest = parts

    match = _TIME.fullmatch(time_text)
    if match is None:
        raise _BadLine(f"{time_text!r} is not a time (HH:MM, 00:00 to 23:59)")
    naive = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
    at = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()

    if who.casefold() == CLASS or who == CLASS_KEY:
        about = CLASS
    elif who.casefold() in by_label:
        about = by_label[who.casefold()]
    else:
        choices = ", ".join([*by_label.values(), CLASS])
        raise _BadLine(f"{who!r} is not a case pupil (use {choices})")

    stage_count = len(lesson.stages)
    if _STAGE.fullmatch(stage_text) is None:
        raise _BadLine(f"{stage_text!r} is not a stage number")
    stage = int(stage_text)
    if stage_count == 0:
        raise _BadLine(f"lesson {lesson.number}'s plan has no stages yet")
    if not 1 <= stage <= stage_count:
        plural = "stage" if stage_count == 1 else "stages"
        raise _BadLine(
            f"stage {stage} is not in lesson {lesson.number}'s plan (it has {stage_count} {plural})"
        )

    judgement: Judgement | None = None
    critical = False
    while True:  # one mark and one "!", in either order, as on the note line
        mark = _MARK.match(rest) if judgement is None else None
        if mark is not None:
            judgement = Judgement.from_symbol(mark[1])
        elif rest.startswith("!") and not critical:
            critical = True
        else:
            break
        rest = rest[1:].lstrip()
    if not rest:
        raise _BadLine("the note has no text")

    return Observation(
        lesson=lesson.number,
        observer=observer,
        at=at,
        about=about,
        text=rest,
        stage_id=lesson.stages[stage - 1].id,
        judgement=judgement,
        critical=critical,
    )


MAX_NOTES_MB = 16  # a lesson's notes are kilobytes; /dev/zero must not fill the memory


def read_notes_text(path: Path) -> str:
    """The file's text, or LessonStudyError naming it (an ordinary file only: a FIFO
    would wait forever, a device never ends)."""
    data = read_input(path, what="a notes file", limit_mb=MAX_NOTES_MB)
    try:
        # utf-8-sig: Windows editors often start the file with a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LessonStudyError(
            f"{path}: not a notes file (not UTF-8 text at byte {error.start})"
        ) from None


def import_notes(
    study_file: StudyFile,
    path: str | os.PathLike[str],
    *,
    observer: str,
    lesson: int,
    day: dt.date | None = None,
) -> ImportResult:
    """Import a notes file into lesson `lesson`: every note, or (on any bad line) none.
    The notes' day is `day`, else the lesson's date, else today."""
    path = Path(path)
    observer = observer.strip()
    if not observer:
        raise LessonStudyError(f"{path}: the observer's name is empty")
    observer = _member_name(study_file, observer)
    text = read_notes_text(path)
    found = study_file.find(documents.lesson(lesson))
    if found is None:
        numbers = study_file.lesson_numbers()
        have = ", ".join(map(str, numbers)) or "none"
        raise LessonStudyError(
            f"{study_file.path}: lesson {lesson} is not in this study (lessons: {have})"
        )
    plan = found.value
    pupils = study_file.read(documents.PUPILS).value
    notes = parse_notes(
        text,
        where=str(path),
        lesson=plan,
        labels=[pupil.label for pupil in pupils],
        observer=observer,
        day=day or plan.date or dt.date.today(),
        tz=None,
        study_id=study_file.study_id,
    )
    added = 0
    with study_file.transaction() as con:
        for note in notes:
            exists = con.execute("SELECT 1 FROM note WHERE id = ?", (str(note.id),)).fetchone()
            if exists is None:
                insert_note(con, note)
                added += 1
    return ImportResult(added=added, skipped=len(notes) - added)


def _member_name(study_file: StudyFile, observer: str) -> str:
    """The group member's name as the study spells it ("tom hughes" -> "Tom Hughes"),
    so the same notes imported under another spelling are not added twice."""
    names = [member.name for member in study_file.read(documents.MEMBERS).value]
    if not names:
        return observer  # a study without a group yet: take the name as given
    for name in names:
        if name.casefold() == observer.casefold():
            return name
    raise LessonStudyError(
        f"{study_file.path}: {observer!r} is not in the group (members: {', '.join(names)})"
    )
