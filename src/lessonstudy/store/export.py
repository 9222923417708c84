"""The JSON export: a versioned envelope around the whole study.

    {"format": "lessonstudy", "version": 1, "study": {...}}

Older versions are migrated at the dict level before structuring, so the
model classes only ever see the current shape. Case pupils' private notes
never leave the study file: they are blanked on export.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.files import read_input, write_atomically
from lessonstudy.model import Study
from lessonstudy.rules import study_problems
from lessonstudy.store.converter import structure, unstructure

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
