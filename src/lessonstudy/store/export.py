"""The JSON export: a versioned envelope around the whole study.

    {"format": "lessonstudy", "version": 1, "study": {...}}

Older versions are migrated at the dict level before structuring, so the
model classes only ever see the current shape. Case pupils' private notes
never leave the study file: they are blanked on export.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from lessonstudy.bulk import collection_paused
from lessonstudy.errors import LessonStudyError
from lessonstudy.files import (
    building,
    os_error,
    read_input,
    refuse_to_overwrite_a_study,
    write_atomically,
)
from lessonstudy.model import Study
from lessonstudy.rules import study_problems
from lessonstudy.store.converter import structure, unstructure

if TYPE_CHECKING:
    from lessonstudy.store.study_file import StudyFile

FORMAT = "lessonstudy"
VERSION = 3


def _v1_to_v2(study: dict[str, Any]) -> dict[str, Any]:
    """Version 2: one timeline per lesson. A version-1 note's stage was its observer's
    own (chosen, in today's words); one with no stage takes the lesson's timeline.
    The other new fields (prediction records, the group's judgements, where a plan
    was copied from) start empty."""
    notes = study.get("notes")
    if isinstance(notes, list):
        for note in notes:
            if isinstance(note, dict) and "stage_chosen" not in note:
                note["stage_chosen"] = note.get("stage_id") is not None
    return study


def _v2_to_v3(study: dict[str, Any]) -> dict[str, Any]:
    """Version 3: notes starred for the write-up, and the case report's own fields
    (all new, all with defaults: nothing to change). The number moves so that an
    older lessonstudy says "upgrade" instead of naming a key it does not know."""
    return study


# DICT_MIGRATIONS[n] turns a version-n envelope's "study" into version n + 1.
DICT_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
}


def without_private_notes(study: Study) -> Study:
    """What may leave the study file: no private notes on pupils, and no text of
    deleted notes (a note is often deleted because it named a child)."""
    return attrs.evolve(
        study,
        pupils=[attrs.evolve(p, private_note="") for p in study.pupils],
        notes=[attrs.evolve(n, text="") if n.deleted else n for n in study.notes],
    )


def to_envelope(study: Study) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "study": unstructure(without_private_notes(study)),
    }


def dumps(study: Study) -> str:
    return json.dumps(to_envelope(study), ensure_ascii=False, indent=2) + "\n"


def write_json(study: Study, dest: str | os.PathLike[str]) -> None:
    """Write the export atomically: a reader never sees half a file."""
    write_atomically(Path(dest), dumps(study).encode("utf-8"), what="export")


# ------------------------------------------------------------------ streamed export

# How dumps() lays out the study's notes: a note's keys at this depth (envelope >
# study > notes > note), in the order the converter unstructures Observation.
_NOTE_INDENT = " " * 8
_EMPTY_NOTES = '\n    "notes": [],\n'


def stream(study_file: StudyFile, out: TextIO) -> None:
    """Write the export of the study in `study_file` to `out`: the same text as
    `dumps(study_file.load())`, byte for byte, without making a model object per
    note or holding the study several times over (at 90,000 notes: a tenth of
    the time and a third of the memory).

    Every document and stage mark goes through the converter as in dumps(); the
    notes, which are most of a study, are laid out straight from their rows."""
    from lessonstudy.store import rows as stored

    with study_file.snapshot() as con, collection_paused():
        study = stored.load_study(study_file.path, con, with_notes=False)
        study.marks = [
            stored.mark_from_row(row)
            for row in con.execute(f"SELECT {stored.MARK_COLUMNS} FROM stage_mark ORDER BY at")
        ]
        notes = con.execute(f"SELECT {stored.NOTE_COLUMNS} FROM note ORDER BY seq").fetchall()
        unchosen = {row[1] for row in notes if not row[11]}
        timelines = {lesson: study_file.timeline_in(con, lesson) for lesson in unchosen}
        text = dumps(study)
        head, found, tail = text.partition(_EMPTY_NOTES)
        if not found:  # dumps() lays notes out otherwise now: this must follow it
            raise AssertionError("the export's layout changed: update export.stream")
        out.write(head)
        if not notes:
            out.write(_EMPTY_NOTES)
        else:
            out.write('\n    "notes": [\n')
            out.writelines(_note_texts(notes, timelines))
            out.write("\n    ],\n")
        out.write(tail)


def _note_texts(notes: list[Any], timelines: dict[int, Any]) -> Iterator[str]:
    """Each note as dumps() lays it out, in chunks of a few thousand notes."""
    parsed = [(dt.datetime.fromisoformat(row[3]), row) for row in notes]
    parsed.sort(key=lambda pair: pair[0])  # in time order, as Study.notes (stable: by seq)
    names: dict[str, str] = {}  # observers, pupils' labels: a handful, quoted once

    def quoted(text: str) -> str:
        found = names.get(text)
        if found is None:
            found = names[text] = encode_basestring(text)
        return found

    indent = _NOTE_INDENT
    chunk: list[str] = []
    opening = "      {\n"  # then ",\n      {\n" before every later note
    for at, row in parsed:
        (id_, lesson, observer, _at, stage, about, text, judgement) = row[:8]
        critical, deleted, revision, chosen, starred = row[8:]
        if not chosen:
            line = timelines.get(lesson)
            placed = line.stage_at(at) if line is not None else None
            stage = str(placed) if placed is not None else None
        # Ids, times and judgements are ours (hex, digits, enum values): nothing to escape.
        # A deleted note's text never leaves (without_private_notes). One f-string a
        # note: joined in one go, not piece by piece (90,000 notes: 0.45 s -> 0.2 s).
        chunk.append(
            f"""{opening}{indent}"lesson": {lesson},
{indent}"observer": {quoted(observer)},
{indent}"at": "{at.isoformat()}",
{indent}"about": {quoted(about)},
{indent}"text": {'""' if deleted else encode_basestring(text)},
{indent}"stage_id": {f'"{stage}"' if stage else "null"},
{indent}"judgement": {f'"{judgement}"' if judgement else "null"},
{indent}"critical": {"true" if critical else "false"},
{indent}"deleted": {"true" if deleted else "false"},
{indent}"revision": {revision},
{indent}"id": "{id_}",
{indent}"stage_chosen": {"true" if chosen else "false"},
{indent}"starred": {"true" if starred else "false"}
      }}"""
        )
        opening = ",\n      {\n"
        if len(chunk) == 2000:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def stream_to_file(study_file: StudyFile, dest: Path) -> None:
    """stream() into `dest`, atomically (as write_atomically): a reader sees the old
    file or the whole new one."""
    if dest.is_dir():
        raise LessonStudyError(f"{dest}: is a folder; give a file name to write the export to")
    refuse_to_overwrite_a_study(dest, "export")
    with building(dest, mode=0o666) as partial:
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as handle:
                stream(study_file, handle)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before it replaces the old one
            study_file.confirm_sound()  # opened by open_to_make: its checks' verdict first
            os.replace(partial, dest)
        except OSError as error:
            raise os_error(dest, error, "cannot be written") from None


def loads(text: str, *, where: str) -> Study:
    """Parse an export; LessonStudyError names `where`, the line or the field path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LessonStudyError(
            f"{where}: not valid JSON ({error.msg}) at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise LessonStudyError(f"{where}: not a lessonstudy export (nested too deeply)") from None
    try:
        return from_envelope(data, where=where)
    except RecursionError:  # nested just shallowly enough for the parser
        raise LessonStudyError(f"{where}: not a lessonstudy export (nested too deeply)") from None


def from_envelope(data: object, *, where: str) -> Study:
    if not isinstance(data, dict):
        raise LessonStudyError(f"{where}: expected a lessonstudy export (a JSON object) @ $")
    if data.get("format") != FORMAT:
        raise LessonStudyError(
            f'{where}: not a lessonstudy export (format is not "{FORMAT}") @ $.format'
        )
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise LessonStudyError(f"{where}: the version must be a whole number from 1 @ $.version")
    if version > VERSION:
        raise LessonStudyError(
            f"{where}: made by a newer lessonstudy (export version {version}, this version reads "
            f"up to {VERSION}); upgrade lessonstudy to import it @ $.version"
        )
    extra = set(data) - {"format", "version", "study"}
    if extra:
        raise LessonStudyError(f"{where}: extra fields found ({', '.join(sorted(extra))}) @ $")
    if "study" not in data:
        raise LessonStudyError(f"{where}: required field missing @ $.study")
    body = data["study"]
    for step in range(version, VERSION):
        body = DICT_MIGRATIONS[step](body)
    study = _structure_study(body, where)
    problems = study_problems(study, root="$.study")
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise LessonStudyError(f"{where}: {problems[0]}{more}")
    return study


def _structure_study(body: object, where: str) -> Study:
    try:
        return structure(body, Study, where=where)
    except LessonStudyError as error:
        # Paths are relative to the envelope, where the study sits under "study".
        raise LessonStudyError(str(error).replace("@ $", "@ $.study")) from None


MAX_EXPORT_MB = 256  # a 90,000-note study exports to about 30 MB


def read_json(path: str | os.PathLike[str]) -> Study:
    path = Path(path)
    data = read_input(path, what="a JSON export", limit_mb=MAX_EXPORT_MB)
    try:
        text = data.decode("utf-8-sig")  # Windows editors add a BOM
    except UnicodeDecodeError as error:
        raise LessonStudyError(
            f"{path}: not a JSON export (not UTF-8 text at byte {error.start})"
        ) from None
    return loads(text, where=str(path))
