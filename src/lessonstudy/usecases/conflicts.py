"""Two versions of one thing, in plain words, and what the group decides about them.

A conflict is kept when two people really changed the same field differently
(`StudyFile.save_edit`, `update_note`, a merge of copies). It is shown field by
field, the version in the file now beside the other one, with who and when:
never as JSON or ids. Then: keep this one (the other is dismissed), keep that
one (its values are put back for those fields), or keep both (texts joined; a
note's other version becomes a note of its own).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs

from lessonstudy.errors import LessonStudyError
from lessonstudy.model import Judgement, Observation, new_id
from lessonstudy.process import placed
from lessonstudy.store import StudyFile, documents
from lessonstudy.store.converter import structure, unstructure
from lessonstudy.store.study_file import Conflict, NoSuchDocument

Path = tuple[str | int, ...]

FIELD_WORDS = {
    "about": "who it is about",
    "text": "what was seen",
    "stage_id": "the stage",
    "stage_chosen": "the stage (chosen or the clock's)",
    "judgement": "the judgement",
    "critical": "critical incident",
    "deleted": "deleted",
    "predictions": "prediction",
    "observed": "observed",
    "records": "points",
    "agreed_changes": "agreed changes",
    "carried_changes": "agreed changes to work in",
    "pupil_success_criteria": "success criterion",
    "assignments": "observers",
    "interview_questions": "questions for the interviews",
    "commentator_remarks": "the final commentator's remarks",
}
# Fields a person never sees: a difference only there is not shown.
HIDDEN = {"id", "revision", "prediction_records", "hash"}


@attrs.frozen
class Difference:
    path: Path
    where: str  # "stage 3 (Beyond one whole) · prediction for B"
    now: str  # the value in the file now, as words
    other: str  # the other version's value, as words
    texts: bool  # both are text: they can be kept both


@attrs.frozen
class ConflictView:
    conflict: Conflict
    what: str  # "the plan of RL2", "Ruth's note of 10:42"
    who_when: str  # "kept from another window, 21 Jan 10:42"
    differences: list[Difference]

    @property
    def can_keep_both(self) -> bool:
        return self.conflict.kind == "note" or any(d.texts for d in self.differences)


def describe(study_file: StudyFile, conflict: Conflict) -> ConflictView:
    """The conflict as the group reads it: what, who and when, field by field."""
    other = _other(study_file, conflict)
    current = _current(study_file, conflict)
    when = _when(conflict.found_at)
    if conflict.kind == "note":
        note = structure(other, Observation, where="conflict")
        what = f"{note.observer}'s note of {note.at.astimezone():%H:%M} (RL{note.lesson})"
        who = f"{note.observer}'s other version, kept {when}"
    else:
        what = documents.words_for(conflict.kind, conflict.key)
        source = (
            "from another window on this computer"
            if conflict.source == "edit"
            else f"from the copy {conflict.source}"
        )
        who = f"the other version, {source}, kept {when}"
    # Shown in words: a stage by its number and title, a judgement by its words,
    # never an id.
    stages = _stage_words(study_file, conflict, current, other)
    shown_now, shown_other = _readable(current, stages), _readable(other, stages)
    differences = [
        Difference(
            path,
            _where(path, shown_now),
            _words(now),
            _words(then),
            _is_text(_get(current, path), _get(other, path)),
        )
        for path, now, then in _differences(shown_now, shown_other)
    ]
    return ConflictView(conflict, what, who, differences)


def _stage_words(
    study_file: StudyFile, conflict: Conflict, current: Any, other: Any
) -> dict[str, str]:
    """Stage id -> 'stage 2 (Fraction wall)' for the lesson the conflict is about."""
    lesson = None
    for data in (current, other):
        if isinstance(data, dict) and isinstance(data.get("lesson"), int):
            lesson = data["lesson"]
    if conflict.kind == "lesson" and conflict.key.isdigit():
        lesson = int(conflict.key)
    if lesson not in study_file.lesson_numbers():
        return {}
    plan = study_file.read(documents.lesson(lesson)).value
    return {
        str(stage.id): f"stage {n} ({stage.title})" if stage.title else f"stage {n}"
        for n, stage in enumerate(plan.stages, start=1)
    }


def _readable(data: Any, stages: dict[str, str]) -> Any:
    """A copy of `data` with stage ids and judgement values in words."""
    if isinstance(data, dict):
        if {"stage_id", "pupil", "judgement"} <= set(data):  # a group judgement
            return (
                f"{data['pupil']} at {stages.get(str(data['stage_id']), 'a stage')}: "
                f"{_judgement_words(data['judgement'])}"
            )
        result = {}
        for key, value in data.items():
            if key == "stage_id":
                result[key] = stages.get(str(value), "in no stage") if value else "in no stage"
            elif key == "judgement":
                result[key] = _judgement_words(value)
            elif key == "at" and isinstance(value, str):
                result[key] = _when(value)
            else:
                result[key] = _readable(value, stages)
        return result
    if isinstance(data, list):
        return [_readable(item, stages) for item in data]
    return data


def _judgement_words(value: Any) -> str:
    try:
        return Judgement(value).words if value else "no judgement"
    except ValueError:
        return str(value)


def _get(data: Any, path: Path) -> Any:
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def keep_this(study_file: StudyFile, conflict: Conflict) -> None:
    """The version in the file now stays; the other is dismissed (kept, hidden)."""
    study_file.dismiss_conflict(conflict.id)


def keep_that(study_file: StudyFile, conflict: Conflict) -> None:
    """The other version's values go back in for the fields that differ."""
    _resolve(study_file, conflict, both=False)


def keep_both(study_file: StudyFile, conflict: Conflict) -> None:
    """Nothing is dropped: differing texts are joined (this one, then that one); a
    note's other version becomes a note of its own."""
    if conflict.kind == "note":
        other = structure(json.loads(conflict.body), Observation, where="conflict")
        study_file.add_note(attrs.evolve(other, id=new_id(), revision=1, deleted=False))
        study_file.dismiss_conflict(conflict.id)
        return
    _resolve(study_file, conflict, both=True)


# --------------------------------------------------------------------------- internals


def _other(study_file: StudyFile, conflict: Conflict) -> Any:
    """The other version as plain data (a note on the lesson's timeline, as shown)."""
    other = json.loads(conflict.body)
    if conflict.kind != "note":
        return other
    note = structure(other, Observation, where="conflict")
    if not note.stage_chosen:
        note = placed(note, study_file.timeline(note.lesson))
    return unstructure(note)


def _current(study_file: StudyFile, conflict: Conflict) -> Any:
    if conflict.kind == "note":
        note = _current_note(study_file, conflict)
        return unstructure(note) if note is not None else {}
    try:
        return unstructure(study_file.read(_document(conflict)).value)
    except NoSuchDocument:  # the lesson it was in has been removed since
        return {}


def _current_note(study_file: StudyFile, conflict: Conflict) -> Observation | None:
    return next((n for n in study_file.notes() if str(n.id) == conflict.key), None)


def _document(conflict: Conflict) -> documents.Document[Any]:
    try:
        return documents.from_row(conflict.kind, conflict.key)
    except ValueError:
        raise LessonStudyError(
            f"a conflict on an unknown kind of document {conflict.kind!r}"
        ) from None


def _resolve(study_file: StudyFile, conflict: Conflict, *, both: bool) -> None:
    other = _other(study_file, conflict)
    if conflict.kind == "note":
        note = _current_note(study_file, conflict)
        if note is None:
            raise LessonStudyError("that note is no longer in the study")
        current = unstructure(note)
        changed = _apply(current, other, both)
        study_file.update_note(structure(changed, Observation, where="conflict"), note)
    else:
        document = _document(conflict)
        value, revision = study_file.read(document)
        current = unstructure(value)
        changed = _apply(current, other, both)
        study_file.save(
            document, structure(changed, document.body_type, where="conflict"), revision
        )
    study_file.dismiss_conflict(conflict.id)


def _apply(current: Any, other: Any, both: bool) -> Any:
    result = json.loads(json.dumps(current))  # a deep copy of plain data
    for path, now, then in _differences(current, other):
        value = f"{now}\n{then}" if both and _is_text(now, then) and now else then
        if both and not _is_text(now, then):
            continue  # not text: this one stays (both kept means nothing dropped)
        _set(result, path, value)
    return result


def _differences(now: Any, other: Any, path: Path = ()) -> list[tuple[Path, Any, Any]]:
    if now == other:
        return []
    if isinstance(now, dict) and isinstance(other, dict):
        found = []
        for key in [*now, *(k for k in other if k not in now)]:
            if key in HIDDEN:
                continue
            found += _differences(now.get(key), other.get(key), (*path, key))
        return found
    if isinstance(now, list) and isinstance(other, list) and _same_ids(now, other):
        found = []
        for index, (a, b) in enumerate(zip(now, other, strict=True)):
            found += _differences(a, b, (*path, index))
        return found
    return [(path, now, other)]


def _same_ids(a: list[Any], b: list[Any]) -> bool:
    def ids(items: list[Any]) -> list[Any] | None:
        if not all(isinstance(x, dict) and "id" in x for x in items):
            return None
        return [x["id"] for x in items]

    return ids(a) is not None and ids(a) == ids(b)


def _set(target: Any, path: Path, value: Any) -> None:
    for step in path[:-1]:
        target = target[step]
    if path:
        target[path[-1]] = value


def _where(path: Path, current: Any) -> str:
    """A path in the group's words: 'stage 3 (Beyond one whole) · prediction for B'."""
    words: list[str] = []
    node = current
    parent: str | int | None = None
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else {}
            title = item.get("title") if isinstance(item, dict) else None
            if parent == "stages":
                words[-1] = f"stage {step + 1}" + (f" ({title})" if title else "")
            else:
                words.append(f"item {step + 1}")
        elif parent in ("predictions", "observed", "pupil_success_criteria", "assignments"):
            words[-1] = f"{words[-1]} for {step}"
        elif parent == "records":
            words[-1] = f"points at the step {step.replace('_', ' ')}"
        else:
            words.append(FIELD_WORDS.get(step, step.replace("_", " ")))
        node = (
            node.get(step)
            if isinstance(node, dict)
            else (
                node[step]
                if isinstance(node, list) and isinstance(step, int) and step < len(node)
                else None
            )
        )
        parent = step
    return " · ".join(words) or "the whole"


def _words(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(_words(item) for item in value)
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if k not in HIDDEN}
        return "; ".join(
            f"{FIELD_WORDS.get(k, k.replace('_', ' '))}: {_words(v)}" for k, v in shown.items()
        )
    return str(value)


def _is_text(now: Any, then: Any) -> bool:
    return isinstance(now, str) and isinstance(then, str) and not _looks_like_id(now)


def _looks_like_id(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4


def _when(found_at: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(found_at)
    except ValueError:
        return found_at
    return f"{moment.astimezone():%d %b %H:%M}"
